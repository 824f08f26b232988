package core

// How file output works.
//
// DYN_LOGGING_FILE, or else path in the TOML [file] table, sends the lines
// to a file instead of stderr (WithOutput wins over both); the other [file]
// keys apply to either path. "stdout" or "/dev/stdout" (and "stderr",
// "/dev/stderr") name the stream itself, which is written to as it is,
// not rotated. The file is rotated through lumberjack when a
// line would take it past max_size_mb (default 100; a longer line gets a
// file of its own) and, with rotate_daily = true, at every local midnight.
// A backup keeps the name with the rotation time inserted
// (worker-2025-09-02T16-38-06.656.log; local time with local_tz or
// DYN_LOG_USE_LOCAL_TZ, else UTC); max_backups (0: all) and max_age_days
// (0: forever) bound how many are kept, and compress gzips them. Each line
// reaches the file in one write under a lock, so lines are never torn or
// interleaved and rotation falls between lines; rotations are kept a
// millisecond apart, since lumberjack names backups to the millisecond and
// would overwrite one. A path that exists but is not a regular file (a
// directory, a device) is refused rather than renamed by rotation.
//
// Every logger of the process that names one file (Init's and New's, or
// two New calls; a symbolic or hard link to it counts as the same file)
// writes through one shared output, which alone counts the size and
// rotates, so no line is lost or torn at a rotation. The first logger's
// [file] settings hold for the file; a later logger with other settings is
// told so on its error output. Between processes the file is guarded by a
// lock (flock) on PATH.lock beside it, which holds the owner's process ID:
// a second process naming the file is refused it with one line, "dynlog:
// cannot open PATH: process 1234 logs to it (it holds PATH.lock); …",
// writes to stderr meanwhile, and takes the file over by itself once the
// owner closes it or exits. Give each process a file of its own (the rank
// or pid in DYN_LOGGING_FILE) to have them log side by side. Where there is
// no flock (outside Unix) there is no lock either.
//
// Close(log) closes the file of a logger New made (and of every logger
// derived from it); the file itself, with its rotation timer and
// lumberjack's cleanup goroutine (which lumberjack never stops), is closed
// when the last logger naming it is closed, or garbage collected, and
// PATH.lock is removed then. Shutdown closes the file of Init's logger only;
// lines a logger writes after its Close go to stderr.
//
// A file that cannot be opened or written (a directory that cannot be
// made, a path that is a directory, a full disk, the lock held by another
// process) is reported once on the error output with its path and the
// cause, and that line and every later one go to stderr: nothing is
// dropped. The part of a line the disk took is cut from the file, so it
// ends with a whole line. The file is tried again by the writes
// themselves, after 100 ms and then twice as long each time up to 5 s, and
// on SIGHUP (ReloadOnSIGHUP, which Init turns on) and at a rotation; the
// first line the file takes again says "dynlog: writing to PATH again".
// However many retries and SIGHUPs fall within one outage, it is reported
// once and its end once. At most once a second a write also checks that
// the path still names the open file: if the file or its directory was
// removed, or the file renamed, without a SIGHUP, the directory (0o755, as
// lumberjack makes it) and the file are made again, the lines written to a
// removed file since the last check are copied into the new one (a
// renamed file keeps its own), and one line says what happened: "dynlog:
// PATH was removed; recreated it". Sync fsyncs the file.

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"syscall"
	"time"
	"unsafe"

	"go.uber.org/zap/zapcore"
	"gopkg.in/natefinch/lumberjack.v2"
)

// defaultMaxSizeMB is the size at which the log file is rotated when
// max_size_mb is 0 or not set: lumberjack's own default.
const defaultMaxSizeMB = 100

// lumberjackNoLimitMB is the MaxSize fileSink gives lumberjack, so that
// lumberjack never rotates on its own: fileSink decides when (see
// fileSink.Write).
const lumberjackNoLimitMB = 1 << 30

var (
	_ zapcore.WriteSyncer = (*fileSink)(nil)
	_ io.Closer           = (*fileSink)(nil)
)

// errSinkClosed is what Rotate and Reopen return after Close.
var errSinkClosed = errors.New("dynlog: the log file is closed")

// fileSinkConfig says where a fileSink writes and how it rotates. The
// settings come from DYN_LOGGING_FILE and the TOML [file] table
// (config.fileOutput); the hooks are for tests.
type fileSinkConfig struct {
	path        string
	maxBytes    int64 // rotate before a line that would take the file past this
	maxBackups  int   // 0 keeps every backup
	maxAgeDays  int   // 0 removes none by age
	compress    bool
	rotateDaily bool // rotate at local midnight
	localTime   bool // backup names in local time rather than UTC

	// errorOutput hears of failures and recoveries: the config's error
	// output. fallback takes the lines while the file cannot: stderr.
	errorOutput, fallback zapcore.WriteSyncer
	// now and newTimer drive the daily rotation; time.Now and time.NewTimer
	// when nil.
	now      func() time.Time
	newTimer func(time.Duration) (fired <-chan time.Time, stop func() bool)
	// checkEvery is how often a write looks whether the path still names
	// the open file (defaultCheckEvery when 0); retryMin and retryMax bound
	// the wait between attempts to leave stderr (defaultRetryMin, Max).
	checkEvery, retryMin, retryMax time.Duration
}

// The intervals of a fileSink's checks and retries: short enough that a
// removed file or a passing fault costs seconds of lines on stderr at most,
// long enough that the stat or open they cost is nothing beside the writes.
const (
	defaultCheckEvery = time.Second
	defaultRetryMin   = 100 * time.Millisecond
	defaultRetryMax   = 5 * time.Second
)

// sinkState is where a fileSink's lines go.
type sinkState int

const (
	sinkToFile   sinkState = iota // the log file
	sinkToStderr                  // stderr, after the file failed, until a retry, Reopen or Rotate succeeds
	sinkClosed                    // stderr, for good
)

// fileSink is the file output of New: a zapcore.WriteSyncer that writes
// each line to a file through lumberjack, with one Write per line under one
// mutex, so lines are never split or interleaved, and rotation happens
// between lines, never inside one. The loggers of a process that name one
// path share one fileSink (see sinkRegistry), and the sink holds a lock on
// PATH.lock so that no other process writes and rotates the same file.
//
// When the file cannot be opened or written, fileSink says so once on the
// error output (path and cause) and writes that line and every later one to
// stderr; nothing is dropped. It tries the file again from Write, after
// retryMin and then twice as long each time up to retryMax, and Reopen (what
// SIGHUP does) and Rotate try it too; the first line the file takes again
// says "writing to PATH again". However many attempts fail in between, the
// outage is reported once.
//
// Every checkEvery, Write also looks whether the path still names the open
// file. If the file or its directory was removed, or the file renamed,
// without a SIGHUP, the sink opens the path again (making the directory),
// copies the lines it wrote since the last look into the new file when the
// old one is gone for good, and says what happened in one line.
//
// Close stops the daily timer and lumberjack's backup goroutine, closes the
// file and lets go of the lock; after Close lines go to stderr.
type fileSink struct {
	cfg         fileSinkConfig // as given, for comparing with a later logger's
	path        string
	maxBytes    int64
	lj          *lumberjack.Logger
	errorOutput zapcore.WriteSyncer
	fallback    zapcore.WriteSyncer
	now         func() time.Time
	newTimer    func(time.Duration) (<-chan time.Time, func() bool)
	checkEvery  time.Duration
	retryMin    time.Duration
	retryMax    time.Duration
	// born is the monotonic origin of nextCheck and retryAt.
	born time.Time

	mu    sync.Mutex
	state sinkState
	// outage is true from a failure until a line reaches the file again:
	// the failure and the recovery are reported once each, whatever
	// happens in between.
	outage bool
	// size counts the bytes of the live file, since lumberjack keeps its
	// count to itself.
	size int64
	// lastRotation is when the last rotation ended; see waitNextMillisecond.
	lastRotation time.Time

	// lock is the descriptor holding the lock on PATH.lock; nil when not
	// held (and on systems without flock).
	lock *os.File
	// watch is a read-only descriptor of the live file: its identity (ident)
	// tells whether the path still names it, and it reads back the lines
	// written to it after it was removed. checked is the size of the file
	// at the last look that found it in place; nextCheck is when the next
	// look is due.
	watch     *os.File
	ident     os.FileInfo
	checked   int64
	nextCheck time.Duration
	// retryAt is when Write tries the file again while lines go to
	// stderr; retryWait is the wait after the next failure.
	retryAt, retryWait time.Duration

	// reporters are the error outputs of the loggers sharing the sink, the
	// first opened first; reports go to the first. Empty for a sink made by
	// newFileSink alone, which reports to errorOutput.
	reporters []*fileRef
	// refs counts the open handles; guarded by the registry's mutex.
	refs int

	stopDaily chan struct{} // closed by Close; nil without daily rotation
	dailyDone chan struct{} // closed when the daily goroutine has returned
}

// newFileSink opens the file cfg names, or reports why it cannot and falls
// back to stderr, and starts the daily rotation if asked for. It does not
// fail: a file that cannot be written is a problem a logger lives with.
func newFileSink(cfg fileSinkConfig) *fileSink {
	s := &fileSink{
		cfg:      cfg,
		path:     cfg.path,
		maxBytes: cfg.maxBytes,
		lj: &lumberjack.Logger{
			Filename:   cfg.path,
			MaxSize:    lumberjackNoLimitMB,
			MaxBackups: cfg.maxBackups,
			MaxAge:     cfg.maxAgeDays,
			Compress:   cfg.compress,
			LocalTime:  cfg.localTime,
		},
		errorOutput: cfg.errorOutput,
		fallback:    cfg.fallback,
		now:         cfg.now,
		newTimer:    cfg.newTimer,
		checkEvery:  cmp.Or(cfg.checkEvery, defaultCheckEvery),
		retryMin:    cmp.Or(cfg.retryMin, defaultRetryMin),
		retryMax:    cmp.Or(cfg.retryMax, defaultRetryMax),
		born:        time.Now(),
	}
	if s.maxBytes <= 0 {
		s.maxBytes = defaultMaxSizeMB << 20
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

	if cfg.rotateDaily {
		s.stopDaily, s.dailyDone = make(chan struct{}), make(chan struct{})
		go s.rotateDaily()
	}
	return s
}

// Write writes p, one whole line as zap's core hands it over, to the file,
// rotating first if p would take the file past its size; a line longer
// than the size gets a file of its own. If the file fails, p goes to stderr
// whole, and so do later lines until the file works again.
func (s *fileSink) Write(p []byte) (int, error) {
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
		if _, err := s.fallback.Write(p); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// writeFile writes p to the live file. On a failure it cuts the part of p
// the file took, moves the sink to stderr (reporting the outage if it is a
// new one) and returns the error; p is the caller's to send elsewhere. The
// first success after an outage reports the file back. s.mu is held.
func (s *fileSink) writeFile(p []byte) error {
	n, err := s.lj.Write(p)
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
		s.report("dynlog: writing to " + s.path + " again")
	}
	return nil
}

// cutPartialLine removes the n bytes of a line the file took only part of
// (a full disk, a file size limit), so that the file ends with a whole
// line; the line itself goes to stderr. If the file is not as long as
// expected, something else writes to it too, and it is left alone: open
// ends a partial line with a newline when the file is reopened.
func (s *fileSink) cutPartialLine(n int64) {
	if fi, err := os.Stat(s.path); err == nil && fi.Size() == s.size+n {
		if os.Truncate(s.path, s.size) == nil {
			return
		}
	}
	s.size += n
}

// check looks whether the path still names the live file. If not (the file
// or its directory was removed, or the file renamed), it opens the path
// again and says so in one line. Lines written to a removed file since the
// last look would be lost with it: they are copied into the new file, or to
// stderr if the path cannot be opened. A renamed file keeps its lines.
// s.mu is held and the sink writes to the file.
func (s *fileSink) check(now time.Duration) {
	s.nextCheck = now + s.checkEvery
	fi, statErr := os.Stat(s.path)
	if statErr == nil && s.ident != nil && os.SameFile(fi, s.ident) {
		s.checked = s.size
		return
	}
	how, from, lost := "renamed", s.checked, int64(0)
	if s.watch != nil && isUnlinked(s.watch) {
		how, lost = "removed", s.size-from
	}
	var old *os.File
	if lost > 0 {
		// Keep the removed file readable past reopen, which closes watch.
		old, s.watch = s.watch, nil
		defer old.Close()
	}
	if err := s.reopen(); err != nil {
		s.fail("cannot recreate", err)
		if old != nil {
			s.salvage(old, from, lost, false)
		}
		return
	}
	did := "reopened"
	if errors.Is(statErr, fs.ErrNotExist) {
		did = "recreated"
	}
	if old != nil {
		s.salvage(old, from, lost, true)
		s.checked = s.size
	}
	s.report(fmt.Sprintf("dynlog: %s was %s; %s it", s.path, how, did))
}

// salvage copies n bytes of old from off to the live file, or to stderr
// when toFile is false or the file fails, in chunks that end with a line so
// that a failure splits none. s.mu is held.
func (s *fileSink) salvage(old *os.File, off, n int64, toFile bool) {
	buf := make([]byte, min(n, 1<<20))
	for n > 0 {
		k, err := old.ReadAt(buf[:min(n, int64(len(buf)))], off)
		if k == 0 {
			if err != nil {
				s.report(fmt.Sprintf("dynlog: cannot read back the lines written to the removed %s: %s", s.path, err))
			}
			return
		}
		chunk := buf[:k]
		if i := bytes.LastIndexByte(chunk, '\n'); i >= 0 && int64(k) < n {
			chunk = chunk[:i+1]
		}
		if toFile && s.writeFile(chunk) != nil {
			toFile = false
		}
		if !toFile {
			if _, err := s.fallback.Write(chunk); err != nil {
				return
			}
		}
		off += int64(len(chunk))
		n -= int64(len(chunk))
	}
}

// Sync flushes the live file to stable storage, or syncs stderr while lines
// go there. lumberjack writes straight through to the file, so every line
// Write returned for is already visible to readers.
func (s *fileSink) Sync() error {
	s.mu.Lock()
	if s.state != sinkToFile {
		defer s.mu.Unlock()
		return s.fallback.Sync()
	}
	// Open under the lock, so that the file is the live one; fsync outside,
	// so that writers do not wait for the disk. fsync flushes the file,
	// whichever descriptor asks.
	f, err := os.Open(s.path)
	s.mu.Unlock()
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Rotate moves the live file aside as a backup and starts a new one, as the
// size limit and the daily rotation do. While lines go to stderr it is a
// way back to the file. A failure is reported on the error output, once
// per outage, and returned.
func (s *fileSink) Rotate() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == sinkClosed {
		return errSinkClosed
	}
	err := s.rotate()
	s.settle("cannot rotate", err)
	return err
}

// Reopen closes the file and opens the path again, appending: what a
// program does on SIGHUP, after logrotate moved the file away or once the
// disk has room again. While lines go to stderr it is a way back to the
// file. A failure is reported on the error output, once per outage, and
// returned.
func (s *fileSink) Reopen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == sinkClosed {
		return errSinkClosed
	}
	err := s.reopen()
	s.settle("cannot reopen", err)
	return err
}

// Close closes the file, lets go of the lock and stops the goroutines the
// sink started: the daily rotation and lumberjack's backup goroutine (see
// stopMill). Lines written after Close go to stderr.
func (s *fileSink) Close() error {
	s.mu.Lock()
	if s.state == sinkClosed {
		s.mu.Unlock()
		return nil
	}
	s.state = sinkClosed
	err := s.closeFile()
	stopMill(s.lj)
	if s.lock != nil {
		err = errors.Join(err, unlockFile(s.lock, lockPath(s.path)))
		s.lock = nil
	}
	s.mu.Unlock()

	// Outside the lock: the daily goroutine may be waiting for it in Rotate.
	if s.stopDaily != nil {
		close(s.stopDaily)
		<-s.dailyDone
	}
	return err
}

// writeFallback writes p to stderr, under the sink's lock like every other
// write there: the line of a logger whose handle was closed.
func (s *fileSink) writeFallback(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fallback.Write(p)
}

// open opens the live file for appending, as lumberjack would on its next
// write, so that a failure shows now rather than at the first line. It
// makes the directory (0o755, as lumberjack does) and takes the lock on
// PATH.lock first. s.mu is held and no file is open.
func (s *fileSink) open() error {
	if err := checkLogPath(s.path); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(s.path), 0o755); err != nil {
		return err
	}
	if err := s.holdLock(); err != nil {
		return err
	}
	if _, err := s.lj.Write(nil); err != nil {
		return err
	}
	if err := s.watchFile(); err != nil {
		return err
	}
	s.size = s.ident.Size()
	if s.size > 0 && !endsWithNewline(s.watch, s.size) {
		// A line this process or an earlier one could write only part of;
		// end it, so that the next line starts on its own.
		n, err := s.lj.Write([]byte("\n"))
		s.size += int64(n)
		if err != nil {
			return err
		}
	}
	s.checked = s.size
	return nil
}

// reopen closes the live file and opens the path again. s.mu is held.
func (s *fileSink) reopen() error {
	closeErr := s.closeFile()
	if err := s.open(); err != nil {
		return err
	}
	return closeErr
}

// closeFile closes lumberjack's file and watch. s.mu is held.
func (s *fileSink) closeFile() error {
	err := s.lj.Close()
	if s.watch != nil {
		_ = s.watch.Close() // read-only: nothing to lose
		s.watch, s.ident = nil, nil
	}
	return err
}

// watchFile opens watch on the file lumberjack has just opened and notes
// its identity; the next look is due checkEvery from now. s.mu is held.
func (s *fileSink) watchFile() error {
	if s.watch != nil {
		_ = s.watch.Close()
		s.watch, s.ident = nil, nil
	}
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	s.watch, s.ident = f, fi
	s.nextCheck = time.Since(s.born) + s.checkEvery
	return nil
}

// holdLock makes sure the sink holds the lock on PATH.lock, taking it
// again if the lock file was removed (with its directory, say) since the
// sink took it. s.mu is held.
func (s *fileSink) holdLock() error {
	path := lockPath(s.path)
	if s.lock != nil {
		if fi, err := os.Stat(path); err == nil && sameOpenFile(s.lock, fi) {
			return nil
		}
		_ = s.lock.Close() // the file is gone: so is the lock that matters
		s.lock = nil
	}
	f, err := lockFile(path)
	if err != nil {
		return err
	}
	s.lock = f
	return nil
}

// rotate has lumberjack move the live file aside and open a new one. s.mu
// is held.
func (s *fileSink) rotate() error {
	if err := checkLogPath(s.path); err != nil {
		return err
	}
	waitNextMillisecond(s.lastRotation)
	err := s.lj.Rotate()
	s.lastRotation = time.Now()
	if err != nil {
		return err
	}
	s.size, s.checked = 0, 0
	return s.watchFile()
}

// waitNextMillisecond returns once the wall clock has left the millisecond
// of last. lumberjack names a backup after the rotation time to the
// millisecond and renames over a backup of the same name, so two rotations
// in one millisecond (small files, fast writers) would lose a whole file.
func waitNextMillisecond(last time.Time) {
	for {
		wait := time.Until(time.UnixMilli(last.UnixMilli() + 1))
		if wait <= 0 {
			return
		}
		time.Sleep(wait)
	}
}

// settle moves the sink between the file and stderr after Rotate or
// Reopen: to stderr when err is not nil, back to the file when it is. The
// return is reported by the first line the file takes (writeFile). s.mu is
// held.
func (s *fileSink) settle(doing string, err error) {
	switch {
	case err != nil:
		s.fail(doing, err)
	case s.state == sinkToStderr:
		s.state = sinkToFile
	}
}

// fail sends the lines to stderr after an attempt to open, write or rotate
// failed, and says so on the error output if the file was working until
// now: one report per outage, however many attempts fail in it. The next
// attempt from Write is due after retryWait, which doubles up to retryMax.
// s.mu is held.
func (s *fileSink) fail(doing string, err error) {
	if s.state == sinkClosed {
		return
	}
	s.state = sinkToStderr
	if !s.outage {
		s.outage = true
		s.retryWait = 0
		s.report(fmt.Sprintf("dynlog: %s %s: %s; writing log lines to stderr and retrying the file",
			doing, s.path, s.cause(err)))
	}
	s.retryWait = min(max(2*s.retryWait, s.retryMin), s.retryMax)
	s.retryAt = time.Since(s.born) + s.retryWait
}

// cause words err without repeating the path the report already names.
func (s *fileSink) cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == s.path {
		return pe.Err.Error()
	}
	return err.Error()
}

// report writes one line to the error output of the first logger that
// opened the sink and is still open, or to the sink's own. s.mu is held.
func (s *fileSink) report(line string) {
	out := s.errorOutput
	if len(s.reporters) > 0 {
		out = s.reporters[0].errorOutput
	}
	_, _ = out.Write([]byte(line + "\n"))
}

// rotateDaily rotates the file at every local midnight (of the zone s.now
// reports in) until Close.
func (s *fileSink) rotateDaily() {
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

// checkLogPath refuses a path that exists and is not a regular file:
// lumberjack, failing to open a directory, would rename it out of the way
// and create a file in its place, and rotation would rename a device. It
// names the culprit when a parent of the path is not a directory. Other
// problems (permissions, a full disk) show when lumberjack opens the path.
func checkLogPath(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, syscall.ENOTDIR) {
		for dir := filepath.Dir(path); dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
			if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", dir)
			}
		}
	}
	if err != nil {
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

// stopMill ends lumberjack's mill goroutine, which removes and compresses
// backups after each rotation. lumberjack v2.2.1 starts it when it first
// opens a file and never stops it: Logger.Close closes the file only, and
// the goroutine waits on the unexported channel millCh for the life of the
// process, one per Logger. stopMill closes that channel, which ends the
// goroutine's loop (after the cleanup it may be running finishes). The
// Logger must not open or rotate a file afterwards, since that sends on
// the channel: a closed fileSink never calls it again. stopMill reports
// false, and does nothing, if the field is not there as v2.2.1 has it; a
// test pins that, so a lumberjack upgrade that changes it is noticed.
func stopMill(l *lumberjack.Logger) bool {
	f := reflect.ValueOf(l).Elem().FieldByName("millCh")
	if !f.IsValid() || f.Type() != reflect.TypeFor[chan bool]() {
		return false
	}
	ch := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface().(chan bool)
	if ch != nil { // nil: no file was ever opened, no goroutine started
		close(ch)
	}
	return true
}
