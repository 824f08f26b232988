//go:build speed

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestValidateSpeed times dynlog validate and jq empty on one generated
// 1,000,000-line file and prints the ratio; the goal is at least 2x. It is
// not part of make test (build tag speed; make validate-speed):
//
//	go test -tags speed ./cmd/dynlog -run '^TestValidateSpeed$' -v
func TestValidateSpeed(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Fatal("jq not found: install it (Debian: apt-get install jq) for this comparison")
	}
	path := filepath.Join(t.TempDir(), "speed.jsonl")
	writeSpeedFile(t, path, 1_000_000)

	start := time.Now()
	if out, err := exec.Command(jq, "empty", path).CombinedOutput(); err != nil {
		t.Fatalf("jq empty: %v: %s", err, out)
	}
	jqTime := time.Since(start)

	start = time.Now()
	if code := validate([]string{path}, nil, io.Discard, os.Stderr); code != 0 {
		t.Fatalf("dynlog validate: exit %d", code)
	}
	ours := time.Since(start)

	ratio := jqTime.Seconds() / ours.Seconds()
	fmt.Printf("1,000,000 lines: jq empty %v, dynlog validate %v: %.2fx faster (goal 2x)\n",
		jqTime.Round(time.Millisecond), ours.Round(time.Millisecond), ratio)
	if ratio < 2 {
		t.Errorf("dynlog validate is %.2fx jq's speed, want at least 2x", ratio)
	}
}
