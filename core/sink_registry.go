package core

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

var (
	_ zapcore.WriteSyncer = (*fileHandle)(nil)
	_ zapcore.Core        = (*fileCore)(nil)
)

// sinkRegistry holds the file sinks of the process, one per log file, so
// that every logger naming a file writes through the one sink that counts
// its size and rotates it.
type sinkRegistry struct {
	mu     sync.Mutex
	byPath map[string]*fileSink // by cleaned absolute path
}

// fileSinks is the process's sinkRegistry: New and Init open their files
// through it and SIGHUP reopens what it holds.
var fileSinks = sinkRegistry{byPath: map[string]*fileSink{}}

// open returns a handle on the sink of cfg.path, opening the sink if no
// open logger names the file yet. A path that names the file of an open
// sink another way (a symbolic link, a hard link) shares that sink. A
// logger sharing a sink with other [file] settings than the first one's
// gets the first one's, and a line on its error output saying so.
func (r *sinkRegistry) open(cfg fileSinkConfig) *fileHandle {
	if abs, err := filepath.Abs(cfg.path); err == nil {
		cfg.path = abs
	} else {
		cfg.path = filepath.Clean(cfg.path)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.byPath[cfg.path]
	if s == nil {
		s = r.sameFile(cfg.path)
	}
	if s == nil {
		s = newFileSink(cfg)
		r.byPath[cfg.path] = s
	} else if !sameSettings(s.cfg, cfg) && cfg.errorOutput != nil {
		_, _ = cfg.errorOutput.Write([]byte(fmt.Sprintf(
			"dynlog: %s is open already, with other [file] settings; keeping those of the logger that opened it\n", cfg.path)))
	}
	s.refs++
	ref := &fileRef{sink: s, errorOutput: cfg.errorOutput}
	if ref.errorOutput == nil {
		ref.errorOutput = s.errorOutput
	}
	s.mu.Lock()
	s.reporters = append(s.reporters, ref)
	s.mu.Unlock()
	h := &fileHandle{ref: ref}
	// A logger dropped without Close lets go of its file when collected.
	runtime.AddCleanup(h, func(ref *fileRef) { _ = ref.release() }, ref)
	return h
}

// sameFile is the open sink whose live file path names, if any. r.mu is
// held.
func (r *sinkRegistry) sameFile(path string) *fileSink {
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	for _, s := range r.byPath {
		s.mu.Lock()
		same := s.ident != nil && os.SameFile(fi, s.ident)
		s.mu.Unlock()
		if same {
			return s
		}
	}
	return nil
}

// sameSettings reports whether two configurations rotate alike.
func sameSettings(a, b fileSinkConfig) bool {
	size := func(n int64) int64 {
		if n <= 0 {
			return defaultMaxSizeMB << 20
		}
		return n
	}
	return size(a.maxBytes) == size(b.maxBytes) && a.maxBackups == b.maxBackups && a.maxAgeDays == b.maxAgeDays &&
		a.compress == b.compress && a.rotateDaily == b.rotateDaily && a.localTime == b.localTime
}

// reopen reopens every open log file (SIGHUP).
func (r *sinkRegistry) reopen() {
	r.mu.Lock()
	sinks := make([]*fileSink, 0, len(r.byPath))
	for _, s := range r.byPath {
		sinks = append(sinks, s)
	}
	r.mu.Unlock()
	for _, s := range sinks {
		_ = s.Reopen() // a failure is reported by the sink
	}
}

// fileRef is one logger's hold on a shared sink.
type fileRef struct {
	sink        *fileSink
	errorOutput zapcore.WriteSyncer
	closed      atomic.Bool
}

// release lets go of the sink, once; the last hold on a sink closes it.
func (ref *fileRef) release() error {
	if !ref.closed.CompareAndSwap(false, true) {
		return nil
	}
	s := ref.sink
	fileSinks.mu.Lock()
	defer fileSinks.mu.Unlock()
	s.mu.Lock()
	for i, r := range s.reporters {
		if r == ref {
			s.reporters = append(s.reporters[:i], s.reporters[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if s.refs--; s.refs > 0 {
		return nil
	}
	if fileSinks.byPath[s.path] == s {
		delete(fileSinks.byPath, s.path)
	}
	return s.Close()
}

// fileHandle is the WriteSyncer of a logger New made with a file: the
// shared sink until Close, stderr after.
type fileHandle struct{ ref *fileRef }

func (h *fileHandle) Write(p []byte) (int, error) {
	if h.ref.closed.Load() {
		return h.ref.sink.writeFallback(p)
	}
	return h.ref.sink.Write(p)
}

func (h *fileHandle) Sync() error { return h.ref.sink.Sync() }

// Close lets go of the file; the last logger of a file to do so closes it.
func (h *fileHandle) Close() error { return h.ref.release() }

// fileCore carries a logger's fileHandle among its cores, so that Close
// finds it through the Unwrap methods of the cores around it. It writes
// nothing itself: the core it wraps does.
type fileCore struct {
	zapcore.Core
	file *fileHandle
}

func (c *fileCore) With(fields []zapcore.Field) zapcore.Core {
	return &fileCore{Core: c.Core.With(fields), file: c.file}
}

// Unwrap is the core inside.
func (c *fileCore) Unwrap() zapcore.Core { return c.Core }

// Level is the level of the core inside.
func (c *fileCore) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

// Close closes the log file that New opened for log (DYN_LOGGING_FILE or
// [file].path), for log and every logger derived from it: their later lines
// go to stderr. Loggers of the process that name the same file share it,
// and the file is closed, with the goroutines that rotate it, when the last
// of them is closed (or garbage collected). Close returns nil when log has
// no file of its own: New wrote to stderr, stdout or WithOutput's writer,
// or a core the unwrap walk cannot see into was put around it (zap.Hooks,
// zap's sampler and tees it sees into, as filter.AtomicOf does). Closing
// twice is harmless.
func Close(log *zap.Logger) error {
	if fc, ok := unwrap.As[*fileCore](log.Core()); ok {
		return fc.file.Close()
	}
	return nil
}

// openFileSink opens the log file that cfg (New's settings: DYN_LOGGING_FILE
// and [file]) configures, its failures and recoveries reported as lines of
// the logger's layout, as dynlog's other reports are. The sink falls back
// to stderr by itself when the file fails, so there is no error to return.
// Close(log) lets go of it.
func (c config) openFileSink(cfg fileSinkConfig) *fileHandle {
	cfg.errorOutput = c.diag.writer()
	return fileSinks.open(cfg)
}
