package core

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
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
}

// sinkState is where a fileSink's lines go.
type sinkState int

const (
	sinkToFile   sinkState = iota // the log file
	sinkToStderr                  // stderr, after the file failed, until Reopen or Rotate succeeds
	sinkClosed                    // stderr, for good
)

// fileSink is the file output of DESIGN §11: a zapcore.WriteSyncer that
// writes each line to a file through lumberjack, with one Write per line
// under one mutex, so lines are never split or interleaved, and rotation
// happens between lines, never inside one.
//
// When the file cannot be opened or written, fileSink says so once on the
// error output (path and cause) and writes that line and every later one to
// stderr; nothing is dropped. A successful Reopen (what SIGHUP does) or
// Rotate (by hand or daily) brings the lines back to the file and says
// "writing to PATH again".
//
// Close stops the daily timer and lumberjack's backup goroutine; after
// Close lines go to stderr.
type fileSink struct {
	path        string
	maxBytes    int64
	lj          *lumberjack.Logger
	errorOutput zapcore.WriteSyncer
	fallback    zapcore.WriteSyncer
	now         func() time.Time
	newTimer    func(time.Duration) (<-chan time.Time, func() bool)

	mu    sync.Mutex
	state sinkState
	// size counts the bytes of the live file, since lumberjack keeps its
	// count to itself.
	size int64
	// lastRotation is when the last rotation ended; see waitNextMillisecond.
	lastRotation time.Time

	stopDaily chan struct{} // closed by Close; nil without daily rotation
	dailyDone chan struct{} // closed when the daily goroutine has returned
}

// newFileSink opens the file cfg names, or reports why it cannot and falls
// back to stderr, and starts the daily rotation if asked for. It does not
// fail: a file that cannot be written is a problem a logger lives with.
func newFileSink(cfg fileSinkConfig) *fileSink {
	s := &fileSink{
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
	s.settle("cannot open", s.open())
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
// whole, and so does every later line until Reopen or Rotate succeeds.
func (s *fileSink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != sinkToFile {
		return s.fallback.Write(p)
	}
	if s.size > 0 && s.size+int64(len(p)) > s.maxBytes {
		if err := s.rotate(); err != nil {
			s.settle("cannot rotate", err)
			return s.fallback.Write(p)
		}
	}
	n, err := s.lj.Write(p)
	if err != nil {
		if n > 0 {
			s.cutPartialLine(int64(n))
		}
		s.settle("cannot write to", err)
		if _, err := s.fallback.Write(p); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	s.size += int64(n)
	return n, nil
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
// way back to the file: on success they return to it. A failure is
// reported once on the error output, as a failed write is, and returned.
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
// disk has room again. While lines go to stderr it is the way back to the
// file. A failure is reported once on the error output and returned.
func (s *fileSink) Reopen() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == sinkClosed {
		return errSinkClosed
	}
	closeErr := s.lj.Close()
	err := s.open()
	s.settle("cannot reopen", err)
	if err != nil {
		return err
	}
	return closeErr
}

// Close closes the file and stops the goroutines the sink started: the
// daily rotation and lumberjack's backup goroutine (see stopMill). Lines
// written after Close go to stderr.
func (s *fileSink) Close() error {
	s.mu.Lock()
	if s.state == sinkClosed {
		s.mu.Unlock()
		return nil
	}
	s.state = sinkClosed
	err := s.lj.Close()
	stopMill(s.lj)
	s.mu.Unlock()

	// Outside the lock: the daily goroutine may be waiting for it in Rotate.
	if s.stopDaily != nil {
		close(s.stopDaily)
		<-s.dailyDone
	}
	return err
}

// open opens the live file for appending, as lumberjack would on its next
// write, so that a failure shows now rather than at the first line. s.mu
// is held.
func (s *fileSink) open() error {
	if err := checkLogPath(s.path); err != nil {
		return err
	}
	if _, err := s.lj.Write(nil); err != nil {
		return err
	}
	fi, err := os.Stat(s.path)
	if err != nil {
		return err
	}
	s.size = fi.Size()
	if s.size > 0 && !endsWithNewline(s.path, s.size) {
		// A line this process or an earlier one could write only part of;
		// end it, so that the next line starts on its own.
		n, err := s.lj.Write([]byte("\n"))
		s.size += int64(n)
		if err != nil {
			return err
		}
	}
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
	s.size = 0
	return nil
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

// settle moves the sink between the file and stderr after an attempt to
// open, write or rotate, and says so on the error output: once when the
// file fails, once when it works again. s.mu is held.
func (s *fileSink) settle(doing string, err error) {
	switch {
	case s.state == sinkToFile && err != nil:
		s.state = sinkToStderr
		s.report(fmt.Sprintf("dynlog: %s %s: %s; writing log lines to stderr until the file is reopened (SIGHUP) or rotated",
			doing, s.path, s.cause(err)))
	case s.state == sinkToStderr && err == nil:
		s.state = sinkToFile
		s.report("dynlog: writing to " + s.path + " again")
	}
}

// cause words err without repeating the path the report already names.
func (s *fileSink) cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == s.path {
		return pe.Err.Error()
	}
	return err.Error()
}

func (s *fileSink) report(line string) {
	_, _ = s.errorOutput.Write([]byte(line + "\n"))
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

// endsWithNewline reports whether the file at path, size bytes long, ends
// with a newline; false when it cannot tell.
func endsWithNewline(path string, size int64) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var last [1]byte
	_, err = f.ReadAt(last[:], size-1)
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

// fileOutput resolves the file output of New: the path from
// DYN_LOGGING_FILE, or else [file].path, and the rotation settings from
// [file]. ok is false when neither gives a path; rotation settings in [file]
// without a path are reported on the error output then, since they go
// unused.
func (c config) fileOutput(fc fileConfig) (cfg fileSinkConfig, ok bool) {
	var sec fileSection
	if fc.File != nil {
		sec = *fc.File
	}
	cfg.path = c.getenv("DYN_LOGGING_FILE")
	if cfg.path == "" && sec.Path != nil {
		cfg.path = *sec.Path
	}
	if cfg.path == "" {
		if from := fileSectionSource(fc); from != "" {
			c.warn(fmt.Sprintf("dynlog: [file] (from %s) has no path and DYN_LOGGING_FILE is not set; logging to stderr", from))
		}
		return fileSinkConfig{}, false
	}
	if sec.MaxSizeMB != nil {
		cfg.maxBytes = min(int64(*sec.MaxSizeMB), 1<<40) << 20 // 1 EiB: no overflow
	}
	if sec.MaxBackups != nil {
		cfg.maxBackups = *sec.MaxBackups
	}
	if sec.MaxAgeDays != nil {
		cfg.maxAgeDays = *sec.MaxAgeDays
	}
	cfg.compress = sec.Compress != nil && *sec.Compress
	cfg.rotateDaily = sec.RotateDaily != nil && *sec.RotateDaily
	cfg.localTime = c.localTZ(fc)
	cfg.errorOutput = c.errorOutput
	return cfg, true
}

// openFileSink opens the file output that DYN_LOGGING_FILE and [file]
// configure, or returns nil when they configure none. The sink falls back
// to stderr by itself when the file fails, so there is no error to return.
// The caller closes it (Close) when the logger is done with.
func (c config) openFileSink(fc fileConfig) *fileSink {
	cfg, ok := c.fileOutput(fc)
	if !ok {
		return nil
	}
	s := newFileSink(cfg)
	openSinks.Store(s, struct{}{})
	return s
}

// standardStream is the process's stdout or stderr when DYN_LOGGING_FILE
// (or else [file].path) names one of them: "stdout", "/dev/stdout",
// "stderr" or "/dev/stderr". Those are streams, not files to rotate (the
// file sink would refuse them as not regular files). nil otherwise.
func (c config) standardStream(fc fileConfig) *os.File {
	path := c.getenv("DYN_LOGGING_FILE")
	if path == "" && fc.File != nil && fc.File.Path != nil {
		path = *fc.File.Path
	}
	switch path {
	case "stdout", "/dev/stdout":
		return os.Stdout
	case "stderr", "/dev/stderr":
		return os.Stderr
	}
	return nil
}

// openSinks holds the files New opened and Shutdown has not closed: SIGHUP
// reopens them, Shutdown closes them.
var openSinks sync.Map // *fileSink -> struct{}

// reopenFileSinks reopens every open log file (SIGHUP).
func reopenFileSinks() {
	openSinks.Range(func(k, _ any) bool {
		_ = k.(*fileSink).Reopen() // a failure is reported by the sink
		return true
	})
}

// closeFileSinks closes every open log file (Shutdown); lines logged later
// go to stderr.
func closeFileSinks() error {
	var errs []error
	openSinks.Range(func(k, _ any) bool {
		openSinks.Delete(k)
		if err := k.(*fileSink).Close(); err != nil {
			errs = append(errs, err)
		}
		return true
	})
	return errors.Join(errs...)
}

// fileSectionSource names the first file, in key order, that set a key of
// [file]; "" if none did.
func fileSectionSource(fc fileConfig) string {
	var keys []string
	for k := range fc.Sources {
		if strings.HasPrefix(k, "file.") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return fc.Sources[keys[0]]
}
