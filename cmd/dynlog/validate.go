package main

import (
	"fmt"
	"io"
)

func validate(_ []string, _ io.Reader, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "dynlog validate: not yet available in this release")
	return 1
}
