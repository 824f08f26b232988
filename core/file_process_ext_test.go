package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap"
)

// lockChild is the child process of TestFileLockedByAnotherProcess: it
// logs "child" lines to DYN_LOGGING_FILE, one every 2 ms, until 20 lines
// after its lines show in the file, and exits 5 if they do not within 15 s.
func lockChild() {
	path := os.Getenv("DYN_LOGGING_FILE")
	log, err := core.New(core.WithSystemConfig(""), core.WithClock(coretest.Clock(coretest.Pinned)))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	back := -1
	for i, deadline := 0, time.Now().Add(15*time.Second); time.Now().Before(deadline); i++ {
		log.Info("child", zap.Int("i", i))
		if back < 0 && i%10 == 0 {
			if data, _ := os.ReadFile(path); bytes.Contains(data, []byte(`"message":"child"`)) {
				back = i
			}
		}
		if back >= 0 && i >= back+20 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := core.Close(log); err != nil || back < 0 {
		os.Exit(5)
	}
	os.Exit(0)
}

// TestFileLockedByAnotherProcess: while this process logs to a file, a
// second process that names the same file is refused it, says so once
// naming this process, and writes to stderr; once this process closes the
// file the second one takes it over by itself, and says so once. Every
// line of both is in the file or on the child's stderr exactly once, in
// order.
func TestFileLockedByAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errOut logtest.Buffer
	log, err := core.New(append(fileLoggerOptions(t, path), core.WithErrorOutput(&errOut))...)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		log.Info("parent", zap.Int("i", i))
	}

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DYNLOG_LOCK_CHILD=1", "DYN_LOGGING_FILE="+path,
		"DYN_LOGGING_CONFIG_PATH=", "DYN_LOG=info", "DYN_LOGGING_JSONL=1")
	var stderr logtest.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	refused := fmt.Sprintf("dynlog: cannot open %s: process %d logs to it (it holds %s.lock); writing log lines to stderr and retrying the file",
		path, os.Getpid(), path)
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(stderr.String(), `"message":"child"`); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			t.Fatalf("the child logged nothing to stderr in 10 s:\n%s", stderr.String())
		}
	}
	for i := 10; i < 20; i++ {
		log.Info("parent", zap.Int("i", i))
	}
	if err := core.Close(log); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v\n%.2000s", err, stderr.String())
	}

	var reports []string
	var childStderr []jsonLine
	for _, l := range strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n") {
		if r, ok := dynlogReport(l); ok {
			reports = append(reports, r)
			continue
		}
		childStderr = append(childStderr, parseJSONLines(t, "child's stderr", l+"\n")...)
	}
	wantReports := []string{refused, "dynlog: writing to " + path + " again"}
	if strings.Join(reports, "\n") != strings.Join(wantReports, "\n") {
		t.Errorf("child's reports\n%s\nwant\n%s", strings.Join(reports, "\n"), strings.Join(wantReports, "\n"))
	}
	var parentLines, childFile []jsonLine
	for _, l := range readJSONLines(t, path) {
		switch l.Message {
		case "parent":
			parentLines = append(parentLines, l)
		case "child":
			childFile = append(childFile, l)
		default:
			t.Fatalf("foreign line %+v", l)
		}
	}
	wantCounting(t, "parent's lines in the file", parentLines, 0, 20)
	child := append(childStderr, childFile...)
	wantCounting(t, "child's lines on its stderr, then in the file", child, 0, len(child))
	if len(childStderr) == 0 || len(childFile) < 20 {
		t.Errorf("child: %d lines on stderr, %d in the file", len(childStderr), len(childFile))
	}
	if errOut.String() != "" {
		t.Errorf("parent's error output %q", errOut.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries in the directory, want the log file alone (no lock file left)", len(entries))
	}
	t.Logf("child: %d lines on stderr, then %d in the file", len(childStderr), len(childFile))
}

// wantCounting checks that lines carry i = from, from+1, …, to-1.
func wantCounting(t *testing.T, what string, lines []jsonLine, from, to int) {
	t.Helper()
	if len(lines) != to-from {
		t.Errorf("%s: %d lines, want %d", what, len(lines), to-from)
	}
	for k, l := range lines {
		if l.I == nil || *l.I != from+k {
			t.Fatalf("%s: line %d is %+v, want i=%d", what, k, l, from+k)
		}
	}
}

// shareChild is the child process of TestInitAndNewShareAFile: Init and a
// New logger on one file; Shutdown closes Init's hold only, Close the
// other's.
func shareChild() {
	log := core.Init()
	other, err := core.New()
	if err != nil {
		os.Exit(2)
	}
	log.Info("init", zap.Int("i", 0))
	other.Info("new", zap.Int("i", 0))
	if err := core.Shutdown(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "Shutdown:", err)
		os.Exit(3)
	}
	other.Info("new", zap.Int("i", 1)) // still the file
	log.Info("init", zap.Int("i", 1))  // stderr
	if err := core.Close(other); err != nil {
		fmt.Fprintln(os.Stderr, "Close:", err)
		os.Exit(4)
	}
	other.Info("new", zap.Int("i", 2)) // stderr
	os.Exit(0)
}

// TestInitAndNewShareAFile: Init's logger and a New logger on one file
// write through one sink; Shutdown closes Init's hold and leaves the New
// logger writing to the file until it is closed itself.
func TestInitAndNewShareAFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "DYNLOG_SHARE_CHILD=1", "DYN_LOGGING_FILE="+path,
		"DYN_LOGGING_CONFIG_PATH=", "DYN_LOG=info", "DYN_LOGGING_JSONL=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("child: %v\n%s", err, stderr.String())
	}
	say := func(lines []jsonLine) string {
		var b strings.Builder
		for _, l := range lines {
			if l.I != nil {
				fmt.Fprintf(&b, "%s %d;", l.Message, *l.I)
			}
		}
		return b.String()
	}
	if got, want := say(readJSONLines(t, path)), "init 0;new 0;new 1;"; got != want {
		t.Errorf("file: %s want %s", got, want)
	}
	if got, want := say(parseJSONLines(t, "stderr", stderr.String())), "init 1;new 2;"; got != want {
		t.Errorf("stderr: %s want %s\n%s", got, want, stderr.String())
	}
}

// dynlogReport is the text of one of dynlog's own reports, "dynlog: " and
// its message, when line is one: a JSONL line of target dynlog.
func dynlogReport(line string) (string, bool) {
	var m struct{ Target, Message string }
	if json.Unmarshal([]byte(line), &m) != nil || m.Target != "dynlog" {
		return "", false
	}
	return "dynlog: " + m.Message, true
}
