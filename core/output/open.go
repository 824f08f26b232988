package output

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/dynlog/dynlog/internal/outside"
	"go.uber.org/zap/zapcore"
)

var _ zapcore.WriteSyncer = (*File)(nil)

// Open opens the log file cfg names on its own, as [go.uber.org/zap.Open]
// opens zap's sinks: it returns a handle on the file and the function that
// closes it (the handle's Close). It shares nothing with any other Open: a
// file that a handle of another Open or another [Files] holds, in this
// process or another, is refused by its lock, as a second process is (see
// the package documentation), and the handle writes to stderr until the
// holder lets go. Loggers that are to share a file open it through one
// [Files].
//
// A file that cannot be opened or written is no error: the handle writes
// to stderr, says so on cfg.ErrorOutput, and tries the file again by
// itself. The error is for a [Config] that cannot be honoured: no path, a
// negative number.
func Open(cfg Config) (*File, func() error, error) {
	return new(Files).Open(cfg)
}

// Files is a set of open log files shared by path: every Open through one
// Files that names a file (by the same path, a symbolic or a hard link)
// gets a handle on one writer, which alone counts the size and rotates, so
// no line is lost or torn at a rotation. The first Open's settings hold for
// the file, and a later one with other settings is told so on its
// cfg.ErrorOutput. A file is closed, with its goroutines, when the last
// handle on it is closed or garbage collected, and leaves the set then.
//
// The zero value is an empty set, ready to use. A Files is the sharing's
// whole scope: two sets never share a writer (their second Open of a file
// is refused by its lock), and nothing is shared without one. core keeps
// one for the loggers it builds (see the package documentation).
type Files struct {
	mu     sync.Mutex
	byPath map[string]*sink // by cleaned absolute path
}

// Open opens the log file cfg names as [Open] does, but returns a handle on
// the set's writer for the file when a handle of the set holds it open
// already.
func (fs *Files) Open(cfg Config) (*File, func() error, error) {
	if err := cfg.validate(); err != nil {
		return nil, nil, err
	}
	f := fs.open(cfg)
	return f, f.Close, nil
}

// ReopenAll reopens every file a handle of the set holds open: what a
// program does on SIGHUP, after logrotate moved its files away or to
// return to a file that failed. A failure is reported on the file's error
// output, as Reopen's is.
func (fs *Files) ReopenAll() {
	fs.mu.Lock()
	sinks := make([]*sink, 0, len(fs.byPath))
	for _, s := range fs.byPath {
		sinks = append(sinks, s)
	}
	fs.mu.Unlock()
	for _, s := range sinks {
		_ = s.Reopen() // a failure is reported by the sink
	}
}

// open returns a handle on the sink of cfg.Path, opening the sink if no
// open handle of the set names the file yet. A path that names the file of
// an open sink another way (a symbolic link, a hard link) shares that sink.
func (fs *Files) open(cfg Config) *File {
	if abs, err := filepath.Abs(cfg.Path); err == nil {
		cfg.Path = abs
	} else {
		cfg.Path = filepath.Clean(cfg.Path)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	s := fs.byPath[cfg.Path]
	if s == nil {
		s = fs.sameFile(cfg.Path)
	}
	if s == nil {
		s = newSink(cfg)
		if fs.byPath == nil {
			fs.byPath = map[string]*sink{}
		}
		fs.byPath[cfg.Path] = s
	} else if !sameSettings(s.cfg, cfg) && cfg.ErrorOutput != nil {
		_, _ = cfg.ErrorOutput.Write([]byte(fmt.Sprintf(
			"dynlog: %s is open already, with other [file] settings; keeping those of the logger that opened it\n", outside.Text(cfg.Path))))
	}
	s.refs++
	r := &ref{files: fs, sink: s, errorOutput: cfg.ErrorOutput}
	if r.errorOutput == nil {
		r.errorOutput = s.errorOutput
	}
	s.mu.Lock()
	s.reporters = append(s.reporters, r)
	s.mu.Unlock()
	f := &File{ref: r}
	// A handle dropped without Close lets go of its file when collected.
	runtime.AddCleanup(f, func(r *ref) { _ = r.release() }, r)
	return f
}

// sameFile is the open sink whose live file path names, if any. fs.mu is
// held.
func (fs *Files) sameFile(path string) *sink {
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	for _, s := range fs.byPath {
		s.mu.Lock()
		same := s.ident != nil && os.SameFile(fi, s.ident)
		s.mu.Unlock()
		if same {
			return s
		}
	}
	return nil
}

// ref is one handle's hold on a shared sink.
type ref struct {
	files       *Files // the set the sink is in
	sink        *sink
	errorOutput zapcore.WriteSyncer
	closed      atomic.Bool
}

// release lets go of the sink, once; the last hold on a sink closes it.
func (r *ref) release() error {
	if !r.closed.CompareAndSwap(false, true) {
		return nil
	}
	s, fs := r.sink, r.files
	fs.mu.Lock()
	defer fs.mu.Unlock()
	s.mu.Lock()
	for i, x := range s.reporters {
		if x == r {
			s.reporters = append(s.reporters[:i], s.reporters[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	if s.refs--; s.refs > 0 {
		return nil
	}
	if fs.byPath[s.path] == s {
		delete(fs.byPath, s.path)
	}
	return s.Close()
}

// File is a handle on an open log file, which [Open] returns: a
// [zapcore.WriteSyncer] that writes to the file, shared with the other
// handles on it, until Close, and to stderr after.
type File struct{ ref *ref }

// Write writes p, one whole line, to the file, or to stderr while the file
// fails or after Close. The error is stderr's, when p could not be written
// there either: zap then reports the line lost on its error output.
func (f *File) Write(p []byte) (int, error) {
	if f.ref.closed.Load() {
		return f.ref.sink.writeFallback(p)
	}
	return f.ref.sink.Write(p)
}

// Sync flushes the file to stable storage, or syncs stderr while lines go
// there.
func (f *File) Sync() error { return f.ref.sink.Sync() }

// Rotate moves the file aside as a backup and starts a new one now, for
// every handle on it, as the size limit does. A failure is reported on the
// error output, once per outage, and returned; after Close it returns
// [ErrClosed].
func (f *File) Rotate() error {
	if f.ref.closed.Load() {
		return ErrClosed
	}
	return f.ref.sink.Rotate()
}

// Reopen closes the file and opens its path again, appending, for every
// handle on it (see [Files.ReopenAll]). A failure is reported on the error output,
// once per outage, and returned; after Close it returns [ErrClosed].
func (f *File) Reopen() error {
	if f.ref.closed.Load() {
		return ErrClosed
	}
	return f.ref.sink.Reopen()
}

// Close lets go of the file; the last handle on a file to do so closes it,
// ends the goroutines that rotate it and removes PATH.lock. Later lines go
// to stderr. Closing twice is harmless.
func (f *File) Close() error { return f.ref.release() }
