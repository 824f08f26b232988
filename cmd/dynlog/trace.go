package main

import (
	"fmt"
	"io"
)

func trace(_ []string, _ io.Reader, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "dynlog trace: not yet available in this release")
	return 1
}
