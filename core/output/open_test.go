package output

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func TestOpenRefusesBadConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "dynlog: output.Config has no Path"},
		{Config{Path: "a.log", MaxBytes: -1}, "dynlog: output.Config.MaxBytes is negative (-1)"},
		{Config{Path: "a.log", MaxBackups: -2}, "dynlog: output.Config.MaxBackups is negative (-2)"},
		{Config{Path: "a.log", MaxAgeDays: -3}, "dynlog: output.Config.MaxAgeDays is negative (-3)"},
	} {
		f, closeFile, err := Open(tc.cfg)
		if err == nil || err.Error() != tc.want || f != nil || closeFile != nil {
			t.Errorf("Open(%+v) = %v, %v, want the error %q", tc.cfg, f, err, tc.want)
		}
	}
}

// TestOpenSharesAndCloses: two Opens of one file, one through a symbolic
// link, share one writer; the close function Open returns closes the
// handle, whose later lines go to stderr, and the last close closes the
// file and removes the lock file.
func TestOpenSharesAndCloses(t *testing.T) {
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errOut, fallback logtest.Buffer
	var set Files
	a, closeA, err := set.Open(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback})
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.log")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	b, closeB, err := set.Open(Config{Path: link, ErrorOutput: &errOut, MaxBackups: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a.ref.sink != b.ref.sink {
		t.Fatal("two Opens of one file have a writer each")
	}
	want := "dynlog: " + link + " is open already, with other [file] settings; keeping those of the logger that opened it\n"
	if errOut.String() != want {
		t.Errorf("error output %q, want %q", errOut.String(), want)
	}
	lineLogger(a).Info("line", zap.Int("g", 0), zap.Int("i", 0))
	lineLogger(b).Info("line", zap.Int("g", 0), zap.Int("i", 1))
	if err := b.Rotate(); err != nil {
		t.Fatal(err)
	}
	lineLogger(a).Info("line", zap.Int("g", 0), zap.Int("i", 2))
	if err := closeA(); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("second close: %v", err)
	}
	if err := a.Rotate(); !errors.Is(err, ErrClosed) {
		t.Errorf("Rotate after close: %v", err)
	}
	if err := a.Reopen(); !errors.Is(err, ErrClosed) {
		t.Errorf("Reopen after close: %v", err)
	}
	lineLogger(a).Info("line", zap.Int("g", 0), zap.Int("i", 3)) // stderr
	lineLogger(b).Info("line", zap.Int("g", 0), zap.Int("i", 4)) // the file still
	if _, err := os.Stat(lockPath(path)); err != nil {
		t.Errorf("the lock file went with the first close: %v", err)
	}
	if err := closeB(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lockPath(path)); !os.IsNotExist(err) {
		t.Errorf("the lock file is left after the last close: %v", err)
	}
	if n := len(set.byPath); n != 0 {
		t.Errorf("the set holds %d files after the last close", n)
	}
	files := logFiles(t, dir, path)
	if len(files) != 2 {
		t.Fatalf("files %q, want a backup and the live file", files)
	}
	wantSequence(t, shape, readLines(t, files[0]), 0, 2, "the backup")
	lines := readLines(t, path)
	if len(lines) != 2 {
		t.Fatalf("live file %q, want lines 2 and 4", lines)
	}
	wantSequence(t, shape, lines[:1], 2, 3, "the live file")
	wantSequence(t, shape, lines[1:], 4, 5, "the live file")
	wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 3, 4, "stderr")
}

// TestOpenSharesNothing: two Opens of one file that share no Files do
// not share its writer. The second is refused the file by its lock with one
// line that says why, writes to stderr meanwhile, and takes the file over
// by itself once the first lets go: no line is lost, none torn, and the
// file has one writer at a time.
func TestOpenSharesNothing(t *testing.T) {
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errA, errB, fallbackB logtest.Buffer
	a, closeA, err := Open(Config{Path: path, ErrorOutput: &errA})
	if err != nil {
		t.Fatal(err)
	}
	b, closeB, err := Open(Config{Path: path, ErrorOutput: &errB, fallback: &fallbackB,
		retryMin: time.Millisecond, retryMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if a.ref.sink == b.ref.sink {
		t.Fatal("two Opens with no Files between them share a writer")
	}
	lineLogger(a).Info("line", zap.Int("g", 0), zap.Int("i", 0))
	lineLogger(b).Info("line", zap.Int("g", 0), zap.Int("i", 1)) // stderr: a holds the file
	want := "dynlog: cannot open " + path + ": this process logs to it through a handle of another output.Open or output.Files (it holds " +
		lockPath(path) + "); writing log lines to stderr and retrying the file\n"
	if errB.String() != want {
		t.Errorf("second Open's error output %q, want %q", errB.String(), want)
	}
	if err := closeA(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)                             // past b's next retry
	lineLogger(b).Info("line", zap.Int("g", 0), zap.Int("i", 2)) // the file again
	if err := closeB(); err != nil {
		t.Fatal(err)
	}
	if errA.String() != "" {
		t.Errorf("first Open's error output %q, want nothing", errA.String())
	}
	if got, want := errB.String(), want+"dynlog: writing to "+path+" again\n"; got != want {
		t.Errorf("second Open's error output %q, want %q", got, want)
	}
	lines := readLines(t, path)
	if len(lines) != 2 {
		t.Fatalf("file %q, want lines 0 and 2", lines)
	}
	wantSequence(t, shape, lines[:1], 0, 1, "the file")
	wantSequence(t, shape, lines[1:], 2, 3, "the file")
	wantSequence(t, shape, readLines(t, writeTemp(t, fallbackB.String())), 1, 2, "stderr")
}

// failingWriter fails every write, as a closed stderr would.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("stderr is gone") }
func (failingWriter) Sync() error               { return nil }

// TestWriteErrorReachesZap: a line that neither the file nor stderr takes
// is reported by zap on its error output, as lost: the file's Write returns
// the error rather than dropping it. A line stderr takes is no error: the
// file's outage is reported once, by the file.
func TestWriteErrorReachesZap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "app.log")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	var fileReports, zapErrors, stderr logtest.Buffer
	open := func(fallback zapcore.WriteSyncer) *zap.Logger {
		f, closeFile, err := Open(Config{Path: path, ErrorOutput: &fileReports, fallback: fallback})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = closeFile() })
		return zap.New(zapcore.NewCore(encoder.NewJSONL(), f, zapcore.DebugLevel), zap.ErrorOutput(&zapErrors))
	}

	open(&stderr).Info("to stderr")
	if zapErrors.String() != "" {
		t.Errorf("zap's error output %q for a line stderr took", zapErrors.String())
	}
	if !strings.Contains(stderr.String(), `"message":"to stderr"`) {
		t.Errorf("stderr %q", stderr.String())
	}
	want := "dynlog: cannot open " + path + ": the path is a directory; writing log lines to stderr and retrying the file\n"
	if fileReports.String() != want {
		t.Errorf("file reports %q, want %q", fileReports.String(), want)
	}

	// A second path, so that the first sink's stderr is not shared.
	path = filepath.Join(filepath.Dir(path), "other.log")
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	open(failingWriter{}).Info("lost")
	if got := zapErrors.String(); !strings.Contains(got, "write error: stderr is gone") {
		t.Errorf("zap's error output %q, want the write error", got)
	}
}

// TestSalvageToFailingStderr: lines read back from a removed file that
// cannot be made again go to stderr; when stderr fails too, that is said on
// the error output rather than passed over, and the line being written
// returns stderr's error.
func TestSalvageToFailingStderr(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	path := filepath.Join(dir, "app.log")
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: failingWriter{}, checkEvery: time.Hour})
	defer s.Close()
	log := lineLogger(s)
	log.Info("line", zap.Int("g", 0), zap.Int("i", 0))
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.nextCheck = 0 // the next write looks
	s.mu.Unlock()
	if _, err := s.Write([]byte("next\n")); err == nil || err.Error() != "stderr is gone" {
		t.Errorf("Write: %v, want stderr's error", err)
	}
	want := "dynlog: cannot recreate " + path + ": " + dir + " is not a directory; writing log lines to stderr and retrying the file\n" +
		"dynlog: cannot write the lines read back from the removed " + path + " to stderr: stderr is gone\n"
	if errOut.String() != want {
		t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
	}
}
