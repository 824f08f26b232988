package logfile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dynlog/dynlog/internal/rotname"
)

// MaxLineSize is the longest line a Reader holds in memory, 16 MiB. Longer
// lines are cut to it and marked TooLong.
const MaxLineSize = 16 << 20

// StdinName is the file name of lines read from stdin (given as "-" or as
// no file at all).
const StdinName = "<stdin>"

// Line is one line of input.
type Line struct {
	// File is the name the file was given by, StdinName for stdin.
	File string
	// Number is the line's 1-based number in File.
	Number int
	// Bytes is the line without its "\n" or "\r\n", exactly as read
	// otherwise. It is valid only until the next call to Next: copy it to
	// keep it.
	Bytes []byte
	// TooLong reports that the line was longer than MaxLineSize: Bytes
	// holds its first MaxLineSize bytes and the rest was skipped.
	TooLong bool
}

// Reader reads lines from one stream or from many files in turn. It is
// not safe for concurrent use.
type Reader struct {
	ctx   context.Context
	cfg   config
	max   int // MaxLineSize; smaller in tests
	names []string
	stdin io.Reader
	one   io.Reader // NewReader's stream, until opened
	cur   *stream
	line  Line
	errs  []error
	// drained is the followed file last read to its end after it was
	// rotated away; the backups rotated after it are read before the
	// followed name is opened again.
	drained os.FileInfo
	// waitedSince is when the Reader began to wait for the followed file
	// to exist; the backups written since, rotated before the Reader saw
	// the file, are read first.
	waitedSince time.Time
}

// stream is the input being read.
type stream struct {
	name    string
	br      *bufio.Reader
	file    *os.File // nil for stdin and NewReader's stream
	info    os.FileInfo
	number  int   // lines handed out
	offset  int64 // bytes consumed, to notice truncation
	partial []byte
	tooLong bool
	backup  bool   // a rotated file read to its end on the way to the followed one
	mark    []byte // of a followed file: the bytes before markAt (see wait)
	markAt  int64
}

// Open returns a Reader over the named files in order; "-" is stdin, and no
// names at all means stdin alone. Files are opened one at a time, as the
// Reader reaches them. ctx ends following (WithFollow); without WithFollow
// it is only checked between lines.
func Open(ctx context.Context, names []string, stdin io.Reader, opts ...Option) *Reader {
	if len(names) == 0 {
		names = []string{"-"}
	}
	return &Reader{ctx: ctx, cfg: newConfig(opts), max: MaxLineSize, names: names, stdin: stdin}
}

// NewReader returns a Reader over r alone, its lines carrying the file name
// name. It never follows: WithFollow needs a file Open can reopen.
func NewReader(name string, r io.Reader, opts ...Option) *Reader {
	cfg := newConfig(opts)
	cfg.follow = 0
	return &Reader{ctx: context.Background(), cfg: cfg, max: MaxLineSize, names: []string{name}, one: r}
}

// Next advances to the next line, which Line then returns. It returns false
// when the input is exhausted (or, when following, the context is done).
func (r *Reader) Next() bool {
	for {
		if r.ctx.Err() != nil {
			return r.flushPartial()
		}
		if r.cur == nil && !r.openNext() {
			return false
		}
		s := r.cur
		line, err := s.readLine(r.max)
		if err == nil {
			r.emit(line)
			return true
		}
		if err != io.EOF {
			r.fail(fmt.Errorf("read %s: %w", s.name, err))
		} else if r.following() {
			if r.rotated() {
				// The old file is read to its end: hand out its last
				// line, then the backups after it, then the new file.
				r.drained = s.info
				if fi, err := s.file.Stat(); err == nil {
					r.drained = fi // its last modification time too
				}
				r.names = []string{s.name}
			} else if r.wait() {
				continue
			} else {
				return r.flushPartial()
			}
		} else if s.backup {
			r.drained = s.info
		}
		if len(s.partial) > 0 || s.tooLong {
			r.emit(s.takePartial())
			r.close()
			return true
		}
		r.close()
	}
}

// Line returns the line Next advanced to.
func (r *Reader) Line() Line { return r.line }

// Err returns the errors of files that could not be opened or read, joined;
// nil if there were none. Reading went on past each.
func (r *Reader) Err() error { return errors.Join(r.errs...) }

// Close closes the file being read, if any. A Reader that Next has run to
// its end is already closed.
func (r *Reader) Close() error {
	r.close()
	r.names = nil
	return nil
}

func (r *Reader) emit(line []byte) {
	s := r.cur
	s.number++
	tooLong := s.tooLong
	s.tooLong = false
	if n := len(line); !tooLong && n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	r.line = Line{File: s.name, Number: s.number, Bytes: line, TooLong: tooLong}
}

// flushPartial hands out the unterminated last line of a followed file once
// following ends.
func (r *Reader) flushPartial() bool {
	if r.cur == nil {
		return false
	}
	if len(r.cur.partial) > 0 || r.cur.tooLong {
		r.emit(r.cur.takePartial())
		return true
	}
	r.close()
	r.names = nil
	return false
}

func (r *Reader) following() bool {
	return r.cfg.follow > 0 && r.cur.file != nil && len(r.names) == 0
}

func (r *Reader) fail(err error) {
	r.errs = append(r.errs, err)
	if r.cfg.onError != nil {
		r.cfg.onError(err)
	}
}

func (r *Reader) close() {
	if r.cur != nil && r.cur.file != nil {
		r.cur.file.Close()
	}
	r.cur = nil
}

// openNext opens the next input, skipping those that fail to open.
func (r *Reader) openNext() bool {
	for len(r.names) > 0 {
		name := r.names[0]
		r.names = r.names[1:]
		switch {
		case r.one != nil:
			r.cur = newStream(name, r.one, nil)
			r.one = nil
			return true
		case name == "-":
			in := r.stdin
			if in == nil {
				in = eofReader{}
			}
			r.cur = newStream(StdinName, in, nil)
			return true
		}
		followed := r.cfg.follow > 0 && len(r.names) == 0
		if followed && r.drained == nil && !r.waitedSince.IsZero() {
			if _, err := os.Stat(name); err == nil {
				since := r.waitedSince
				r.waitedSince = time.Time{}
				if b := firstBackupSince(name, since); b != "" {
					r.names = []string{name}
					r.openBackup(b)
					return true
				}
			}
		}
		if followed && r.drained != nil {
			if b := nextBackup(name, r.drained); b != "" {
				r.names = []string{name}
				if !r.openBackup(b) {
					r.drained = nil // gone (pruned): on to the followed file
				}
				return true
			}
		}
		f, err := os.Open(name)
		if err != nil {
			if followed && errors.Is(err, fs.ErrNotExist) {
				// Not there yet, or between a rename and the new file:
				// wait for it, as tail -F does.
				r.names = []string{name}
				if r.waitedSince.IsZero() {
					r.waitedSince = time.Now()
				}
				if !r.sleep() {
					r.names = nil
					return false
				}
				continue
			}
			r.fail(err)
			continue
		}
		s := newStream(name, f, f)
		if s.info, err = f.Stat(); err == nil && s.info.IsDir() {
			f.Close()
			r.fail(fmt.Errorf("read %s: is a directory", name))
			continue
		}
		if followed && r.drained != nil && s.info != nil {
			// A rotation between the look for backups and the open
			// leaves a backup after the drained file that is not f:
			// read it first.
			if b := nextBackup(name, r.drained); b != "" {
				if bi, err := os.Stat(b); err == nil && !os.SameFile(bi, s.info) {
					f.Close()
					r.names = []string{name}
					if !r.openBackup(b) {
						r.drained = nil
					}
					return true
				}
			}
		}
		r.drained = nil
		r.cur = s
		return true
	}
	return false
}

// openBackup opens the rotated file path, to be read to its end and not
// followed: a gzipped backup (NAME-TIME.EXT.gz) through gzip, and a plain
// one that was gzipped since it was listed in its .gz form. It returns
// false, with an empty stream in its place, when the file is gone or is
// not gzip (reported).
func (r *Reader) openBackup(path string) bool {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) && !strings.HasSuffix(path, gzipSuffix) {
		path += gzipSuffix
		f, err = os.Open(path)
	}
	if err != nil {
		r.cur = newStream(path, eofReader{}, nil)
		return false
	}
	var in io.Reader = f
	if strings.HasSuffix(path, gzipSuffix) {
		zr, err := gzip.NewReader(f)
		if err != nil {
			f.Close()
			r.fail(fmt.Errorf("read %s: %w", path, err))
			r.cur = newStream(path, eofReader{}, nil)
			return false
		}
		in = zr
	}
	s := newStream(path, in, f)
	s.info, _ = f.Stat()
	s.backup = true
	r.cur = s
	return true
}

// rotated reports whether the followed file's name now names another file:
// the file being read was renamed away (and is read to its end, so the
// caller moves on).
func (r *Reader) rotated() bool {
	s := r.cur
	info, err := os.Stat(s.name)
	return err == nil && s.info != nil && !os.SameFile(info, s.info)
}

// gzipSuffix ends the name of a compressed backup: NAME-TIME.EXT.gz.
const gzipSuffix = rotname.CompressSuffix

// backupsOf returns the backups of the followed file name in lumberjack's
// naming, which dynlog's file output writes (internal/rotname), oldest
// first (see nextBackup): NAME-TIME.EXT, or NAME-TIME.EXT.gz once
// compressed; a file beside it whose name only looks like one
// (NAME-debug.EXT) is none. A backup being compressed is listed in its
// plain form only, which is whole until it is removed. The times are read
// as UTC, which orders local-time names as well: both sort as they run.
func backupsOf(name string) []string {
	found, err := rotname.List(name, time.UTC)
	if err != nil {
		return nil
	}
	dir := filepath.Dir(name)
	var backups []string // a plain backup comes before its .gz
	for _, b := range found {
		path := filepath.Join(dir, b.Name)
		if b.Compressed() && len(backups) > 0 && backups[len(backups)-1] == strings.TrimSuffix(path, gzipSuffix) {
			continue
		}
		backups = append(backups, path)
	}
	return backups
}

// firstBackupSince returns the oldest backup of name last written at or
// after since, "" if there is none.
func firstBackupSince(name string, since time.Time) string {
	for _, b := range backupsOf(name) {
		if info, err := os.Stat(b); err == nil && !info.ModTime().Before(since) {
			return b
		}
	}
	return ""
}

// nextBackup returns the backup rotated right after the file drained, in
// the naming of lumberjack (and so of dynlog's file output, core/output): NAME-TIME.EXT
// beside NAME.EXT, TIME sorting as it runs. It returns "" when drained is
// not among those backups or is the last of them.
func nextBackup(name string, drained os.FileInfo) string {
	backups := backupsOf(name)
	for i := len(backups) - 1; i >= 0; i-- {
		if info, err := os.Stat(backups[i]); err == nil && sameBackup(backups[i], info, drained) {
			if i+1 < len(backups) {
				return backups[i+1]
			}
			return ""
		}
	}
	return ""
}

// sameBackup reports whether the backup at path (info) holds the drained
// file: it is that file, or its gzipped form, which keeps its modification
// time (core/output's compression, as gzip(1)).
func sameBackup(path string, info, drained os.FileInfo) bool {
	if os.SameFile(info, drained) {
		return true
	}
	return strings.HasSuffix(path, gzipSuffix) && !drained.ModTime().IsZero() &&
		info.ModTime().Equal(drained.ModTime())
}

// sleep sleeps one poll interval; false when the context is done first.
func (r *Reader) sleep() bool {
	t := time.NewTimer(r.cfg.follow)
	defer t.Stop()
	select {
	case <-r.ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// markSize is how many of the last bytes read a followed file is known by:
// if they change, the file was truncated and written again.
const markSize = 256

// wait sleeps one poll interval, then notices truncation of the followed
// file (Next notices rotation): the file is shorter than what was read, or
// the last bytes read are no longer there. The lines written between the
// last read and a copytruncate rotation are read from the copy, found
// beside the file by those last bytes; then the file from its start. It
// returns false when the context is done.
func (r *Reader) wait() bool {
	s := r.cur
	if s.markAt != s.offset {
		s.mark, s.markAt = readMark(s.file, s.offset), s.offset
	}
	if !r.sleep() {
		return false
	}
	info, err := s.file.Stat()
	if err != nil {
		return true
	}
	if info.Size() >= s.offset && (s.mark == nil || bytes.Equal(readMark(s.file, s.offset), s.mark)) {
		return true
	}
	if cp := findCopy(s); cp != nil {
		r.cur, r.names = cp, []string{s.name}
		s.file.Close()
		return true
	}
	if _, err := s.file.Seek(0, io.SeekStart); err == nil {
		s.br.Reset(s.file)
		s.offset, s.number, s.partial, s.tooLong, s.mark, s.markAt = 0, 0, s.partial[:0], false, nil, 0
	}
	return true
}

// readMark returns the markSize bytes of f before offset (fewer at its
// start); nil if they cannot be read.
func readMark(f *os.File, offset int64) []byte {
	from := max(offset-markSize, 0)
	b := make([]byte, offset-from)
	if _, err := f.ReadAt(b, from); err != nil {
		return nil
	}
	return b
}

// findCopy finds the copy a copytruncate rotation made of the followed
// stream s: a file beside it whose name starts as its does, at least as
// long as what s read, with s's mark before that length (the newest, if
// several). It returns a stream over the copy from there, carrying s's
// unfinished line and line count; nil if there is none.
func findCopy(s *stream) *stream {
	if s.mark == nil || s.markAt != s.offset {
		return nil
	}
	dir, base := filepath.Split(s.name)
	stem := strings.TrimSuffix(base, filepath.Ext(base))
	entries, err := os.ReadDir(filepath.Clean(dir + "."))
	if err != nil {
		return nil
	}
	var best *os.File
	var bestInfo os.FileInfo
	for _, e := range entries {
		n := e.Name()
		if n == base || !strings.HasPrefix(n, stem) || !e.Type().IsRegular() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			continue
		}
		info, err := f.Stat()
		if err != nil || info.Size() < s.offset || !bytes.Equal(readMark(f, s.offset), s.mark) ||
			best != nil && !info.ModTime().After(bestInfo.ModTime()) {
			f.Close()
			continue
		}
		if best != nil {
			best.Close()
		}
		best, bestInfo = f, info
	}
	if best == nil {
		return nil
	}
	if _, err := best.Seek(s.offset, io.SeekStart); err != nil {
		best.Close()
		return nil
	}
	cp := newStream(best.Name(), best, best)
	cp.info, cp.offset, cp.number = bestInfo, s.offset, s.number
	cp.partial, cp.tooLong = s.partial, s.tooLong
	return cp
}

func newStream(name string, r io.Reader, f *os.File) *stream {
	return &stream{name: name, br: bufio.NewReaderSize(r, 64<<10), file: f}
}

// readLine returns the next complete line, without its "\n", or io.EOF (or
// a read error) with what it read of an unterminated line kept in partial.
func (s *stream) readLine(max int) ([]byte, error) {
	for {
		chunk, err := s.br.ReadSlice('\n')
		s.offset += int64(len(chunk))
		switch err {
		case nil:
			chunk = chunk[:len(chunk)-1]
			if len(s.partial) == 0 && !s.tooLong && len(chunk) <= max {
				return chunk, nil // no copy on the common path
			}
			s.add(chunk, max)
			return s.takePartial(), nil
		case bufio.ErrBufferFull:
			s.add(chunk, max)
		default:
			s.add(chunk, max)
			return nil, err
		}
	}
}

// add appends chunk to the partial line, up to max bytes in all.
func (s *stream) add(chunk []byte, max int) {
	if room := max - len(s.partial); len(chunk) > room {
		chunk = chunk[:room]
		s.tooLong = true
	}
	s.partial = append(s.partial, chunk...)
}

// takePartial returns the partial line and starts a new one. The returned
// bytes stay valid until the next read, as ReadSlice's do.
func (s *stream) takePartial() []byte {
	p := s.partial
	if cap(p) > 1<<20 {
		s.partial = nil // let a huge line's buffer go after its use
	} else {
		s.partial = p[:0:cap(p)]
	}
	return p
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
