package output

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin for the daily rotation test, on any machine

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// stoppedClock is a zapcore.Clock that always says the same time, so that
// every line of a test is known to the byte.
type stoppedClock struct{ t time.Time }

func (c stoppedClock) Now() time.Time                         { return c.t }
func (c stoppedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

var sinkTestTime = time.Date(2026, 1, 2, 3, 4, 5, 656503000, time.UTC)

// lineLogger logs JSONL lines `{..."message":"line","g":G,"i":I}` to ws.
func lineLogger(ws zapcore.WriteSyncer) *zap.Logger {
	core := zapcore.NewCore(encoder.NewJSONL(), ws, zapcore.DebugLevel)
	return zap.New(core, zap.WithClock(stoppedClock{sinkTestTime})).Named("sink_test")
}

// lineShape knows the exact bytes of lineLogger's line for (g, i) and reads
// them back.
type lineShape struct{ prefix, middle, suffix string }

func newLineShape(t testing.TB) lineShape {
	t.Helper()
	var buf logtest.Buffer
	lineLogger(&buf).Info("line", zap.Int("g", 7777777), zap.Int("i", 8888888))
	line := buf.String()
	if !json.Valid([]byte(line)) || !strings.HasSuffix(line, "}\n") {
		t.Fatalf("template line is not one JSON object: %q", line)
	}
	prefix, rest, ok1 := strings.Cut(line, "7777777")
	middle, suffix, ok2 := strings.Cut(rest, "8888888")
	if !ok1 || !ok2 {
		t.Fatalf("template line %q lacks its numbers", line)
	}
	return lineShape{prefix, middle, suffix}
}

// parse returns g and i of a line (without its newline) that is exactly
// lineLogger's, byte for byte.
func (s lineShape) parse(line string) (g, i int, ok bool) {
	rest, ok := strings.CutPrefix(line, s.prefix)
	if !ok {
		return 0, 0, false
	}
	gs, rest, ok := strings.Cut(rest, s.middle)
	if !ok {
		return 0, 0, false
	}
	is, ok := strings.CutSuffix(rest, strings.TrimSuffix(s.suffix, "\n"))
	if !ok {
		return 0, 0, false
	}
	g, err1 := strconv.Atoi(gs)
	i, err2 := strconv.Atoi(is)
	return g, i, err1 == nil && err2 == nil
}

// logFiles returns the live file and its backups in dir, oldest first
// (lumberjack's backup names sort by time; the live file is the newest).
func logFiles(t testing.TB, dir, live string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ext := filepath.Ext(live)
	stem := strings.TrimSuffix(filepath.Base(live), ext) + "-"
	backup := regexp.MustCompile(`^` + regexp.QuoteMeta(stem) + `\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}` + regexp.QuoteMeta(ext) + `$`)
	var files []string
	for _, e := range entries {
		if backup.MatchString(e.Name()) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	slices.Sort(files)
	if _, err := os.Stat(live); err == nil {
		files = append(files, live)
	}
	return files
}

// readLines returns the lines of the files in order, failing on a file that
// does not end with a newline.
func readLines(t testing.TB, files ...string) []string {
	t.Helper()
	var lines []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) == 0 {
			continue
		}
		if data[len(data)-1] != '\n' {
			t.Fatalf("%s ends in a partial line: %q", f, data[max(0, len(data)-80):])
		}
		lines = append(lines, strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")...)
	}
	return lines
}

// wantSequence checks that lines are exactly lineLogger's lines for g = 0
// and i = from, from+1, …, to-1.
func wantSequence(t *testing.T, shape lineShape, lines []string, from, to int, where string) {
	t.Helper()
	if len(lines) != to-from {
		t.Errorf("%s: %d lines, want %d (i = %d..%d)", where, len(lines), to-from, from, to-1)
	}
	for k, l := range lines {
		g, i, ok := shape.parse(l)
		if !ok || g != 0 || i != from+k {
			t.Errorf("%s: line %d is %q, want the line for i=%d", where, k, l, from+k)
			return
		}
	}
}

// TestFileSinkLoad: 8 goroutines × 200,000 lines into a file rotated at
// 1 MiB; after Sync the live file and its backups hold every line exactly
// once, each one whole and byte-exact JSONL.
func TestFileSinkLoad(t *testing.T) {
	const goroutines, perGoroutine = 8, 200_000
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "load.log")
	var errOut, fallback logtest.Buffer
	s := newSink(Config{Path: path, MaxBytes: 1 << 20, ErrorOutput: &errOut, fallback: &fallback})
	defer s.Close()
	log := lineLogger(s)

	start := time.Now()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				log.Info("line", zap.Int("g", g), zap.Int("i", i))
			}
		})
	}
	wg.Wait()
	if err := log.Sync(); err != nil {
		t.Fatalf("Sync: %v", err)
	}
	t.Logf("%d lines in %v", goroutines*perGoroutine, time.Since(start).Round(time.Millisecond))

	if errOut.String() != "" || fallback.String() != "" {
		t.Fatalf("the sink failed over:\nerror output %q\nstderr %.200q", errOut.String(), fallback.String())
	}
	files := logFiles(t, dir, path)
	seen := make([][]bool, goroutines)
	for g := range seen {
		seen[g] = make([]bool, perGoroutine)
	}
	next := make([]int, goroutines) // each goroutine's lines arrive in its order
	total := 0
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > 1<<20 {
			t.Errorf("%s is %d bytes, over max_size_mb = 1", f, fi.Size())
		}
		for _, l := range readLines(t, f) {
			g, i, ok := shape.parse(l)
			if !ok || g < 0 || g >= goroutines || i < 0 || i >= perGoroutine {
				t.Fatalf("%s: torn or foreign line %q", f, l)
			}
			if seen[g][i] {
				t.Fatalf("%s: line g=%d i=%d written twice", f, g, i)
			}
			if i != next[g] {
				t.Fatalf("%s: line g=%d i=%d after i=%d", f, g, i, next[g]-1)
			}
			seen[g][i] = true
			next[g]++
			total++
		}
	}
	if total != goroutines*perGoroutine {
		t.Fatalf("%d lines in %d files, want %d", total, len(files), goroutines*perGoroutine)
	}
	t.Logf("%d files", len(files))
}

// TestFileSinkRotationsInOneMillisecond: backups are named to the
// millisecond, and a second rotation in one millisecond would rename its
// backup over the first; the sink keeps rotations apart, so a rotation per
// line loses nothing.
func TestFileSinkRotationsInOneMillisecond(t *testing.T) {
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "tiny.log")
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, MaxBytes: 100, ErrorOutput: &errOut})
	defer s.Close()
	log := lineLogger(s)
	const n = 50
	for i := range n {
		log.Info("line", zap.Int("g", 0), zap.Int("i", i))
	}
	files := logFiles(t, dir, path)
	if len(files) != n {
		t.Errorf("%d files, want one per line: %d", len(files), n)
	}
	// Every line is longer than 100 bytes: each has a file of its own.
	wantSequence(t, shape, readLines(t, files...), 0, n, "all files")
	if errOut.String() != "" {
		t.Errorf("error output: %q", errOut.String())
	}
}

// TestFileSinkFailover: a file that cannot be opened, or fails mid-run,
// is reported once with its path and cause; every line from then on goes
// to stderr; Rotate and Reopen bring the lines back once the path works.
// Tests run as root here, which ignores file modes, so the failures are
// ones that hold for root too: a parent that is a regular file, a path
// that is a directory, a file replaced by a directory mid-run. A write
// failure mid-run (a file size limit) is in core/file_failure_ext_test.go.
func TestFileSinkFailover(t *testing.T) {
	shape := newLineShape(t)

	t.Run("parent is a regular file", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "plain"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(dir, "plain", "logs", "app.log")
		var errOut, fallback logtest.Buffer
		s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback})
		defer s.Close()
		log := lineLogger(s)
		for i := range 10 {
			log.Info("line", zap.Int("g", 0), zap.Int("i", i))
		}
		want := "dynlog: cannot open " + path + ": " + filepath.Join(dir, "plain") + " is not a directory; writing log lines to stderr and retrying the file\n"
		if errOut.String() != want {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
		}
		wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 0, 10, "stderr")
	})

	t.Run("path is a directory", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		if err := os.MkdirAll(filepath.Join(path, "inside"), 0o755); err != nil {
			t.Fatal(err)
		}
		var errOut, fallback logtest.Buffer
		s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback})
		defer s.Close()
		log := lineLogger(s)
		for i := range 10 {
			log.Info("line", zap.Int("g", 0), zap.Int("i", i))
		}
		if err := s.Rotate(); err == nil {
			t.Error("Rotate onto a directory succeeded")
		}
		want := "dynlog: cannot open " + path + ": the path is a directory; writing log lines to stderr and retrying the file\n"
		if errOut.String() != want {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
		}
		wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 0, 10, "stderr")
		// A rotation that did not look first would rename the directory away
		// and put a file in its place.
		entries, _ := os.ReadDir(dir)
		if fi, err := os.Stat(filepath.Join(path, "inside")); err != nil || !fi.IsDir() || len(entries) != 1 {
			t.Errorf("the directory was moved or changed: %v, %d entries", err, len(entries))
		}
	})

	t.Run("replaced by a directory mid-run, back after Rotate and Reopen", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		var errOut, fallback logtest.Buffer
		lineLen := int64(len(shape.prefix + "0" + shape.middle + "10" + shape.suffix))
		s := newSink(Config{Path: path, MaxBytes: 10 * lineLen, ErrorOutput: &errOut, fallback: &fallback})
		defer s.Close()
		log := lineLogger(s)
		logRange := func(from, to int) {
			for i := from; i < to; i++ {
				log.Info("line", zap.Int("g", 0), zap.Int("i", i))
			}
		}
		logRange(10, 15)
		// Someone removes the file and puts a directory there. The sink
		// still has the old file open and writes to it, as any logger would,
		// until it rotates at 10 lines and finds the directory; keep the old
		// file to count those lines.
		old, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer old.Close()
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		logRange(15, 30)
		failed := "dynlog: cannot rotate " + path + ": the path is a directory; writing log lines to stderr and retrying the file\n"
		if errOut.String() != failed {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), failed)
		}
		oldLines, err := readAll(old)
		if err != nil {
			t.Fatal(err)
		}
		wantSequence(t, shape, oldLines, 10, 20, "the replaced file")
		wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 20, 30, "stderr")

		// Rotate while the directory is still there fails quietly: the
		// failure has been reported.
		if err := s.Rotate(); err == nil {
			t.Error("Rotate onto a directory succeeded")
		}
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := s.Rotate(); err != nil {
			t.Fatalf("Rotate with the path free: %v", err)
		}
		// The lines written to the removed file since it was opened (10 to
		// 19) are carried into the new one, which is full with them: the
		// next line rotates it.
		logRange(30, 35)
		again := "dynlog: writing to " + path + " again\n"
		removed := "dynlog: " + path + " was removed; recreated it\n"
		if errOut.String() != failed+again+removed {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), failed+again+removed)
		}
		files := logFiles(t, dir, path)
		if len(files) != 2 {
			t.Fatalf("files %q, want a backup and the live file", files)
		}
		wantSequence(t, shape, readLines(t, files[0]), 10, 20, "the new file, rotated, with the lines carried over")
		wantSequence(t, shape, readLines(t, path), 30, 35, "the new file")

		// The same through Reopen, what SIGHUP does.
		if err := os.Rename(path, path+".moved"); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := s.Reopen(); err == nil {
			t.Fatal("Reopen onto a directory succeeded")
		}
		logRange(35, 40)
		if err := os.Remove(path); err != nil {
			t.Fatal(err)
		}
		if err := s.Reopen(); err != nil {
			t.Fatalf("Reopen with the path free: %v", err)
		}
		logRange(40, 45)
		reopenFailed := strings.Replace(failed, "cannot rotate", "cannot reopen", 1)
		if want := failed + again + removed + reopenFailed + again; errOut.String() != want {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
		}
		wantSequence(t, shape, readLines(t, path+".moved"), 30, 35, "the moved file")
		stderr := readLines(t, writeTemp(t, fallback.String()))
		if len(stderr) != 15 {
			t.Fatalf("stderr has %d lines, want 20..29 and 35..39", len(stderr))
		}
		wantSequence(t, shape, stderr[:10], 20, 30, "stderr, first time")
		wantSequence(t, shape, stderr[10:], 35, 40, "stderr, second time")
		wantSequence(t, shape, readLines(t, path), 40, 45, "the reopened file")
	})
}

func writeTemp(t *testing.T, content string) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "captured")
	if err := os.WriteFile(f, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func readAll(f *os.File) ([]string, error) {
	var b bytes.Buffer
	if _, err := b.ReadFrom(f); err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n"), nil
}

// TestFileSinkEndsPartialLine: a file that ends inside a line (a write the
// disk took only part of) gets a newline before the first new line.
func TestFileSinkEndsPartialLine(t *testing.T) {
	shape := newLineShape(t)
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.WriteFile(path, []byte("{\"time\":\"2026-"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSink(Config{Path: path, ErrorOutput: &logtest.Buffer{}})
	defer s.Close()
	lineLogger(s).Info("line", zap.Int("g", 0), zap.Int("i", 1))
	lines := readLines(t, path)
	if len(lines) != 2 || lines[0] != "{\"time\":\"2026-" {
		t.Fatalf("lines %q, want the fragment on its own", lines)
	}
	wantSequence(t, shape, lines[1:], 1, 2, "after the fragment")
}

// TestFileSinkAfterClose: lines logged after Close go to stderr, not
// nowhere, and Rotate and Reopen refuse.
func TestFileSinkAfterClose(t *testing.T) {
	shape := newLineShape(t)
	path := filepath.Join(t.TempDir(), "app.log")
	var errOut, fallback logtest.Buffer
	s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback})
	log := lineLogger(s)
	log.Info("line", zap.Int("g", 0), zap.Int("i", 0))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	log.Info("line", zap.Int("g", 0), zap.Int("i", 1))
	if err := s.Rotate(); !errors.Is(err, ErrClosed) {
		t.Errorf("Rotate after Close: %v", err)
	}
	if err := s.Reopen(); !errors.Is(err, ErrClosed) {
		t.Errorf("Reopen after Close: %v", err)
	}
	wantSequence(t, shape, readLines(t, path), 0, 1, "file")
	wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 1, 2, "stderr")
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

// fakeTimers stands in for time.NewTimer and time.Now in the daily
// rotation: the test sets the time and fires the timer.
type fakeTimers struct {
	mu       sync.Mutex
	now      time.Time
	fire     chan time.Time
	requests chan time.Duration
	stopped  chan struct{}
}

func newFakeTimers(now time.Time) *fakeTimers {
	return &fakeTimers{now: now, fire: make(chan time.Time), requests: make(chan time.Duration, 1), stopped: make(chan struct{}, 1)}
}

func (f *fakeTimers) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeTimers) set(t time.Time) {
	f.mu.Lock()
	f.now = t
	f.mu.Unlock()
}

func (f *fakeTimers) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	f.requests <- d
	return f.fire, func() bool { f.stopped <- struct{}{}; return true }
}

func (f *fakeTimers) wantRequest(t *testing.T, want time.Duration) {
	t.Helper()
	select {
	case d := <-f.requests:
		if d != want {
			t.Errorf("timer set for %v, want %v", d, want)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no timer set, want one for %v", want)
	}
}

// TestFileSinkRotateDaily: with rotate_daily the sink rotates at local
// midnight, whatever the length of the day, not before it, and Close
// stops the timer.
func TestFileSinkRotateDaily(t *testing.T) {
	shape := newLineShape(t)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "daily.log")
	clock := newFakeTimers(time.Date(2026, 3, 28, 23, 59, 0, 0, berlin))
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, RotateDaily: true, ErrorOutput: &errOut, now: clock.Now, newTimer: clock.NewTimer})
	log := lineLogger(s)

	clock.wantRequest(t, time.Minute)
	log.Info("line", zap.Int("g", 0), zap.Int("i", 0))

	// Fired early (the wall clock went back): no rotation, wait the rest.
	clock.set(time.Date(2026, 3, 28, 23, 59, 30, 0, berlin))
	clock.fire <- time.Time{}
	clock.wantRequest(t, 30*time.Second)
	if files := logFiles(t, dir, path); len(files) != 1 {
		t.Fatalf("files %q after an early timer, want the live file only", files)
	}

	// Midnight: rotate. 29 March 2026 is 23 hours long in Berlin.
	clock.set(time.Date(2026, 3, 29, 0, 0, 0, 500e6, berlin))
	clock.fire <- time.Time{}
	clock.wantRequest(t, 23*time.Hour-500*time.Millisecond)
	log.Info("line", zap.Int("g", 0), zap.Int("i", 1))
	files := logFiles(t, dir, path)
	if len(files) != 2 {
		t.Fatalf("files %q after midnight, want a backup and the live file", files)
	}
	wantSequence(t, shape, readLines(t, files[0]), 0, 1, "yesterday's file")
	wantSequence(t, shape, readLines(t, files[1]), 1, 2, "today's file")

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-clock.stopped:
	default:
		t.Error("Close returned without stopping the timer")
	}
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

func TestNextMidnight(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ at, want time.Time }{
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 10, 24, 12, 0, 0, 0, berlin), time.Date(2026, 10, 25, 0, 0, 0, 0, berlin)},
		{time.Date(2026, 10, 25, 0, 0, 0, 0, berlin), time.Date(2026, 10, 26, 0, 0, 0, 0, berlin)}, // a 25-hour day
	} {
		if got := nextMidnight(tc.at); !got.Equal(tc.want) {
			t.Errorf("nextMidnight(%v) = %v, want %v", tc.at, got, tc.want)
		}
	}
}

// TestFileSinkCloseStopsGoroutines: Close ends the daily timer and the
// backup clean-up, including after rotations that ran the clean-up.
func TestFileSinkCloseStopsGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	dir := t.TempDir()
	s := newSink(Config{Path: filepath.Join(dir, "app.log"), MaxBytes: 300, MaxBackups: 2,
		Compress: true, RotateDaily: true, ErrorOutput: &logtest.Buffer{}})
	log := lineLogger(s)
	for i := range 20 {
		log.Info("line", zap.Int("g", 0), zap.Int("i", i))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}
