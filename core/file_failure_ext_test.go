package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"go.uber.org/zap"
)

// sinkChild is the child process of TestFileSinkFailureInAProcess: a
// service that logs DYNLOG_SINK_LINES lines to the file DYN_LOGGING_FILE
// names, under a file size limit of DYNLOG_SINK_FSIZE bytes if set, sending
// itself a SIGHUP every 100 lines if DYNLOG_SINK_HUP=1, and exits 0
// whatever the file did.
func sinkChild() {
	if v := os.Getenv("DYNLOG_SINK_FSIZE"); v != "" {
		limit, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			os.Exit(2)
		}
		var rl syscall.Rlimit
		if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
			os.Exit(2)
		}
		// Go ignores SIGXFSZ, so a write past the limit fails with EFBIG
		// instead of killing the process.
		rl.Cur = limit
		if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &rl); err != nil {
			fmt.Fprintln(os.Stderr, "setrlimit:", err)
			os.Exit(2)
		}
	}
	n, err := strconv.Atoi(os.Getenv("DYNLOG_SINK_LINES"))
	if err != nil {
		os.Exit(2)
	}
	log, err := core.New(core.WithSystemConfig(""), core.WithClock(coretest.Clock(coretest.Pinned)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	hup := os.Getenv("DYNLOG_SINK_HUP") == "1"
	if hup {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		core.ReloadOnSIGHUP(ctx, log, core.WithSystemConfig(""))
	}
	for i := range n {
		log.Info("line", zap.Int("i", i))
		if hup {
			// Slow enough for the sink's own retries (from 100 ms) to fall
			// in the run too.
			time.Sleep(200 * time.Microsecond)
			if i%100 == 50 {
				_ = syscall.Kill(os.Getpid(), syscall.SIGHUP)
			}
		}
	}
	_ = log.Sync()
	os.Exit(0)
}

// TestFileSinkFailureInAProcess runs a process whose log file fails (at
// open, or mid-run at a write) and checks what a failing file must do: one error
// line on stderr naming the path and the cause, every later line on
// stderr, every line exactly once between the file and stderr, none torn,
// and exit status 0. Tests run as root here, for whom file modes mean
// nothing, so the failures are ones root gets too: a parent that is a
// regular file (the directory cannot be made), a path that is a
// directory, and a file size limit (RLIMIT_FSIZE, which binds root) that
// makes a write fail with EFBIG halfway through a line, standing in for a
// full disk: no small file system can be mounted here.
func TestFileSinkFailureInAProcess(t *testing.T) {
	const lines = 1000
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string) (path, cause string)
		fsize int64
		// wantInFile says whether some lines reach the file before it fails.
		wantInFile bool
		hup        bool
	}{
		{
			name: "directory that cannot be made",
			setup: func(t *testing.T, dir string) (string, string) {
				plain := filepath.Join(dir, "plain")
				if err := os.WriteFile(plain, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join(plain, "logs", "app.log")
				return path, "cannot open " + path + ": " + plain + " is not a directory"
			},
		},
		{
			name: "path is a directory",
			setup: func(t *testing.T, dir string) (string, string) {
				path := filepath.Join(dir, "app.log")
				if err := os.Mkdir(path, 0o755); err != nil {
					t.Fatal(err)
				}
				return path, "cannot open " + path + ": the path is a directory"
			},
		},
		{
			name: "file size limit reached mid-run",
			setup: func(t *testing.T, dir string) (string, string) {
				path := filepath.Join(dir, "app.log")
				return path, "cannot write to " + path + ": file too large"
			},
			// Not a multiple of the line length: the write that reaches the
			// limit gets only part of its line into the file.
			fsize:      20_000 + 37,
			wantInFile: true,
		},
		{
			// The disk stays full: every SIGHUP and every retry opens the
			// file, which works, and the next line fails again. One outage,
			// one report.
			name: "file size limit reached mid-run, SIGHUPs and retries during the outage",
			setup: func(t *testing.T, dir string) (string, string) {
				path := filepath.Join(dir, "app.log")
				return path, "cannot write to " + path + ": file too large"
			},
			fsize:      20_000 + 37,
			wantInFile: true,
			hup:        true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path, cause := tc.setup(t, dir)
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "DYNLOG_SINK_CHILD=1", "DYNLOG_SINK_LINES="+strconv.Itoa(lines),
				"DYN_LOGGING_FILE="+path, "DYN_LOGGING_CONFIG_PATH=", "DYN_LOG=info", "DYN_LOGGING_JSONL=1")
			if tc.fsize > 0 {
				cmd.Env = append(cmd.Env, "DYNLOG_SINK_FSIZE="+strconv.FormatInt(tc.fsize, 10))
			}
			if tc.hup {
				cmd.Env = append(cmd.Env, "DYNLOG_SINK_HUP=1")
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				t.Fatalf("child exited with %d, want 0\n%s", exitErr.ExitCode(), stderr.String())
			} else if err != nil {
				t.Fatal(err)
			}

			var reports, stderrLines []string
			for _, l := range strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n") {
				// The file's reports are lines of the layout, target dynlog.
				if r, ok := dynlogReport(l); ok && !strings.Contains(l, `"message":"filter replaced by SIGHUP: no directive changed"`) {
					reports = append(reports, r)
				} else {
					stderrLines = append(stderrLines, l)
				}
			}
			want := "dynlog: " + cause + "; writing log lines to stderr and retrying the file"
			if len(reports) != 1 || reports[0] != want {
				t.Errorf("reports on stderr %q, want one: %q", reports, want)
			}

			var fileLines []string
			if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
				data, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if tc.fsize > 0 && int64(len(data)) > tc.fsize {
					t.Errorf("file is %d bytes, over the limit of %d", len(data), tc.fsize)
				}
				if len(data) > 0 && data[len(data)-1] != '\n' {
					t.Errorf("file ends in a partial line: %q", data[max(0, len(data)-80):])
				}
				if len(data) > 0 {
					fileLines = strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
				}
			}
			if tc.wantInFile != (len(fileLines) > 0) {
				t.Errorf("%d lines in the file", len(fileLines))
			}
			// The file holds the first lines, stderr the rest, each once,
			// and the SIGHUPs' audit lines (target dynlog) among them.
			var all []string
			for _, l := range append(fileLines, stderrLines...) {
				if !strings.Contains(l, `"target":"dynlog","message":"filter replaced by SIGHUP: no directive changed"`) {
					all = append(all, l)
				}
			}
			if len(all) != lines {
				t.Errorf("%d lines in the file and %d on stderr, want %d in all", len(fileLines), len(stderrLines), lines)
			}
			for k, l := range all {
				var m struct {
					Message string `json:"message"`
					I       *int   `json:"i"`
				}
				if err := json.Unmarshal([]byte(l), &m); err != nil || m.Message != "line" || m.I == nil || *m.I != k {
					t.Fatalf("line %d (%d in the file) is %q, want the JSONL line for i=%d", k, len(fileLines), l, k)
				}
			}
			t.Logf("%d lines in the file, %d on stderr; %s", len(fileLines), len(stderrLines), reports)
		})
	}
}
