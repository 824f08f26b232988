package core_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap"
)

// fileLoggerOptions configure New to write JSONL to path, with the [file]
// table given as TOML lines, reading nothing from the process environment.
func fileLoggerOptions(t testing.TB, path string, fileTOML ...string) []core.Option {
	t.Helper()
	env := map[string]string{"DYN_LOGGING_FILE": path, "DYN_LOGGING_JSONL": "1", "DYN_LOG": "info"}
	if len(fileTOML) > 0 {
		toml := filepath.Join(t.TempDir(), "logging.toml")
		if err := os.WriteFile(toml, []byte("[file]\n"+strings.Join(fileTOML, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		env["DYN_LOGGING_CONFIG_PATH"] = toml
	}
	return []core.Option{
		core.WithSystemConfig(""),
		core.WithClock(coretest.Clock(coretest.Pinned)),
		core.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
	}
}

// jsonLine is what the tests here read back from a JSONL line.
type jsonLine struct {
	Message string `json:"message"`
	G       *int   `json:"g"`
	I       *int   `json:"i"`
}

// readJSONLines reads every line of the files, failing on a file that ends
// inside a line or a line that is not one whole JSON object.
func readJSONLines(t *testing.T, files ...string) []jsonLine {
	t.Helper()
	var out []jsonLine
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, parseJSONLines(t, f, string(data))...)
	}
	return out
}

func parseJSONLines(t *testing.T, where, data string) []jsonLine {
	t.Helper()
	if data == "" {
		return nil
	}
	if !strings.HasSuffix(data, "\n") {
		t.Fatalf("%s ends inside a line: %q", where, data[max(0, len(data)-80):])
	}
	var out []jsonLine
	for _, l := range strings.Split(strings.TrimSuffix(data, "\n"), "\n") {
		var m jsonLine
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%s: torn or foreign line %q", where, l)
		}
		out = append(out, m)
	}
	return out
}

// gLineShape is the exact bytes of the lines of TestNewSharesAFile, which
// differ in g and i alone (one call site, a stopped clock): whole lines are
// checked byte for byte at a fraction of what decoding each costs under the
// race detector.
type gLineShape struct{ prefix, middle, suffix string }

func newGLineShape(t *testing.T, line string) *gLineShape {
	t.Helper()
	var m jsonLine
	if err := json.Unmarshal([]byte(line), &m); err != nil || m.Message != "line" || m.G == nil || m.I == nil {
		t.Fatalf("first line %q is not the JSONL line with g and i", line)
	}
	gAt := strings.Index(line, `"g":`)
	if gAt < 0 || !strings.HasSuffix(line, "}") {
		t.Fatalf("first line %q: no g field at the end", line)
	}
	return &gLineShape{prefix: line[:gAt+len(`"g":`)], middle: `,"i":`, suffix: "}"}
}

func (s *gLineShape) parse(line string) (g, i int, ok bool) {
	rest, ok1 := strings.CutPrefix(line, s.prefix)
	rest, ok2 := strings.CutSuffix(rest, s.suffix)
	gs, is, ok3 := strings.Cut(rest, s.middle)
	if !ok1 || !ok2 || !ok3 {
		return 0, 0, false
	}
	g, err1 := strconv.Atoi(gs)
	i, err2 := strconv.Atoi(is)
	return g, i, err1 == nil && err2 == nil
}

// logFilesOf is path and its backups in its directory, backups first.
func logFilesOf(t *testing.T, path string) []string {
	t.Helper()
	ext := filepath.Ext(path)
	backups, err := filepath.Glob(strings.TrimSuffix(path, ext) + "-*" + ext)
	if err != nil {
		t.Fatal(err)
	}
	return append(backups, path)
}

// TestNewSharesAFile: two loggers New made on one path, rotated at 1 MB,
// with goroutines writing through both at once: every line is in the live
// file or a backup exactly once, whole, each goroutine's in its order, and
// no file passes the size. The loggers share one sink, which counts the
// size and rotates for both. Without the race detector this is the full
// check, 8 × 100,000 lines (about 2 s here); under it, as CI runs the
// tests, 8 × 50,000 (about 20 MB, twenty rotations among writers of both
// loggers), which keeps the test near 10 s on a loaded two-core machine
// where the full count takes over 20. DYNLOG_SHARE_LINES sets another
// count per goroutine.
func TestNewSharesAFile(t *testing.T) {
	perGoroutine := 100_000
	if raceEnabled {
		perGoroutine = 50_000
	}
	if v, err := strconv.Atoi(os.Getenv("DYNLOG_SHARE_LINES")); err == nil && v > 0 {
		perGoroutine = v
	}
	const goroutines = 8
	dir := t.TempDir()
	path := filepath.Join(dir, "shared.log")
	var errOut logtest.Buffer
	var logs [2]*zap.Logger
	for k := range logs {
		log, err := core.New(append(fileLoggerOptions(t, path, "max_size_mb = 1", "compress = false"), core.WithErrorOutput(&errOut))...)
		if err != nil {
			t.Fatal(err)
		}
		logs[k] = log
	}
	start := time.Now()
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			log := logs[g%2]
			for i := range perGoroutine {
				log.Info("line", zap.Int("g", g), zap.Int("i", i))
			}
		})
	}
	wg.Wait()
	t.Logf("%d lines in %v", goroutines*perGoroutine, time.Since(start).Round(time.Millisecond))
	for _, log := range logs {
		if err := core.Close(log); err != nil {
			t.Fatal(err)
		}
	}
	if errOut.String() != "" {
		t.Fatalf("error output %q", errOut.String())
	}

	files := logFilesOf(t, path)
	next := make([]int, goroutines)
	var shape *gLineShape
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 1<<20 {
			t.Errorf("%s is %d bytes, over max_size_mb = 1", f, len(data))
		}
		if len(data) > 0 && data[len(data)-1] != '\n' {
			t.Fatalf("%s ends inside a line", f)
		}
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if shape == nil {
				shape = newGLineShape(t, l)
			}
			g, i, ok := shape.parse(l)
			if !ok || g < 0 || g >= goroutines {
				t.Fatalf("%s: torn or foreign line %q", f, l)
			}
			if i != next[g] {
				t.Fatalf("%s: line g=%d i=%d, want i=%d: a line lost or written twice", f, g, i, next[g])
			}
			next[g]++
		}
	}
	for g, n := range next {
		if n != perGoroutine {
			t.Errorf("goroutine %d: %d lines in %d files, want %d", g, n, len(files), perGoroutine)
		}
	}
	if len(files) < 3 {
		t.Errorf("%d files: the test wants rotations", len(files))
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Errorf("the lock file is left after the last Close: %v", err)
	}
}

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(entries)
}

// settle waits up to 5 s for count to come down to want, and returns what
// it is then: goroutines that were told to end take a moment to.
func settle(count func() int, want int) int {
	n := count()
	for deadline := time.Now().Add(5 * time.Second); n > want && time.Now().Before(deadline); n = count() {
		time.Sleep(5 * time.Millisecond)
	}
	return n
}

// steady is count once it has not changed for 50 ms.
func steady(count func() int) int {
	n := count()
	for range 100 {
		time.Sleep(50 * time.Millisecond)
		m := count()
		if m == n {
			break
		}
		n = m
	}
	return n
}

// TestNewCloseFreesAll: 2,000 times New with a file rotated daily, a line,
// Close: afterwards as many goroutines and open descriptors as before, the
// file holds the 2,000 lines and no lock file is left.
func TestNewCloseFreesAll(t *testing.T) {
	const loggers = 2000
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	opts := append(fileLoggerOptions(t, path, "rotate_daily = true", "max_backups = 3"), core.WithErrorOutput(&logtest.Buffer{}))
	cycle := func(i int) {
		log, err := core.New(opts...)
		if err != nil {
			t.Fatal(err)
		}
		log.Info("line", zap.Int("i", i))
		if err := core.Close(log); err != nil {
			t.Fatal(err)
		}
	}
	cycle(-1) // whatever New sets up once, before counting
	goroutines, fds := steady(runtime.NumGoroutine), openFDs(t)
	for i := range loggers {
		cycle(i)
	}
	if n := settle(runtime.NumGoroutine, goroutines); n > goroutines {
		t.Errorf("%d goroutines after %d loggers came and went, %d before", n, loggers, goroutines)
	}
	if n := openFDs(t); n > fds {
		t.Errorf("%d open descriptors after %d loggers came and went, %d before", n, loggers, fds)
	}
	lines := readJSONLines(t, path)
	if len(lines) != loggers+1 {
		t.Errorf("%d lines in the file, want %d", len(lines), loggers+1)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries in the directory, want the log file alone", len(entries))
	}
}
