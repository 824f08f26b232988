//go:build speed

package main

import (
	"bytes"
	"testing"
)

// TestViewSafety50MB sends 50 MB of random bytes and records with random
// strings through view, in each layout: no control character from the
// input comes out (see TestViewRandomInputIsTerminalSafe, its 2 MB form in
// make test). Not part of make test (build tag speed; make view-safety).
func TestViewSafety50MB(t *testing.T) {
	in := randomInput(50, 50<<20)
	for _, format := range []string{"readable", "vllm"} {
		var out, errOut bytes.Buffer
		if code := view([]string{"--format", format, "--color", "never"}, bytes.NewReader(in), &out, &errOut); code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, errOut.String())
		}
		checkTerminalSafe(t, out.Bytes())
		if n := bytes.Count(out.Bytes(), []byte{0x1b}); n != 0 {
			t.Errorf("%s: %d ESC bytes", format, n)
		}
		t.Logf("%s: %d bytes in, %d out, none a control", format, len(in), out.Len())
	}
}
