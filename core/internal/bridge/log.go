package bridge

import (
	"io"
	"log"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dynlog/dynlog/internal/target"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// RedirectStdLog is package core/bridge's RedirectStdLog.
func RedirectStdLog(l *zap.Logger) (restore func()) {
	w, flags, prefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetPrefix("")
	log.SetFlags(log.Llongfile)
	log.SetOutput(&stdLogWriter{b: New(l, "")})
	var once sync.Once
	return func() {
		once.Do(func() {
			log.SetOutput(w)
			log.SetFlags(flags)
			log.SetPrefix(prefix)
		})
	}
}

// stdLogWriter is the log package's output under RedirectStdLog: each Write
// is one record, "<file>:<line>: <message>\n" by the flags RedirectStdLog
// sets.
type stdLogWriter struct{ b Bridge }

var _ io.Writer = (*stdLogWriter)(nil)

func (w *stdLogWriter) Write(p []byte) (int, error) {
	if !w.b.Enabled(zapcore.ErrorLevel) {
		return len(p), nil // not even a Fatal line would print
	}
	msg := strings.TrimSuffix(string(p), "\n")
	file, line, text, ok := cutLongfile(msg)
	if ok {
		msg = text
	}
	var pcs [64]uintptr
	n := runtime.Callers(2, pcs[:]) // from log's frame that called Write
	site, lvl, fatal := stdLogSite(pcs[:n], file, line, ok)
	if lvl < zapcore.ErrorLevel && !w.b.Enabled(lvl) {
		return len(p), nil
	}
	w.b.Write(lvl, msg, site, time.Time{}, nil)
	if fatal {
		// Fatal exits right after this Write: nothing may stay buffered.
		_ = w.b.log.Sync()
	}
	return len(p), nil
}

// stdLogSite finds, in the stack pcs above a Write of the log package, the
// frame of the call site: the one at file:line, which log computed with the
// caller's call depth, or when that is unknown the first frame outside
// package log. It also tells the level by log's function on the stack.
func stdLogSite(pcs []uintptr, file string, line int, known bool) (site runtime.Frame, lvl zapcore.Level, fatal bool) {
	lvl = zapcore.InfoLevel
	var outside runtime.Frame
	frames := runtime.CallersFrames(pcs)
	for {
		f, more := frames.Next()
		if pkg := target.PackagePath(f.Function); pkg == "log" {
			name := f.Function[strings.LastIndexByte(f.Function, '.')+1:]
			switch {
			case strings.HasPrefix(name, "Fatal"):
				lvl, fatal = zapcore.ErrorLevel, true
			case strings.HasPrefix(name, "Panic"):
				lvl = zapcore.ErrorLevel
			}
		} else if outside.PC == 0 {
			outside = f
		}
		if known && f.File == file && f.Line == line {
			return f, lvl, fatal
		}
		if !more {
			return outside, lvl, fatal
		}
	}
}

// cutLongfile splits a log line written with log.Llongfile into the file,
// the line and the message: "<file>:<line>: <message>", the first ": "
// ending the header. The file may hold ':' (C:\...); the line is decimal
// digits.
func cutLongfile(s string) (file string, line int, msg string, ok bool) {
	head, msg, found := strings.Cut(s, ": ")
	if !found {
		return "", 0, "", false
	}
	k := strings.LastIndexByte(head, ':')
	if k <= 0 || k == len(head)-1 || strings.Trim(head[k+1:], "0123456789") != "" {
		return "", 0, "", false
	}
	n, err := strconv.Atoi(head[k+1:])
	if err != nil {
		return "", 0, "", false
	}
	return head[:k], n, msg, true
}
