package core

import (
	"bytes"
	"io"
	"os"
	"sync"

	"github.com/dynlog/dynlog/internal/decoration"
)

// DecoratedWriter decorates what is written through it as vLLM's
// decorate_logs decorates a process's stdout and stderr: every line starts
// with "(NAME pid=PID) ", or with colour "ESC[0;36m(NAME pid=PID)ESC[0;0m ",
// the bytes [NewVLLM]'s logger puts on its own lines under [WithProcessName].
// A line is whatever follows a '\n', so the decoration goes at the very
// start, after every '\n' that more bytes follow, and at the start of the
// next write after a write that ended with '\n'; a write that ends
// mid-line leaves the next one to continue that line undecorated.
//
// Use it for what a program prints beside its log, so that both carry the
// process's name:
//
//	out := core.NewDecoratedWriter(os.Stdout, "EngineCore_DP0", false)
//	fmt.Fprintln(out, "loading weights")
//	// (EngineCore_DP0 pid=17569) loading weights
//
// The logger's own lines carry their decoration themselves, whatever the
// writer's state: a log line that follows an unfinished write starts with
// the decoration in the middle of that line, where vLLM, sharing one stream
// state, would leave it out.
//
// It is safe for concurrent use: each Write goes to w as one Write, whole,
// under a lock, so lines of concurrent writers do not interleave within a
// Write.
type DecoratedWriter struct {
	mu      sync.Mutex
	w       io.Writer
	prefix  string
	midLine bool   // the last write did not end with '\n'
	buf     []byte // scratch, under mu
}

// NewDecoratedWriter returns a writer that decorates w's lines with name
// and the process id, coloured cyan when color is true ([NewVLLM] colours
// its own decoration when the layout is coloured).
func NewDecoratedWriter(w io.Writer, name string, color bool) *DecoratedWriter {
	return &DecoratedWriter{w: w, prefix: decoration.Prefix(name, os.Getpid(), color)}
}

// Write writes p with the decoration at the start of each line. It reports
// len(p) when w took everything, and otherwise how many of p's bytes w
// took in full.
func (d *DecoratedWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	decorated := !d.midLine
	b := d.buf[:0]
	if decorated {
		b = append(b, d.prefix...)
	}
	rest := p
	for {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 || i == len(rest)-1 {
			b = append(b, rest...)
			break
		}
		b = append(b, rest[:i+1]...)
		b = append(b, d.prefix...)
		rest = rest[i+1:]
	}
	if cap(b) <= maxPooledWrite {
		d.buf = b[:0]
	}
	n, err := d.w.Write(b)
	if err == nil && n < len(b) {
		err = io.ErrShortWrite
	}
	if err != nil {
		// The line state follows what reached w; the count is of p's bytes.
		if n > 0 {
			d.midLine = b[n-1] != '\n'
		}
		return d.inputBytes(b[:n], decorated), err
	}
	d.midLine = p[len(p)-1] != '\n'
	return len(p), nil
}

// maxPooledWrite bounds the scratch buffer a DecoratedWriter keeps between
// writes.
const maxPooledWrite = 64 << 10

// inputBytes counts the bytes of p in written, a prefix of what Write made
// of p: all but the decorations it added, the first one only when the write
// began a line (decorated).
func (d *DecoratedWriter) inputBytes(written []byte, decorated bool) int {
	n := 0
	if decorated {
		if len(written) < len(d.prefix) {
			return 0
		}
		written = written[len(d.prefix):]
	}
	for {
		i := bytes.IndexByte(written, '\n')
		if i < 0 {
			return n + len(written)
		}
		n += i + 1
		written = written[i+1:]
		if len(written) < len(d.prefix) {
			return n
		}
		written = written[len(d.prefix):]
	}
}

// Sync flushes w when it can be flushed (an *os.File, a
// [go.uber.org/zap/zapcore.WriteSyncer]), so that a [DecoratedWriter] is a
// zapcore.WriteSyncer too.
func (d *DecoratedWriter) Sync() error {
	if s, ok := d.w.(interface{ Sync() error }); ok {
		return s.Sync()
	}
	return nil
}
