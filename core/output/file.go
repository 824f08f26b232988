package output

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dynlog/dynlog/internal/outside"
	"go.uber.org/zap/zapcore"
)

// DefaultMaxBytes is the size at which the log file is rotated when
// [Config.MaxBytes] is 0: 100 MiB, lumberjack's default.
const DefaultMaxBytes = 100 << 20

// ErrClosed is what Rotate and Reopen return after Close.
var ErrClosed = errors.New("dynlog: the log file is closed")

// Config says where a file writes and how it rotates.
// [github.com/dynlog/dynlog/core.New] fills it from DYN_LOGGING_FILE and the
// TOML [file] table.
type Config struct {
	// Path is the log file. Required.
	Path string
	// MaxBytes is the size past which a line goes to a new file: the live
	// file is rotated before a line that would take it past MaxBytes.
	// [DefaultMaxBytes] when 0.
	MaxBytes int64
	// MaxBackups is how many backups are kept, the newest; 0 keeps all.
	MaxBackups int
	// MaxAgeDays removes backups rotated longer ago than that many days;
	// 0 removes none by age.
	MaxAgeDays int
	// Compress gzips the backups.
	Compress bool
	// RotateDaily rotates the file at every local midnight too.
	RotateDaily bool
	// LocalTime names the backups in local time rather than UTC.
	LocalTime bool
	// ErrorOutput hears of the file's failures and recoveries, one line
	// each; stderr when nil.
	ErrorOutput zapcore.WriteSyncer

	// fallback takes the lines while the file cannot: stderr when nil.
	fallback zapcore.WriteSyncer
	// now and newTimer drive the daily rotation; time.Now and
	// time.NewTimer when nil.
	now      func() time.Time
	newTimer func(time.Duration) (fired <-chan time.Time, stop func() bool)
	// checkEvery is how often a write looks whether the path still names
	// the open file (defaultCheckEvery when 0); retryMin and retryMax
	// bound the wait between attempts to leave stderr (defaultRetryMin,
	// Max).
	checkEvery, retryMin, retryMax time.Duration
	// owner stands in for a file's owner (fileOwner when nil), so that a
	// test run by any user can plant files "of another user".
	owner func(fs.FileInfo) int
}

// validate refuses a Config that cannot be honoured.
func (cfg Config) validate() error {
	switch {
	case cfg.Path == "":
		return errors.New("dynlog: output.Config has no Path")
	case cfg.MaxBytes < 0:
		return fmt.Errorf("dynlog: output.Config.MaxBytes is negative (%d)", cfg.MaxBytes)
	case cfg.MaxBackups < 0:
		return fmt.Errorf("dynlog: output.Config.MaxBackups is negative (%d)", cfg.MaxBackups)
	case cfg.MaxAgeDays < 0:
		return fmt.Errorf("dynlog: output.Config.MaxAgeDays is negative (%d)", cfg.MaxAgeDays)
	}
	return nil
}

// sameSettings reports whether two configurations rotate alike.
func sameSettings(a, b Config) bool {
	size := func(n int64) int64 { return cmp.Or(n, DefaultMaxBytes) }
	return size(a.MaxBytes) == size(b.MaxBytes) && a.MaxBackups == b.MaxBackups && a.MaxAgeDays == b.MaxAgeDays &&
		a.Compress == b.Compress && a.RotateDaily == b.RotateDaily && a.LocalTime == b.LocalTime
}

// The intervals of a sink's checks and retries: short enough that a
// removed file or a passing fault costs seconds of lines on stderr at most,
// long enough that the stat or open they cost is nothing beside the writes.
const (
	defaultCheckEvery = time.Second
	defaultRetryMin   = 100 * time.Millisecond
	defaultRetryMax   = 5 * time.Second
)

// sinkState is where a sink's lines go.
type sinkState int

const (
	sinkToFile   sinkState = iota // the log file
	sinkToStderr                  // stderr, after the file failed, until a retry, Reopen or Rotate succeeds
	sinkClosed                    // stderr, for good
)

// sink is one log file, shared by the handles ([File]) on it: a
// zapcore.WriteSyncer that writes each line to the file with one write
// under one mutex, so lines are never split or interleaved, and rotation
// happens between lines, never inside one. The sink holds a lock on
// PATH.lock so that no other process writes and rotates the same file.
//
// When the file cannot be opened or written, the sink says so once on the
// error output (path and cause) and writes that line and every later one to
// stderr; nothing is dropped. It tries the file again from Write, after
// retryMin and then twice as long each time up to retryMax, and Reopen
// (what SIGHUP does) and Rotate try it too; the first line the file takes
// again says "writing to PATH again". However many attempts fail in
// between, the outage is reported once.
//
// Every checkEvery, Write also looks whether the path still names the open
// file and whether the sink still holds the lock. If the file or its
// directory was removed, or the file renamed, without a SIGHUP, the sink
// opens the path again (making the directory) and says what happened in
// one line. Whenever the live file is closed (at a look, a rotation, a
// reopen, Close) and has no name left, the lines written to it since the
// last look that found it in place are read back through its descriptor
// and carried into the new file, or to stderr.
//
// Close stops the daily timer, waits for the backup clean-up, closes the
// file and lets go of the lock; after Close lines go to stderr.
type sink struct {
	cfg         Config // as given, for comparing with a later Open's
	path        string
	maxBytes    int64
	errorOutput zapcore.WriteSyncer
	fallback    zapcore.WriteSyncer
	now         func() time.Time
	newTimer    func(time.Duration) (<-chan time.Time, func() bool)
	checkEvery  time.Duration
	retryMin    time.Duration
	retryMax    time.Duration
	// born is the monotonic origin of nextCheck and retryAt.
	born time.Time
	// user is the process's effective user ID (-1 where files have no Unix
	// owner), ownerOf a file's owner: which links are followed and which
	// lock file and backups are the sink's own (see trustedLink, ours).
	user    int
	ownerOf func(fs.FileInfo) int

	mu    sync.Mutex
	state sinkState
	// outage is true from a failure until a line reaches the file again:
	// the failure and the recovery are reported once each, whatever
	// happens in between.
	outage bool
	// file is the live file, opened for reading and appending: it takes
	// the lines, its identity (ident) tells whether the path still names
	// it, and it reads back the lines written to it after it was removed.
	// nil while closed.
	file  *os.File
	ident os.FileInfo
	// real is the name the live file was opened at: the path with the
	// symbolic links it was allowed to follow resolved.
	real string
	// gone is the part of a removed live file that no look found in place,
	// set when the file is closed and carried into the next file (or to
	// stderr) by open or fail; nil otherwise.
	gone *removedTail
	// size counts the bytes of the live file.
	size int64
	// lastRotation is when the last rotation ended; see waitNextMillisecond.
	lastRotation time.Time
	// replaced is the file the last rotation moved aside, whose mode and
	// owner the new file takes; nil otherwise.
	replaced os.FileInfo

	// lock is the descriptor holding the lock on PATH.lock; nil when not
	// held (and on systems without flock).
	lock *os.File
	// checked is the size of the file at the last look that found it in
	// place; nextCheck is when the next look is due.
	checked   int64
	nextCheck time.Duration
	// retryAt is when Write tries the file again while lines go to
	// stderr; retryWait is the wait after the next failure.
	retryAt, retryWait time.Duration

	// cleaning is true while the clean-up goroutine runs, cleanAgain when
	// a rotation asked for another pass meanwhile; cleaned is done when it
	// has returned.
	cleaning, cleanAgain bool
	cleaned              sync.WaitGroup

	// reporters are the error outputs of the handles on the sink, the
	// first opened first; reports go to the first. Empty for a sink made by
	// newSink alone, which reports to errorOutput.
	reporters []*ref
	// refs counts the open handles; guarded by the mutex of the [Files] that holds the sink.
	refs int

	stopDaily chan struct{} // closed by Close; nil without daily rotation
	dailyDone chan struct{} // closed when the daily goroutine has returned
}

// newSink opens the file cfg names, or reports why it cannot and falls back
// to stderr, and starts the daily rotation if asked for. It does not fail: a
// file that cannot be written is a problem a logger lives with.
func newSink(cfg Config) *sink {
	s := &sink{
		cfg:         cfg,
		path:        cfg.Path,
		maxBytes:    cmp.Or(cfg.MaxBytes, DefaultMaxBytes),
		errorOutput: cfg.ErrorOutput,
		fallback:    cfg.fallback,
		now:         cfg.now,
		newTimer:    cfg.newTimer,
		checkEvery:  cmp.Or(cfg.checkEvery, defaultCheckEvery),
		retryMin:    cmp.Or(cfg.retryMin, defaultRetryMin),
		retryMax:    cmp.Or(cfg.retryMax, defaultRetryMax),
		born:        time.Now(),
		user:        processUser(),
		ownerOf:     cfg.owner,
	}
	if s.ownerOf == nil {
		s.ownerOf = fileOwner
	}
	if s.errorOutput == nil {
		s.errorOutput = zapcore.Lock(os.Stderr)
	}
	if s.fallback == nil {
		s.fallback = os.Stderr // every write to it is under s.mu
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.newTimer == nil {
		s.newTimer = func(d time.Duration) (<-chan time.Time, func() bool) {
			t := time.NewTimer(d)
			return t.C, t.Stop
		}
	}

	s.mu.Lock()
	if err := s.open(); err != nil {
		s.fail("cannot open", err)
	}
	s.mu.Unlock()

	if cfg.RotateDaily {
		s.stopDaily, s.dailyDone = make(chan struct{}), make(chan struct{})
		go s.rotateDaily()
	}
	return s
}

// Write writes p, one whole line as zap's core hands it over, to the file,
// rotating first if p would take the file past its size; a line longer
// than the size gets a file of its own. If the file fails, p goes to stderr
// whole, and so do later lines until the file works again. The error is
// stderr's, when p could not be written there either.
func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Since(s.born)
	switch s.state {
	case sinkClosed:
		return s.fallback.Write(p)
	case sinkToStderr:
		if now < s.retryAt {
			return s.fallback.Write(p)
		}
		if err := s.reopen(); err != nil {
			s.fail("cannot reopen", err)
			return s.fallback.Write(p)
		}
		s.state = sinkToFile
	}
	if now >= s.nextCheck {
		s.check(now)
		if s.state != sinkToFile {
			return s.fallback.Write(p)
		}
	}
	if s.size > 0 && s.size+int64(len(p)) > s.maxBytes {
		if err := s.rotate(); err != nil {
			s.fail("cannot rotate", err)
			return s.fallback.Write(p)
		}
	}
	if err := s.writeFile(p); err != nil {
		return s.fallback.Write(p)
	}
	return len(p), nil
}

// writeFile writes p to the live file. On a failure it cuts the part of p
// the file took, moves the sink to stderr (reporting the outage if it is a
// new one) and returns the error; p is the caller's to send elsewhere. The
// first success after an outage reports the file back. s.mu is held and
// the file is open.
func (s *sink) writeFile(p []byte) error {
	n, err := s.file.Write(p)
	if err != nil {
		if n > 0 {
			s.cutPartialLine(int64(n))
		}
		s.fail("cannot write to", err)
		return err
	}
	s.size += int64(n)
	if s.outage {
		s.outage = false
		s.retryWait = 0
		s.report("dynlog: writing to " + outside.Text(s.path) + " again")
	}
	return nil
}

// cutPartialLine removes the n bytes of a line the file took only part of
// (a full disk, a file size limit), so that the file ends with a whole
// line; the line itself goes to stderr. If the file is not as long as
// expected, something else writes to it too, and it is left alone: open
// ends a partial line with a newline when the file is reopened.
func (s *sink) cutPartialLine(n int64) {
	if fi, err := s.file.Stat(); err == nil && fi.Size() == s.size+n {
		if s.file.Truncate(s.size) == nil {
			return
		}
	}
	s.size += n
}

// check looks whether the path still names the live file, and whether the
// sink still holds the lock on PATH.lock. If the path names another file
// or none (the file or its directory was removed, the file renamed, a link
// put in its place), it opens the path again, by the rules of open, and
// says so in one line; the lines written to a removed file since the last
// look are carried into the new file (see closeFile), or to stderr if the
// path cannot be opened. A renamed file keeps its lines. If the lock file
// was removed or replaced, it takes the lock again; if another process has
// taken it meanwhile, the lines go to stderr until that process lets go,
// so that two writers never share the file unknowingly. s.mu is held and
// the sink writes to the file.
func (s *sink) check(now time.Duration) {
	s.nextCheck = now + s.checkEvery
	fi, statErr := os.Stat(s.path)
	if statErr == nil && s.ident != nil && os.SameFile(fi, s.ident) {
		s.checked = s.size
		s.keepLock()
		return
	}
	how := "renamed"
	if s.file != nil && isUnlinked(s.file) {
		how = "removed"
	}
	if err := s.reopen(); err != nil {
		doing := "cannot reopen"
		if statErr != nil {
			doing = "cannot recreate"
		}
		s.fail(doing, err)
		return
	}
	did := "reopened"
	if errors.Is(statErr, fs.ErrNotExist) {
		did = "recreated"
	}
	s.report(fmt.Sprintf("dynlog: %s was %s; %s it", outside.Text(s.path), how, did))
}

// keepLock makes sure that the lock file the sink holds is still the one
// at PATH.lock, and takes the lock again if it is not (see holdLock),
// saying so; if it cannot, the lines go to stderr. s.mu is held and the
// sink writes to the file.
func (s *sink) keepLock() {
	if s.lock == nil || lockInPlace(s.lock, lockPath(s.path)) {
		return
	}
	if err := s.holdLock(); err != nil {
		s.fail("cannot keep writing to", err)
		return
	}
	s.report(fmt.Sprintf("dynlog: %s was removed or replaced while this process held it; locked it again",
		outside.Text(lockPath(s.path))))
}

// removedTail is the part of a removed file to carry into the next one:
// n bytes from off, read back through the descriptor that still holds it.
type removedTail struct {
	f      *os.File
	off, n int64
}

// carryGone writes the tail of the removed file (s.gone) to the live file,
// or to stderr when toFile is false or the file fails, and closes the
// removed file. s.mu is held.
func (s *sink) carryGone(toFile bool) {
	g := s.gone
	if g == nil {
		return
	}
	s.gone = nil
	defer g.f.Close()
	s.salvage(g.f, g.off, g.n, toFile)
}

// salvage copies n bytes of old from off to the live file, or to stderr
// when toFile is false or the file fails, in chunks that end with a line so
// that a failure splits none. s.mu is held.
func (s *sink) salvage(old *os.File, off, n int64, toFile bool) {
	buf := make([]byte, min(n, 1<<20))
	for n > 0 {
		k, err := old.ReadAt(buf[:min(n, int64(len(buf)))], off)
		if k == 0 {
			if err != nil {
				s.report(fmt.Sprintf("dynlog: cannot read back the lines written to the removed %s: %s",
					outside.Text(s.path), outside.Text(err.Error())))
			}
			return
		}
		chunk := buf[:k]
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 && int64(k) < n {
			chunk = chunk[:i+1]
		}
		if toFile && (s.file == nil || s.writeFile(chunk) != nil) {
			toFile = false
		}
		if !toFile {
			if _, err := s.fallback.Write(chunk); err != nil {
				s.report(fmt.Sprintf("dynlog: cannot write the lines read back from the removed %s to stderr: %s",
					outside.Text(s.path), outside.Text(err.Error())))
				return
			}
		}
		off += int64(len(chunk))
		n -= int64(len(chunk))
	}
}

// Sync flushes the live file to stable storage, or syncs stderr while lines
// go there. Every write goes straight to the file, so every line Write
// returned for is already visible to readers.
func (s *sink) Sync() error {
	s.mu.Lock()
	if s.state != sinkToFile || s.file == nil {
		defer s.mu.Unlock()
		return s.fallback.Sync()
	}
	// Open under the lock, so that the file is the live one; fsync outside,
	// so that writers do not wait for the disk. fsync flushes the file,
	// whichever descriptor asks. The name is opened without following a
	// link, and only the live file itself is synced.
	ident := s.ident
	f, err := os.OpenFile(s.real, os.O_RDONLY|noFollow|noBlock, 0)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !os.SameFile(fi, ident) {
		return nil // replaced meanwhile: the next check sees to it
	}
	return f.Sync()
}

// Rotate moves the live file aside as a backup and starts a new one, as the
// size limit and the daily rotation do. While lines go to stderr it is a
// way back to the file. A failure is reported on the error output, once
// per outage, and returned.
func (s *sink) Rotate() error { return s.retry("cannot rotate", s.rotate) }

// Reopen closes the file and opens the path again, appending: what a
// program does on SIGHUP, after logrotate moved the file away or once the
// disk has room again. While lines go to stderr it is a way back to the
// file. A failure is reported on the error output, once per outage, and
// returned.
func (s *sink) Reopen() error { return s.retry("cannot reopen", s.reopen) }

// retry runs do (rotate or reopen) for Rotate and Reopen under s.mu, and
// moves the sink to stderr if it fails (see fail), back to the file if it
// succeeds: the first line the file takes reports the return (writeFile).
// After Close it returns ErrClosed.
func (s *sink) retry(doing string, do func() error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == sinkClosed {
		return ErrClosed
	}
	if err := do(); err != nil {
		s.fail(doing, err)
		return err
	}
	s.state = sinkToFile
	return nil
}

// Close closes the file, lets go of the lock and ends the goroutines the
// sink started: the daily rotation, and the backup clean-up once its pass
// is done. Lines written after Close go to stderr. A live file that was
// removed since the last check is made again first, and takes the lines
// that would go with it, as at a check.
func (s *sink) Close() error {
	s.mu.Lock()
	if s.state == sinkClosed {
		s.mu.Unlock()
		return nil
	}
	if s.state == sinkToFile && s.file != nil && isUnlinked(s.file) {
		s.check(time.Since(s.born))
	}
	s.state = sinkClosed
	err := s.closeFile()
	s.carryGone(false) // removed in the last instant: to stderr
	if s.lock != nil {
		err = errors.Join(err, unlockFile(s.lock, lockPath(s.path)))
		s.lock = nil
	}
	s.mu.Unlock()

	// Outside the lock: the daily goroutine may be waiting for it in
	// Rotate, the clean-up to report.
	if s.stopDaily != nil {
		close(s.stopDaily)
		<-s.dailyDone
	}
	s.cleaned.Wait()
	return err
}

// writeFallback writes p to stderr, under the sink's lock like every other
// write there: the line of a handle that was closed.
func (s *sink) writeFallback(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fallback.Write(p)
}

// open opens the live file for appending (and reading back), making it
// with mode 0o600 if it does not exist, or with the mode and owner of the
// file a rotation just moved aside, so that a failure shows now rather
// than at the first line. It follows only the symbolic links that root or
// the process's user owns (see resolve), makes the directory (0o755) and
// takes the lock on PATH.lock first; it carries the tail of a removed file
// (s.gone) into the new one, and starts the backup clean-up. s.mu is held
// and no file is open.
func (s *sink) open() error {
	if err := checkLogPath(s.path); err != nil {
		return err
	}
	target, err := s.resolve(s.path)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return err
	}
	if err := s.holdLock(); err != nil {
		return err
	}
	mode := os.FileMode(0o600)
	if s.replaced != nil {
		mode = s.replaced.Mode().Perm()
	}
	f, target, created, err := s.openLog(mode)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	switch {
	case err != nil:
	case !fi.Mode().IsRegular():
		err = fmt.Errorf("the path is not a regular file (%s)", fi.Mode().Type())
	case !created && linkCount(fi) > 1:
		// A hard link another user made in a directory they can write,
		// where the kernel lets them (fs.protected_hardlinks off), names
		// a file of someone else's: nothing tells which name is the log.
		err = fmt.Errorf("the path is one of %d hard links to one file, which may be a file this process must not write; not writing to it; remove the other names to let it be opened", linkCount(fi))
	}
	if err != nil {
		f.Close()
		return err
	}
	if created && s.replaced != nil {
		chownLike(f, fi, s.replaced) // best effort, as lumberjack
	}
	s.replaced = nil
	s.file, s.ident, s.real = f, fi, target
	s.size = fi.Size()
	if s.size > 0 && !endsWithNewline(f, s.size) {
		// A line this process or an earlier one could write only part of;
		// end it, so that the next line starts on its own.
		n, err := f.Write([]byte("\n"))
		s.size += int64(n)
		if err != nil {
			return err
		}
	}
	// The carried lines count as unchecked: if this file is removed too
	// before a look finds it in place, they are carried on again.
	s.checked = s.size
	s.carryGone(true)
	s.cleanUp()
	return nil
}

// openLog opens the file the path leads to, for appending and reading
// back, making it with mode if nothing is there; created reports whether
// it made the file. It opens the name resolve leads to without following a
// link, so a link put in place after resolve looked is found, and looked at
// again. s.mu is held.
func (s *sink) openLog(mode os.FileMode) (f *os.File, target string, created bool, err error) {
	for range 10 {
		target, err = s.resolve(s.path)
		if err != nil {
			return nil, "", false, err
		}
		f, err = os.OpenFile(target, os.O_RDWR|os.O_APPEND|os.O_CREATE|os.O_EXCL|noFollow|noBlock, mode)
		if err == nil {
			return f, target, true, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", false, err
		}
		f, err = os.OpenFile(target, os.O_RDWR|os.O_APPEND|noFollow|noBlock, 0)
		if err == nil {
			return f, target, false, nil
		}
		fi, lerr := os.Lstat(target)
		switch {
		case errors.Is(lerr, fs.ErrNotExist):
			continue // removed in between: make it
		case lerr == nil && fi.Mode()&fs.ModeSymlink != 0:
			continue // a link put in place in between: look again
		}
		return nil, "", false, err
	}
	return nil, "", false, errors.New("the path is replaced as fast as it is opened")
}

// maxLinks bounds the symbolic links resolve follows, as the kernel does
// (ELOOP).
const maxLinks = 40

// resolve returns path with every symbolic link in it (its directories' and
// its own) replaced by what the link points to, so that the name returned
// holds no link at the time of the look. It follows a link only when root
// or the process's user owns it, the rule of Linux's
// fs.protected_symlinks for sticky directories applied everywhere: a link
// another user planted is refused with a *linkError. A name that does not
// exist ends the walk; the rest of the path is kept as it is. Where files
// have no Unix owner, path is returned as it is.
func (s *sink) resolve(path string) (string, error) {
	if s.user < 0 {
		return path, nil
	}
	path, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	for links := 0; ; {
		done := string(filepath.Separator)
		parts := strings.Split(strings.TrimPrefix(path, done), string(filepath.Separator))
		restart := false
		for i, part := range parts {
			name := filepath.Join(done, part)
			fi, err := os.Lstat(name)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
					return filepath.Join(append([]string{name}, parts[i+1:]...)...), nil
				}
				return "", err
			}
			if fi.Mode()&fs.ModeSymlink == 0 {
				done = name
				continue
			}
			if !s.trustedLink(fi) {
				return "", &linkError{path: name, owner: s.ownerOf(fi), user: s.user}
			}
			if links++; links > maxLinks {
				return "", fmt.Errorf("%s: too many levels of symbolic links", path)
			}
			dest, err := os.Readlink(name)
			if err != nil {
				return "", err
			}
			if !filepath.IsAbs(dest) {
				dest = filepath.Join(done, dest)
			}
			path = filepath.Join(append([]string{dest}, parts[i+1:]...)...)
			restart = true
			break
		}
		if !restart {
			return done, nil
		}
	}
}

// trustedLink reports whether the symbolic link fi describes may be
// followed: root or the process's user owns it.
func (s *sink) trustedLink(fi fs.FileInfo) bool {
	if s.user < 0 {
		return true
	}
	owner := s.ownerOf(fi)
	return owner == 0 || owner == s.user
}

// ours reports whether the process's user owns the file fi describes.
func (s *sink) ours(fi fs.FileInfo) bool {
	return s.user < 0 || s.ownerOf(fi) == s.user
}

// linkError refuses a symbolic link that neither root nor the process's
// user owns.
type linkError struct {
	path        string // the link
	owner, user int    // its owner; the process's effective user
}

func (e *linkError) Error() string {
	return fmt.Sprintf("%s is a symbolic link of user %d, not of root or of this process's user (%d); not following it",
		e.path, e.owner, e.user)
}

// reopen closes the live file and opens the path again. The tail of a
// removed file goes into the new one, or to stderr with fail. s.mu is held.
func (s *sink) reopen() error {
	closeErr := s.closeFile()
	if err := s.open(); err != nil {
		return err
	}
	return closeErr
}

// closeFile closes the live file, if one is open. If the file was removed
// (it has no name left), the lines written to it since the last look
// found it in place would go with it: the descriptor is kept in s.gone
// instead, for open to carry them into the next file, or fail to stderr.
// s.mu is held.
func (s *sink) closeFile() error {
	if s.file == nil {
		return nil
	}
	f := s.file
	s.file, s.ident = nil, nil
	if n := s.size - s.checked; n > 0 && isUnlinked(f) {
		if s.gone != nil { // not carried yet: to stderr before the newer
			s.carryGone(false)
		}
		s.gone = &removedTail{f: f, off: s.checked, n: n}
		return nil
	}
	return f.Close()
}

// holdLock makes sure the sink holds the lock on PATH.lock, taking it
// again if the lock file was removed (with its directory, say) or
// replaced since the sink took it. s.mu is held.
func (s *sink) holdLock() error {
	path := lockPath(s.path)
	if s.lock != nil {
		if lockInPlace(s.lock, path) {
			return nil
		}
		_ = s.lock.Close() // the file is gone: so is the lock that matters
		s.lock = nil
	}
	f, err := lockFile(path, s.user, s.ownerOf)
	if err != nil {
		return err
	}
	s.lock = f
	return nil
}

// rotate closes the live file, renames it to a backup name (see
// backupName) and opens a new file. It renames only the live file itself
// (the path that names it, a link included): a path that names another
// file or none now is opened as it is, by the rules of open. s.mu is held.
func (s *sink) rotate() error {
	if err := checkLogPath(s.path); err != nil {
		return err
	}
	waitNextMillisecond(s.lastRotation)
	defer func() { s.lastRotation = time.Now() }()
	live := s.ident
	if s.file != nil {
		if fi, err := s.file.Stat(); err == nil {
			live = fi // its mode and owner now, for the new file
		}
	}
	removed := s.file != nil && isUnlinked(s.file)
	closeErr := s.closeFile()
	var fi os.FileInfo
	var err error
	moveAside := false
	if live != nil {
		fi, err = os.Stat(s.path)
		moveAside = err == nil && os.SameFile(fi, live)
		fi = live
	} else {
		// No file was open (a way back from stderr): the file to move
		// aside is a regular file at the path itself, which open would
		// have appended to; a link is left to open's rules.
		fi, err = os.Lstat(s.path)
		moveAside = err == nil && fi.Mode().IsRegular()
	}
	switch {
	case moveAside:
		backup := s.freeBackupName()
		if err := os.Rename(s.path, backup); err != nil {
			return err
		}
		s.replaced = fi
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := s.open(); err != nil {
		return err
	}
	if removed {
		// A check would have said so; the rotation came first.
		s.report(fmt.Sprintf("dynlog: %s was removed; recreated it", outside.Text(s.path)))
	}
	return closeErr
}

// freeBackupName is the backup name of a rotation now that no file has,
// plain or compressed: the name of this millisecond, or of a later one if a
// backup (from before the clock was set back, say) has it already, so that
// neither the rename nor the compression of the new backup replaces an old
// one. A name that cannot be looked at is returned as it is: the rename will
// say why.
func (s *sink) freeBackupName() string {
	for {
		now := time.Now()
		name := backupName(s.path, now, s.cfg.LocalTime)
		if !exists(name) && !exists(name+compressSuffix) {
			return name
		}
		waitNextMillisecond(now)
	}
}

// exists reports whether Lstat finds name.
func exists(name string) bool {
	_, err := os.Lstat(name)
	return err == nil
}

// waitNextMillisecond returns once the wall clock has left the millisecond
// of last. Backups are named after the rotation time to the millisecond, so
// two rotations in one millisecond (small files, fast writers) would name
// two backups alike.
func waitNextMillisecond(last time.Time) {
	for {
		wait := time.Until(time.UnixMilli(last.UnixMilli() + 1))
		if wait <= 0 {
			return
		}
		time.Sleep(wait)
	}
}

// fail sends the lines to stderr after an attempt to open, write or rotate
// failed, and says so on the error output if the file was working until
// now: one report per outage, however many attempts fail in it. The lines
// of a removed file that were to be carried into the new one go to stderr
// after the report. The next attempt from Write is due after retryWait,
// which doubles up to retryMax. s.mu is held.
func (s *sink) fail(doing string, err error) {
	if s.state == sinkClosed {
		s.carryGone(false)
		return
	}
	s.state = sinkToStderr
	if !s.outage {
		s.outage = true
		s.retryWait = 0
		s.report(fmt.Sprintf("dynlog: %s %s: %s; writing log lines to stderr and retrying the file",
			doing, outside.Text(s.path), outside.Text(s.cause(err))))
	}
	s.carryGone(false)
	s.retryWait = min(max(2*s.retryWait, s.retryMin), s.retryMax)
	s.retryAt = time.Since(s.born) + s.retryWait
}

// cause words err without repeating the path the report already names.
func (s *sink) cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == s.path {
		return pe.Err.Error()
	}
	var le *linkError
	if errors.As(err, &le) && le.path == s.path {
		return strings.Replace(le.Error(), s.path, "the path", 1)
	}
	return err.Error()
}

// report writes one line to the error output of the first handle that
// opened the sink and is still open, or to the sink's own. Text from
// outside the program in line (a path, an error) has been through
// outside.Text. s.mu is held.
func (s *sink) report(line string) {
	out := s.errorOutput
	if len(s.reporters) > 0 {
		out = s.reporters[0].errorOutput
	}
	_, _ = out.Write([]byte(line + "\n"))
}

// rotateDaily rotates the file at every local midnight (of the zone s.now
// reports in) until Close.
func (s *sink) rotateDaily() {
	defer close(s.dailyDone)
	next := nextMidnight(s.now())
	for {
		fired, stop := s.newTimer(next.Sub(s.now()))
		select {
		case <-s.stopDaily:
			stop()
			return
		case <-fired:
		}
		now := s.now()
		if now.Before(next) {
			continue // the wall clock was set back: wait for midnight
		}
		_ = s.Rotate() // reported by Rotate
		next = nextMidnight(now)
	}
}

// nextMidnight is the first midnight after t, in t's zone. Days around a
// daylight-saving change are 23 or 25 hours long; where midnight itself is
// skipped, time.Date moves it to the first instant that exists.
func nextMidnight(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location())
}

// checkLogPath refuses a path that exists and is not a regular file: a
// rotation would rename a directory or a device out of the way. It names
// the culprit when a parent of the path is not a directory. A symbolic
// link is left to resolve and open; other problems (permissions, a full
// disk) show when the path is opened.
func checkLogPath(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, syscall.ENOTDIR) {
		for dir := filepath.Dir(path); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", dir)
			}
		}
	}
	if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
		return nil
	}
	switch {
	case fi.IsDir():
		return errors.New("the path is a directory")
	case !fi.Mode().IsRegular():
		return fmt.Errorf("the path is not a regular file (%s)", fi.Mode().Type())
	}
	return nil
}

// endsWithNewline reports whether f, size bytes long, ends with a
// newline; false when it cannot tell.
func endsWithNewline(f *os.File, size int64) bool {
	var last [1]byte
	_, err := f.ReadAt(last[:], size-1)
	return err == nil && last[0] == '\n'
}
