package calltrace

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// callTraceActive is the trace file being written, nil while call tracing is
// off. Call loads it once; that single atomic load is the whole cost of call
// tracing when it is off.
var callTraceActive atomic.Pointer[callTracer]

// callTraceStderr receives the one report of a failed write. Tests replace it.
var callTraceStderr io.Writer = os.Stderr

// callTimeLayout is vLLM's strftime("%Y-%m-%d %H:%M:%S.%f").
const callTimeLayout = "2006-01-02 15:04:05.000000"

// callStackDepth is the stack buffer Call starts with; deeper stacks grow it.
const callStackDepth = 64

// callNoop is what Call returns while call tracing is off: a package-level
// function, so returning it allocates nothing.
func callNoop() {}

// Call writes a "Call to" line to the call trace file and returns the function
// that writes the matching "Return from" line. Use it as the first statement
// of a function:
//
//	func (w *Worker) Step(ctx context.Context) error {
//		defer calltrace.Call()()
//		...
//	}
//
// Note the two pairs of parentheses: Call runs at the defer statement, the
// function it returns runs when Step returns.
//
// While call tracing is off (the default; see [Enable]) Call is one
// atomic load that returns a shared no-op function: it allocates nothing and
// costs a few nanoseconds, so the defer can stay in production code.
//
// While it is on, Call appends, as vLLM's VLLM_TRACE_FUNCTION does,
//
//	2025-05-12 10:00:31.815092 Call to <func> in <file>:<line> from <caller> in <file>:<line>
//
// and the returned function appends
//
//	2025-05-12 10:00:31.815347 Return from <func> in <file>:<line> to <caller> in <file>:<line>
//
// Each traced call then costs two stack walks and two writes to the file,
// microseconds rather than nanoseconds: turn it on to debug a hang or a crash.
// The timestamp is local time with microseconds, taken when the line is
// written. <func> and <caller> are Go's full function names as
// runtime.Frame.Function and panics print them, such as
// github.com/acme/x.(*Worker).Step or github.com/acme/x.Run.func1 for a
// closure: vLLM prints Python's bare co_name, which is ambiguous (every
// module has a forward), while the full name is unique in the program.
// <file> is the absolute source path the binary was built with (module-relative
// under -trimpath).
//
// The line numbers follow vLLM's: in the Call line, <func>'s line is the line
// of its func keyword (Python's def line) and <caller>'s line is the call
// site. In the Return line, <func>'s line is where it returned, as the runtime
// reports the point where deferred calls run: the return statement that ran,
// or the closing brace when the function ran off its end. Builds with -race or
// with optimizations off (-gcflags=-N, as debuggers use) merge a function's
// exits, and there every return reports the closing brace. A function
// unwinding because of a panic reports the line that panicked or called the
// function that panicked. <caller>'s line is the call site again.
//
// A function started by a go statement has runtime.goexit as its caller, since
// that is what the stack holds. Call can also be used without defer,
// end := calltrace.Call(); ...; end(), in which case the Return line gives the
// line of the end() call. A Return line is written only to the file its Call
// line went to, and is dropped if that file has been closed in the meantime.
func Call() func() {
	if t := callTraceActive.Load(); t != nil {
		return t.call()
	}
	return callNoop
}

// Enable turns call tracing on, writing to a new file in dir (the
// operating system's temporary directory, os.TempDir, when dir is empty; dir
// is created if missing), and returns the file's path. The file is named
//
//	dynlog-trace-<pid>-<YYYYmmdd_HHMMSS>.log
//
// with the process id and the local time, and is opened for appending, so
// enabling twice within one second continues the same file. If call tracing
// was already on, its previous file is closed and later lines go to the new
// one. Enable prints nothing; the caller announces the path. It does
// not read the environment: package core calls it when VLLM_TRACE_FUNCTION
// asks for call tracing.
//
// All goroutines write to the one file. Each line is written whole by a single
// write under a mutex, so lines never interleave, and they appear in the file
// in the order of their timestamps. Nothing is buffered, so nothing needs
// flushing at exit. If a write fails (a full disk, say), call tracing turns
// itself off, the file is closed, and the error is reported once on stderr.
func Enable(dir string) (path string, err error) {
	if dir == "" {
		dir = os.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("calltrace: call tracing not enabled: %w", err)
	}
	name := "dynlog-trace-" + strconv.Itoa(os.Getpid()) + "-" + time.Now().Format("20060102_150405") + ".log"
	path = filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return "", fmt.Errorf("calltrace: call tracing not enabled: %w", err)
	}
	if previous := callTraceActive.Swap(&callTracer{file: f, path: path}); previous != nil {
		// Every line reached the old file with its own write; a close error
		// cannot lose any of them.
		_ = previous.close()
	}
	return path, nil
}

// Path is the trace file call tracing writes to, or "" when it is
// off.
func Path() string {
	if t := callTraceActive.Load(); t != nil {
		return t.path
	}
	return ""
}

// Disable turns call tracing off and closes the trace file. Calls in
// progress write no Return line. It returns nil if call tracing was off,
// including when it turned itself off after a failed write.
func Disable() error {
	t := callTraceActive.Swap(nil)
	if t == nil {
		return nil
	}
	if err := t.close(); err != nil {
		return fmt.Errorf("calltrace: call tracing disabled, but the trace file did not close cleanly: %w", err)
	}
	return nil
}

// callTracer is one open trace file.
type callTracer struct {
	path string

	mu     sync.Mutex
	file   *os.File
	closed bool
	buf    []byte
}

// callFrame is a traced call in progress: what its Return line needs.
type callFrame struct {
	tracer *callTracer
	// depth counts the stack frames from the traced function down to the
	// goroutine's first, inclusive. Frames below a running function never
	// change, so depth finds it again when it returns, even while a panic
	// leaves deeper calls of the same function on the stack.
	depth  int
	entry  uintptr
	name   string
	file   string
	caller string // "<caller> in <file>:<line>"
}

// call writes the Call line for the function that called Call.
func (t *callTracer) call() func() {
	var stack [callStackDepth]uintptr
	// Skip runtime.Callers, call and Call: pcs[0] is the traced function.
	pcs := callStack(3, stack[:])
	frames := runtime.CallersFrames(pcs)
	fn, more := frames.Next()
	c := &callFrame{tracer: t, depth: len(pcs), entry: fn.Entry, name: fn.Function, file: fn.File}
	line := fn.Line
	if fn.Func != nil {
		_, line = fn.Func.FileLine(fn.Entry)
	}
	if more {
		caller, _ := frames.Next()
		c.caller = caller.Function + " in " + caller.File + ":" + strconv.Itoa(caller.Line)
	} else {
		c.caller = " in :0" // vLLM's line for a frame without a caller
	}
	t.write("Call to", c.name, c.file, line, "from", c.caller)
	return c.ret
}

// ret writes the Return line for c.
func (c *callFrame) ret() {
	var stack [callStackDepth]uintptr
	pcs := callStack(0, stack[:])
	file, line := c.file, 0
	if i := len(pcs) - c.depth; i >= 0 && i < len(pcs) {
		if fn, _ := runtime.CallersFrames(pcs[i:]).Next(); fn.Entry == c.entry {
			file, line = fn.File, fn.Line
		}
	}
	c.tracer.write("Return from", c.name, file, line, "to", c.caller)
}

// callStack returns the program counters of the calling goroutine's whole
// stack, skip frames removed, in buf if it is big enough.
func callStack(skip int, buf []uintptr) []uintptr {
	// One more frame for runtime.Callers' own caller, callStack.
	for {
		n := runtime.Callers(skip+1, buf)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]uintptr, 2*len(buf))
	}
}

// write appends one line, with one Write, under t.mu.
func (t *callTracer) write(event, name, file string, line int, preposition, caller string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	b := time.Now().AppendFormat(t.buf[:0], callTimeLayout)
	b = append(b, ' ')
	b = append(b, event...)
	b = append(b, ' ')
	b = append(b, name...)
	b = append(b, " in "...)
	b = append(b, file...)
	b = append(b, ':')
	b = strconv.AppendInt(b, int64(line), 10)
	b = append(b, ' ')
	b = append(b, preposition...)
	b = append(b, ' ')
	b = append(b, caller...)
	b = append(b, '\n')
	t.buf = b
	if _, err := t.file.Write(b); err != nil {
		// Retrying every call would flood stderr and slow every traced
		// function for nothing: report once and stop.
		t.closed = true
		callTraceActive.CompareAndSwap(t, nil)
		_ = t.file.Close()
		fmt.Fprintf(callTraceStderr, "calltrace: call tracing turned off, cannot append to the trace file: %v\n", err)
	}
}

// close closes the file once; later writes are dropped.
func (t *callTracer) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	return t.file.Close()
}
