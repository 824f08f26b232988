package output

import (
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap"
)

// steadyWriter logs lineLogger's lines i = 0, 1, … to s from a goroutine,
// one about every 200 µs, until stop; logged is how many it has logged.
type steadyWriter struct {
	logged atomic.Int64
	stop   chan struct{}
	done   chan struct{}
}

func startSteadyWriter(s *sink) *steadyWriter {
	w := &steadyWriter{stop: make(chan struct{}), done: make(chan struct{})}
	log := lineLogger(s)
	go func() {
		defer close(w.done)
		for i := 0; ; i++ {
			select {
			case <-w.stop:
				return
			default:
			}
			log.Info("line", zap.Int("g", 0), zap.Int("i", i))
			w.logged.Store(int64(i + 1))
			time.Sleep(200 * time.Microsecond)
		}
	}()
	return w
}

func (w *steadyWriter) finish() int {
	close(w.stop)
	<-w.done
	return int(w.logged.Load())
}

// waitFor polls cond for up to limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > limit {
			t.Fatalf("no %s within %v", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// wantTail checks that lines are lineLogger's lines for i = k, k+1, …,
// total-1 with k <= from: every line from `from` on, once and in order,
// and before it only lines that were read back from a removed file.
func wantTail(t *testing.T, shape lineShape, lines []string, from, total int, where string) {
	t.Helper()
	if len(lines) < total-from {
		t.Fatalf("%s: %d lines, want at least lines %d..%d", where, len(lines), from, total-1)
	}
	wantSequence(t, shape, lines, total-len(lines), total, where)
}

// TestFileSinkDirectoryRemoved: the log directory removed while lines are
// written, and no signal: within the check interval (the default, 1 s) the
// sink makes the directory and the file again, says so in one line, and
// every line logged after the removal is in the new file, the ones that
// went to the removed file before the sink noticed included. The removal
// comes after a first check, so that the lines copied back are the tail of
// the removed file, not all of it.
func TestFileSinkDirectoryRemoved(t *testing.T) {
	shape := newLineShape(t)
	dir := filepath.Join(t.TempDir(), "logs")
	path := filepath.Join(dir, "app.log")
	var errOut, fallback logtest.Buffer
	s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback})
	defer s.Close()
	w := startSteadyWriter(s)
	time.Sleep(1300 * time.Millisecond)
	removedAt := int(w.logged.Load())
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	took := waitFor(t, 3*time.Second, "report", func() bool { return errOut.String() != "" })
	time.Sleep(200 * time.Millisecond)
	total := w.finish()
	t.Logf("noticed after %v; %d lines, %d before the removal", took.Round(time.Millisecond), total, removedAt)

	if want := "dynlog: " + path + " was removed; recreated it\n"; errOut.String() != want {
		t.Errorf("error output %q, want %q", errOut.String(), want)
	}
	if fallback.String() != "" {
		t.Errorf("lines on stderr: %.200q", fallback.String())
	}
	lines := readLines(t, path)
	wantTail(t, shape, lines, removedAt, total, "the new file")
	if len(lines) >= total {
		t.Errorf("the new file has all %d lines: the removed file was copied whole", total)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("the directory made again: %v, %v", fi, err)
	}
	if _, err := os.Stat(lockPath(path)); err != nil {
		t.Errorf("the lock file was not taken again: %v", err)
	}
}

// TestFileSinkFaultHealsByItself: the log directory replaced by a regular
// file, so that the log file can be neither written nor made again, for a
// second, SIGHUPs (Reopen) in between, then put right, and no signal: the
// lines go to stderr meanwhile and return to the file within seconds by
// themselves; the outage is reported once and its end once, and every line
// logged after the fault is in the file or on stderr once.
func TestFileSinkFaultHealsByItself(t *testing.T) {
	shape := newLineShape(t)
	dir := filepath.Join(t.TempDir(), "logs")
	path := filepath.Join(dir, "app.log")
	var errOut, fallback logtest.Buffer
	s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback})
	defer s.Close()
	w := startSteadyWriter(s)
	time.Sleep(200 * time.Millisecond)
	faultAt := int(w.logged.Load())
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("in the way\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 3*time.Second, "report of the fault", func() bool { return errOut.String() != "" })
	for range 5 { // SIGHUPs during the outage
		if err := s.Reopen(); err == nil {
			t.Error("Reopen succeeded with a file in place of the directory")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	took := waitFor(t, 8*time.Second, "return to the file", func() bool { return strings.Contains(errOut.String(), " again\n") })
	time.Sleep(200 * time.Millisecond)
	total := w.finish()
	t.Logf("back in the file %v after the fault ended", took.Round(time.Millisecond))

	want := "dynlog: cannot recreate " + path + ": " + dir + " is not a directory; writing log lines to stderr and retrying the file\n" +
		"dynlog: writing to " + path + " again\n"
	if errOut.String() != want {
		t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
	}
	stderr := readLines(t, writeTemp(t, fallback.String()))
	file := readLines(t, path)
	if len(stderr) == 0 || len(file) == 0 {
		t.Fatalf("%d lines on stderr, %d in the file: want both", len(stderr), len(file))
	}
	wantTail(t, shape, append(stderr, file...), faultAt, total, "stderr, then the file")
}

// TestFileSinkRenamedWithoutSignal: the file renamed away (logrotate
// without postrotate) is noticed at the next check; a new file takes the
// later lines, the renamed one keeps its own, and nothing is copied twice.
func TestFileSinkRenamedWithoutSignal(t *testing.T) {
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errOut, fallback logtest.Buffer
	s := newSink(Config{Path: path, checkEvery: 20 * time.Millisecond, ErrorOutput: &errOut, fallback: &fallback})
	defer s.Close()
	log := lineLogger(s)
	for i := range 10 {
		log.Info("line", zap.Int("g", 0), zap.Int("i", i))
	}
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	for i := 10; i < 20; i++ {
		log.Info("line", zap.Int("g", 0), zap.Int("i", i))
		time.Sleep(5 * time.Millisecond)
	}
	if want := "dynlog: " + path + " was renamed; recreated it\n"; errOut.String() != want {
		t.Errorf("error output %q, want %q", errOut.String(), want)
	}
	moved, live := readLines(t, path+".1"), readLines(t, path)
	if len(live) == 0 {
		t.Fatal("nothing in the new file")
	}
	wantSequence(t, shape, append(moved, live...), 0, 20, "the renamed file, then the new one")
	if fallback.String() != "" {
		t.Errorf("lines on stderr: %.200q", fallback.String())
	}
}

// TestFileSinkDirectoryRemovedWhileRotating: the log directory removed
// (rm -rf, no signal) while a writer logs numbered lines into a file
// rotated every few lines, so that rotations, checks and the removal
// interleave. Every line logged after the removal returned is in a file
// or on stderr exactly once, and no line is there twice; the removal is
// reported.
func TestFileSinkDirectoryRemovedWhileRotating(t *testing.T) {
	shape := newLineShape(t)
	dir := filepath.Join(t.TempDir(), "logs")
	path := filepath.Join(dir, "app.log")
	lineLen := int64(len(shape.prefix + "0" + shape.middle + "1000" + shape.suffix))
	var errOut, fallback logtest.Buffer
	s := newSink(Config{Path: path, MaxBytes: 8 * lineLen, checkEvery: 20 * time.Millisecond,
		ErrorOutput: &errOut, fallback: &fallback})
	log := lineLogger(s)
	report := "dynlog: " + path + " was removed; recreated it\n"

	var logged atomic.Int64
	removedAt := make(chan int, 1)
	go func() {
		for logged.Load() < 500 {
			runtime.Gosched()
		}
		for {
			err := os.RemoveAll(dir)
			if err == nil {
				break
			}
			t.Logf("RemoveAll: %v; again", err) // the writer made a file meanwhile
		}
		removedAt <- int(logged.Load())
	}()
	from, total := -1, 0
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; ; i++ {
		log.Info("line", zap.Int("g", 0), zap.Int("i", i))
		logged.Store(int64(i + 1))
		if from < 0 {
			select {
			case from = <-removedAt:
			default:
			}
		}
		// Until the removal is reported, the file is back, and well past.
		if out := errOut.String(); from >= 0 && i >= from+2000 &&
			(strings.HasSuffix(out, report) || strings.HasSuffix(out, " again\n") || time.Now().After(deadline)) {
			total = i + 1
			break
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if out := errOut.String(); !strings.HasSuffix(out, report) && !strings.HasSuffix(out, " again\n") {
		t.Errorf("no report of the removal, or the file not back, after %d lines; error output %q", total, errOut.String())
	}

	// A rotation may also find the directory gone between making it and
	// opening the file: that is an outage, reported and ended once.
	outage := regexp.MustCompile(`^dynlog: cannot (rotate|reopen|recreate) ` + regexp.QuoteMeta(path) +
		`: .*; writing log lines to stderr and retrying the file\n$`)
	for _, l := range strings.SplitAfter(errOut.String(), "\n") {
		if l != "" && l != report && l != "dynlog: writing to "+path+" again\n" && !outage.MatchString(l) {
			t.Errorf("error output line %q, want only %q or an outage; all: %q", l, report, errOut.String())
		}
	}
	seen := make([]int, total)
	count := func(lines []string, where string) {
		for _, l := range lines {
			g, i, ok := shape.parse(l)
			if !ok || g != 0 || i < 0 || i >= total {
				t.Fatalf("%s: foreign or torn line %q", where, l)
			}
			seen[i]++
		}
	}
	if _, err := os.Stat(dir); err == nil { // gone if the lines went to stderr to the end
		count(readLines(t, logFiles(t, dir, path)...), "the files")
	}
	count(readLines(t, writeTemp(t, fallback.String())), "stderr")
	var lost, twice []int
	for i, n := range seen {
		switch {
		case n > 1:
			twice = append(twice, i)
		case n == 0 && i >= from:
			lost = append(lost, i)
		}
	}
	t.Logf("%d lines, removal returned at line %d", total, from)
	if len(lost) > 0 || len(twice) > 0 {
		t.Errorf("%d lines logged after the removal are lost (first %v), %d are there twice (first %v)",
			len(lost), lost[:min(len(lost), 10)], len(twice), twice[:min(len(twice), 10)])
	}
}

// TestFileSinkRemovedBetweenChecks: the log directory removed between
// two lines, with no check due for an hour. The next rotation finds the
// live file removed: the lines written to it since it was opened (those
// of before the removal included, as no check found them in place) are
// carried into the new file, and the removal is reported. Close does the
// same for a file removed since the last rotation.
func TestFileSinkRemovedBetweenChecks(t *testing.T) {
	shape := newLineShape(t)
	lineLen := int64(len(shape.prefix + "0" + shape.middle + "10" + shape.suffix))
	dir := filepath.Join(t.TempDir(), "logs")
	path := filepath.Join(dir, "app.log")
	report := "dynlog: " + path + " was removed; recreated it\n"

	t.Run("rotation", func(t *testing.T) {
		var errOut, fallback logtest.Buffer
		s := newSink(Config{Path: path, MaxBytes: 8 * lineLen, checkEvery: time.Hour, ErrorOutput: &errOut, fallback: &fallback})
		logLines(s, 10, 22) // a backup of 10..17; 18..21 in the live file
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		logLines(s, 22, 40) // 22..25 into the removed file; the rotation before 26 carries 18..25
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		wantSequence(t, shape, readLines(t, logFiles(t, dir, path)...), 18, 40, "the files")
		if errOut.String() != report {
			t.Errorf("error output %q, want %q", errOut.String(), report)
		}
		if fallback.String() != "" {
			t.Errorf("lines on stderr: %.200q", fallback.String())
		}
	})

	t.Run("close", func(t *testing.T) {
		var errOut, fallback logtest.Buffer
		s := newSink(Config{Path: path, checkEvery: time.Hour, ErrorOutput: &errOut, fallback: &fallback})
		logLines(s, 10, 12)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		logLines(s, 12, 15)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		wantSequence(t, shape, readLines(t, path), 10, 15, "the file made again at Close")
		if errOut.String() != report {
			t.Errorf("error output %q, want %q", errOut.String(), report)
		}
		if fallback.String() != "" {
			t.Errorf("lines on stderr: %.200q", fallback.String())
		}
	})
}
