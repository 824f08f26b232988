// Package calltrace is Go's form of vLLM's VLLM_TRACE_FUNCTION: a function
// that begins with
//
//	defer calltrace.Call()()
//
// appends "YYYY-MM-DD HH:MM:SS.ffffff Call to <func> in <file>:<line> from
// <caller> in <file>:<line>" to the process's trace file when called, and
// "... Return from <func> in <file>:<line> to <caller> in <file>:<line>"
// when it returns, in vLLM's format. Names are Go's full function names
// (github.com/acme/x.(*Worker).Step). The Call line gives the function's
// func line and the call site; the Return line the return statement that
// ran, or the closing brace (always the brace under -race or -gcflags=-N),
// or the panicking line.
//
// Call tracing is off by default, and then [Call] is one atomic load that
// allocates nothing, so the defer can stay in production code. Enable(dir)
// starts a file dynlog-trace-<pid>-<YYYYmmdd_HHMMSS>.log in dir
// (os.TempDir() when empty) and [Disable] closes it; package core turns it on
// when VLLM_TRACE_FUNCTION is non-zero. All goroutines share the file; each
// line is written whole by one write, and a failed write turns call tracing
// off with one report on stderr.
//
// It is a package of its own, apart from package tracing's spans, because
// it shares nothing with them: it imports only the standard library and
// writes its own file, not log lines.
package calltrace
