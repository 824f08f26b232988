package main

import (
	"errors"
	"fmt"
	"io"
	"syscall"
)

// stickyWriter passes writes to w until one fails, then fails every write
// with that first error, which err keeps, so a command can stop reading
// its input once nobody reads its output.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

// writeFailed reports a failed write of command's output and returns the
// exit code: a closed pipe (dynlog view | head) is no failure and says
// nothing, as cat and grep do; anything else is said on stderr and is 1.
func writeFailed(stderr io.Writer, command string, err error) int {
	if errors.Is(err, syscall.EPIPE) {
		return 0
	}
	fmt.Fprintf(stderr, "dynlog %s: %v\n", command, err)
	return 1
}
