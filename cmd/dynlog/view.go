package main

import (
	"fmt"
	"io"
)

func view(_ []string, _ io.Reader, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "dynlog view: not yet available in this release")
	return 1
}
