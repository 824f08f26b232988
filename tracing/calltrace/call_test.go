package calltrace

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The traced functions below carry marker comments; callTestLine finds the
// line numbers the trace must show by reading this file, so none is guessed.

const callTestPkg = "github.com/dynlog/dynlog/tracing/calltrace."

type callTestRecv struct{ calls int }

func callTestOuter(n int) int { // mark:outer-func
	defer Call()()
	r := &callTestRecv{}
	return r.inner(n) + 1 // mark:outer-calls-inner
} // mark:outer-end

func (r *callTestRecv) inner(n int) int { // mark:inner-func
	defer Call()()
	r.calls++
	if n > 0 {
		return n * 2 // mark:inner-return
	}
	return 0 // mark:inner-return-zero
} // mark:inner-end

// callTestRun calls callTestOuter and returns; its closing brace is where it
// returns.
func callTestRun(n int) { // mark:run-func
	defer Call()()
	callTestOuter(n) // mark:run-calls-outer
} // mark:run-end

func callTestRecurse(n int) { // mark:recurse-func
	defer Call()()
	if n == 0 {
		panic("bottom") // mark:recurse-panic
	}
	callTestRecurse(n - 1) // mark:recurse-recurse
}

func callTestDeep(n int) { // mark:deep-func
	defer Call()()
	if n > 0 {
		callTestDeep(n - 1) // mark:deep-recurse
	}
} // mark:deep-end

func callTestGo(done chan<- struct{}) { // mark:go-func
	defer close(done) // runs after the Return line is written
	defer Call()()
}

func callTestDisableInside(t *testing.T) { // mark:disable-func
	defer Call()()
	if err := Disable(); err != nil {
		t.Error(err)
	}
}

// callTestFile is the absolute path of this file, as the trace prints it.
func callTestFile(t *testing.T) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("runtime.Caller(0) failed")
	}
	return file
}

var (
	callTestMarksOnce sync.Once
	callTestMarks     map[string]int
	callTestMarksErr  error
)

// callTestLine is the line carrying "// mark:<name>" in this file.
func callTestLine(t *testing.T, name string) string {
	t.Helper()
	file := callTestFile(t)
	callTestMarksOnce.Do(func() {
		// go test runs in the package directory; the path the binary
		// holds is module-relative under -trimpath.
		src, err := os.ReadFile(filepath.Base(file))
		if err != nil {
			callTestMarksErr = err
			return
		}
		callTestMarks = map[string]int{}
		mark := regexp.MustCompile(`// mark:([a-z0-9-]+)$`)
		for i, l := range strings.Split(string(src), "\n") {
			if m := mark.FindStringSubmatch(l); m != nil {
				callTestMarks[m[1]] = i + 1
			}
		}
	})
	if callTestMarksErr != nil {
		t.Fatal(callTestMarksErr)
	}
	n, ok := callTestMarks[name]
	if !ok {
		t.Fatalf("no line marked %q in %s", name, file)
	}
	return file + ":" + strconv.Itoa(n)
}

// callTestReturn is where a function that ran the return statement marked
// ret returns, given the mark on its closing brace: optimized builds report
// the return statement, while builds with -race or -gcflags=-N merge a
// function's exits and report its closing brace.
func callTestReturn(t *testing.T, ret, end string) string {
	t.Helper()
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Fatal("no build information: cannot tell which line a return reports")
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" || s.Key == "-gcflags" && strings.Contains(s.Value, "-N") {
			return callTestLine(t, end)
		}
	}
	return callTestLine(t, ret)
}

var callTestStamp = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6} `)

// callTestEnable turns call tracing on in a fresh directory until the test
// ends and returns the file's path.
func callTestEnable(t testing.TB) string {
	t.Helper()
	path, err := Enable(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := Disable(); err != nil {
			t.Error(err)
		}
	})
	return path
}

// callTestRead returns the file's lines with their timestamps checked and
// cut off.
func callTestRead(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) == 0 {
		return nil
	}
	if !bytes.HasSuffix(data, []byte("\n")) {
		t.Fatalf("%s does not end with a newline: %q", path, data)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		stamp := callTestStamp.FindString(l)
		if stamp == "" {
			t.Fatalf("line without a timestamp: %q", l)
		}
		lines = append(lines, strings.TrimPrefix(l, stamp))
	}
	return lines
}

func callTestCompare(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d lines, want %d", len(got), len(want))
	}
	for i := 0; i < len(got) || i < len(want); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("line %d:\n got  %q\n want %q", i+1, g, w)
		}
	}
}

func TestCallLines(t *testing.T) {
	path := callTestEnable(t)
	dir := filepath.Dir(path)
	if want := regexp.MustCompile(`^dynlog-trace-` + strconv.Itoa(os.Getpid()) + `-\d{8}_\d{6}\.log$`); !want.MatchString(filepath.Base(path)) {
		t.Errorf("trace file %q does not match %s", filepath.Base(path), want)
	}

	callTestOuter(3) // mark:lines-site-1

	outer := callTestPkg + "callTestOuter"
	inner := callTestPkg + "(*callTestRecv).inner"
	test := callTestPkg + "TestCallLines"
	site := callTestLine(t, "lines-site-1")

	callTestCompare(t, callTestRead(t, path), []string{
		"Call to " + outer + " in " + callTestLine(t, "outer-func") + " from " + test + " in " + site,
		"Call to " + inner + " in " + callTestLine(t, "inner-func") + " from " + outer + " in " + callTestLine(t, "outer-calls-inner"),
		"Return from " + inner + " in " + callTestReturn(t, "inner-return", "inner-end") + " to " + outer + " in " + callTestLine(t, "outer-calls-inner"),
		"Return from " + outer + " in " + callTestReturn(t, "outer-calls-inner", "outer-end") + " to " + test + " in " + site,
	})

	// A function that runs off its end returns at its closing brace in every
	// build.
	if err := os.Truncate(path, 0); err != nil {
		t.Fatal(err)
	}
	callTestRun(0) // mark:lines-site-2
	site = callTestLine(t, "lines-site-2")
	run := callTestPkg + "callTestRun"
	callTestCompare(t, callTestRead(t, path), []string{
		"Call to " + run + " in " + callTestLine(t, "run-func") + " from " + test + " in " + site,
		"Call to " + outer + " in " + callTestLine(t, "outer-func") + " from " + run + " in " + callTestLine(t, "run-calls-outer"),
		"Call to " + inner + " in " + callTestLine(t, "inner-func") + " from " + outer + " in " + callTestLine(t, "outer-calls-inner"),
		"Return from " + inner + " in " + callTestReturn(t, "inner-return-zero", "inner-end") + " to " + outer + " in " + callTestLine(t, "outer-calls-inner"),
		"Return from " + outer + " in " + callTestReturn(t, "outer-calls-inner", "outer-end") + " to " + run + " in " + callTestLine(t, "run-calls-outer"),
		"Return from " + run + " in " + callTestLine(t, "run-end") + " to " + test + " in " + site,
	})

	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 1 {
		t.Errorf("trace directory holds %v (err %v), want only %s", entries, err, filepath.Base(path))
	}
}

// TestCallPanic checks that a function unwound by a panic returns at the line
// that panicked or called the panicking function, even when deeper calls of
// the same function are still on the stack.
func TestCallPanic(t *testing.T) {
	path := callTestEnable(t)
	func() {
		defer func() {
			if r := recover(); r != "bottom" {
				t.Errorf("recovered %v, want bottom", r)
			}
		}()
		callTestRecurse(2) // mark:panic-site
	}()
	site := callTestLine(t, "panic-site")

	f := callTestPkg + "callTestRecurse"
	closure := callTestPkg + "TestCallPanic.func1"
	recurse := callTestLine(t, "recurse-recurse")
	callTestCompare(t, callTestRead(t, path), []string{
		"Call to " + f + " in " + callTestLine(t, "recurse-func") + " from " + closure + " in " + site,
		"Call to " + f + " in " + callTestLine(t, "recurse-func") + " from " + f + " in " + recurse,
		"Call to " + f + " in " + callTestLine(t, "recurse-func") + " from " + f + " in " + recurse,
		"Return from " + f + " in " + callTestLine(t, "recurse-panic") + " to " + f + " in " + recurse,
		"Return from " + f + " in " + recurse + " to " + f + " in " + recurse,
		"Return from " + f + " in " + recurse + " to " + closure + " in " + site,
	})
}

// TestCallDeep runs past the 64 program counters Call starts with.
func TestCallDeep(t *testing.T) {
	path := callTestEnable(t)
	const depth = 3 * callStackDepth
	callTestDeep(depth) // mark:deep-site
	f := callTestPkg + "callTestDeep"
	want := []string{"Call to " + f + " in " + callTestLine(t, "deep-func") + " from " + callTestPkg + "TestCallDeep in " + callTestLine(t, "deep-site")}
	for range depth {
		want = append(want, "Call to "+f+" in "+callTestLine(t, "deep-func")+" from "+f+" in "+callTestLine(t, "deep-recurse"))
	}
	for range depth {
		want = append(want, "Return from "+f+" in "+callTestLine(t, "deep-end")+" to "+f+" in "+callTestLine(t, "deep-recurse"))
	}
	want = append(want, "Return from "+f+" in "+callTestLine(t, "deep-end")+" to "+callTestPkg+"TestCallDeep in "+callTestLine(t, "deep-site"))
	callTestCompare(t, callTestRead(t, path), want)
}

// TestCallGoroutine shows the caller of a goroutine's first function.
func TestCallGoroutine(t *testing.T) {
	path := callTestEnable(t)
	done := make(chan struct{})
	go callTestGo(done)
	<-done
	lines := callTestRead(t, path)
	want := regexp.MustCompile(`^(Call to|Return from) ` + regexp.QuoteMeta(callTestPkg+"callTestGo") + ` in \S+:\d+ (from|to) runtime\.goexit in \S+\.s:\d+$`)
	if len(lines) != 2 || !want.MatchString(lines[0]) || !want.MatchString(lines[1]) {
		t.Errorf("lines %q, want two matching %s", lines, want)
	}
}

func TestCallConcurrent(t *testing.T) {
	path := callTestEnable(t)
	const goroutines, rounds = 8, 200
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for i := range rounds {
				callTestOuter(i)
			}
		})
	}
	wg.Wait()

	file := regexp.QuoteMeta(callTestFile(t))
	whole := regexp.MustCompile(`^(Call to|Return from) (` + regexp.QuoteMeta(callTestPkg) + `\S+) in ` + file + `:\d+ (from|to) \S+ in \S+:\d+$`)
	counts := map[string]int{}
	lines := callTestRead(t, path)
	for _, l := range lines {
		m := whole.FindStringSubmatch(l)
		if m == nil {
			t.Fatalf("broken line %q", l)
		}
		counts[m[1]+" "+m[2]]++
	}
	const n = goroutines * rounds
	want := map[string]int{
		"Call to " + callTestPkg + "callTestOuter":             n,
		"Call to " + callTestPkg + "(*callTestRecv).inner":     n,
		"Return from " + callTestPkg + "callTestOuter":         n,
		"Return from " + callTestPkg + "(*callTestRecv).inner": n,
	}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("line counts %v, want %v", counts, want)
	}
}

func TestCallOff(t *testing.T) {
	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if got, want := reflect.ValueOf(Call()).Pointer(), reflect.ValueOf(callNoop).Pointer(); got != want {
		t.Errorf("Call() returned %#x while off, want callNoop %#x", got, want)
	}
	if allocs := testing.AllocsPerRun(1000, func() { callTestOff(1) }); allocs != 0 {
		t.Errorf("a function with defer Call()() allocates %v times per call while off, want 0", allocs)
	}

	// Nothing reaches a file once tracing is off again.
	path, err := Enable(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	callTestOuter(1)
	if info, err := os.Stat(path); err != nil || info.Size() != 0 {
		t.Errorf("trace file after Disable: %v, %v; want it empty", info, err)
	}
	if err := Disable(); err != nil {
		t.Errorf("second Disable: %v", err)
	}
}

func callTestOff(n int) int {
	defer Call()()
	return n + 1
}

func TestCallEnableDefaultDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // os.TempDir's source on Unix
	t.Setenv("TMP", tmp)    // and on Windows
	path, err := Enable("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Disable() })
	if got := filepath.Dir(path); got != os.TempDir() {
		t.Errorf("Enable(\"\") wrote to %s, want os.TempDir() %s", got, os.TempDir())
	}
}

func TestCallEnableCreatesDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	path, err := Enable(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = Disable() })
	if filepath.Dir(path) != dir {
		t.Errorf("path %s is not in %s", path, dir)
	}
}

func TestCallEnableError(t *testing.T) {
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := callTestEnable(t)
	if _, err := Enable(notDir); err == nil || !strings.Contains(err.Error(), notDir) {
		t.Fatalf("Enable(%q) error %v, want one naming the directory", notDir, err)
	}
	// The failed attempt leaves the running trace alone.
	callTestOff(1)
	if lines := callTestRead(t, path); len(lines) != 2 {
		t.Errorf("trace has %d lines after a failed Enable, want 2", len(lines))
	}
}

func TestCallEnableTwice(t *testing.T) {
	first := callTestEnable(t)
	callTestOff(1)
	second, err := Enable(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	callTestOff(1)
	callTestOff(1)
	if n := len(callTestRead(t, first)); n != 2 {
		t.Errorf("first file has %d lines, want 2", n)
	}
	if n := len(callTestRead(t, second)); n != 4 {
		t.Errorf("second file has %d lines, want 4", n)
	}
}

// TestCallDisableInside disables tracing inside a traced call: its Return
// line is dropped, without a write error.
func TestCallDisableInside(t *testing.T) {
	path := callTestEnable(t)
	var stderr bytes.Buffer
	callTestSetStderr(t, &stderr)
	callTestDisableInside(t)
	lines := callTestRead(t, path)
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "Call to "+callTestPkg+"callTestDisableInside in "+callTestLine(t, "disable-func")) {
		t.Errorf("lines %q, want the Call line only", lines)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %q", stderr.String())
	}
}

func callTestSetStderr(t *testing.T, w *bytes.Buffer) {
	saved := callTraceStderr
	callTraceStderr = w
	t.Cleanup(func() { callTraceStderr = saved })
}

func TestCallWriteError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "read-only.log")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path) // writes fail: the file is open read-only
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	callTestSetStderr(t, &stderr)
	callTraceActive.Store(&callTracer{file: f, path: path})
	t.Cleanup(func() { _ = Disable() })

	callTestOuter(1)
	callTestOuter(1)

	if callTraceActive.Load() != nil {
		t.Error("call tracing still on after a failed write")
	}
	want := fmt.Sprintf("calltrace: call tracing turned off, cannot append to the trace file: write %s: ", path)
	if got := stderr.String(); !strings.HasPrefix(got, want) || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr %q, want one line starting %q", got, want)
	}
	if err := Disable(); err != nil {
		t.Errorf("Disable after a failed write: %v", err)
	}
}
