package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestMain runs the command itself, main and all, when a test starts this
// test binary with DYNLOG_TEST_MAIN=1, so that a test can read the real
// process's exit status and its behaviour on a closed pipe.
func TestMain(m *testing.M) {
	if os.Getenv("DYNLOG_TEST_MAIN") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestClosedPipeEndsQuietly is dynlog view | head -1 and dynlog trace |
// head -1: once the reader is gone, the command exits 0 and says nothing.
func TestClosedPipeEndsQuietly(t *testing.T) {
	golden, err := os.ReadFile(goldenJSONL)
	if err != nil {
		t.Fatal(err)
	}
	_, files := serviceFiles(t, nil)
	big := filepath.Join(t.TempDir(), "big.jsonl")
	if err := os.WriteFile(big, bytes.Repeat(golden, 20000), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"view", big}, {"view", "--format", "vllm", big}, append([]string{"trace"}, files...)} {
		cmd := exec.Command(os.Args[0], args...)
		cmd.Env = append(os.Environ(), "DYNLOG_TEST_MAIN=1", "NO_COLOR=1")
		var errOut bytes.Buffer
		cmd.Stderr = &errOut
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if _, err := bufio.NewReader(stdout).ReadString('\n'); err != nil {
			t.Errorf("%v: first line: %v", args, err)
		}
		stdout.Close()
		err = cmd.Wait()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Errorf("%v: %v after its reader left; stderr %q", args, err, errOut.String())
		} else if err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if strings.Contains(errOut.String(), "pipe") {
			t.Errorf("%v: stderr %q", args, errOut.String())
		}
	}
}

// failingWriter fails every write with err.
type failingWriter struct{ err error }

func (f failingWriter) Write([]byte) (int, error) { return 0, f.err }

func TestWriteErrors(t *testing.T) {
	for _, tc := range []struct {
		err    error
		code   int
		stderr string
	}{
		{syscall.EPIPE, 0, ""},
		{syscall.ENOSPC, 1, "dynlog view: no space left on device\n"},
	} {
		var errOut bytes.Buffer
		if code := view([]string{goldenJSONL}, nil, failingWriter{tc.err}, &errOut); code != tc.code || errOut.String() != tc.stderr {
			t.Errorf("view, %v: exit %d, stderr %q; want %d, %q", tc.err, code, errOut.String(), tc.code, tc.stderr)
		}
		errOut.Reset()
		want := strings.ReplaceAll(tc.stderr, "view", "trace")
		if code := trace([]string{goldenJSONL}, nil, failingWriter{tc.err}, &errOut); code != tc.code || errOut.String() != want {
			t.Errorf("trace, %v: exit %d, stderr %q; want %d, %q", tc.err, code, errOut.String(), tc.code, want)
		}
	}
}

func TestHelpCommand(t *testing.T) {
	for _, name := range []string{"view", "trace", "validate", "demo"} {
		var viaHelp, viaFlag, errOut bytes.Buffer
		if code := run([]string{"help", name}, &viaHelp, &errOut); code != 0 {
			t.Errorf("help %s: exit %d: %s", name, code, errOut.String())
		}
		run([]string{name, "--help"}, &viaFlag, &errOut)
		if viaHelp.String() != viaFlag.String() || !strings.Contains(viaHelp.String(), "dynlog "+name) {
			t.Errorf("help %s printed %q, want %s --help's %q", name, viaHelp.String(), name, viaFlag.String())
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"help"}, &out, &errOut); code != 0 || out.String() != usage {
		t.Errorf("help: exit %d, stdout %q", code, out.String())
	}
	if code := run([]string{"help", "nope"}, &out, &errOut); code != 2 || errOut.String() != "dynlog help: unknown command \"nope\" (try dynlog --help)\n" {
		t.Errorf("help nope: exit %d, stderr %q", code, errOut.String())
	}
}
