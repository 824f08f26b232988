package logfile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
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
	// Length is how many bytes the line had before its "\n": len(Bytes),
	// or more when TooLong.
	Length int64
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
	// followed name is opened again. drainedFile, the file itself, is
	// held open meanwhile, so that no file made since (its .gz, a new
	// backup) can take its inode number and pass for it.
	drained     os.FileInfo
	drainedFile *os.File
	// seen holds the backups of the followed file (their names without
	// .gz) that were there when the Reader began to wait for the file to
	// exist; the others, rotated before the Reader saw the file, are read
	// first. nil when not waiting.
	seen map[string]bool
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
	skipped int64 // bytes of the partial line past the longest kept
	backup  bool  // a rotated file read to its end on the way to the followed one
	renamed bool  // a followed file seen renamed away, being read to its end
	// compressed: a NAME.gz named on the command line, read through gzip
	compressed bool
	mark       []byte // of a followed file: the bytes before markAt (see wait)
	markAt     int64
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
			r.setDrained(nil, nil)
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
			if s.backup {
				r.setDrained(s, s.info) // on to the backup after it
			}
		} else if r.following() {
			testHook("eof")
			if !s.renamed && r.rotated() {
				// Renamed away: the writer may have written more to it
				// between that end and the rename. Read on to its end.
				s.renamed = true
				continue
			}
			if s.renamed {
				// The old file is read to its end: hand out its last
				// line, then the backups after it, then the new file.
				info := s.info
				if fi, err := s.file.Stat(); err == nil {
					info = fi // its last modification time and size too
				}
				r.setDrained(s, info)
				r.names = []string{s.name}
			} else if r.wait() {
				continue
			} else {
				return r.flushPartial()
			}
		} else if s.backup {
			r.setDrained(s, s.info)
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
	r.setDrained(nil, nil)
	r.names = nil
	return nil
}

func (r *Reader) emit(line []byte) {
	s := r.cur
	s.number++
	tooLong, skipped := s.tooLong, s.skipped
	s.tooLong, s.skipped = false, 0
	if n := len(line); !tooLong && n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	r.line = Line{File: s.name, Number: s.number, Bytes: line, TooLong: tooLong, Length: int64(len(line)) + skipped}
}

// flushPartial hands out the unterminated last line of a followed file once
// following ends.
func (r *Reader) flushPartial() bool {
	if r.cur == nil {
		r.setDrained(nil, nil)
		return false
	}
	if len(r.cur.partial) > 0 || r.cur.tooLong {
		r.emit(r.cur.takePartial())
		return true
	}
	r.close()
	r.setDrained(nil, nil)
	r.names = nil
	return false
}

func (r *Reader) following() bool {
	return r.cfg.follow > 0 && r.cur.file != nil && !r.cur.compressed && len(r.names) == 0
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

// setDrained makes the file of s, read to its end, the drained one (see
// Reader.drained), taking its file from it; nil s forgets the drained
// file.
func (r *Reader) setDrained(s *stream, info os.FileInfo) {
	if r.drainedFile != nil {
		r.drainedFile.Close()
	}
	r.drained, r.drainedFile = nil, nil
	if s != nil && info != nil {
		r.drained, r.drainedFile = info, s.file
		s.file = nil
	}
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
		if strings.HasSuffix(name, gzipSuffix) {
			if r.openCompressed(name) {
				return true
			}
			continue
		}
		followed := r.cfg.follow > 0 && len(r.names) == 0
		if followed {
			if b, _ := r.backupBefore(name); b != "" {
				r.names = []string{name}
				r.seen = nil
				if !r.openBackup(b) {
					r.setDrained(nil, nil) // gone (pruned): on to the followed file
				}
				return true
			}
		}
		f, err := r.open(name)
		if err != nil {
			if followed && errors.Is(err, fs.ErrNotExist) {
				// Not there yet, or between a rename and the new file:
				// wait for it, as tail -F does.
				r.names = []string{name}
				if r.drained == nil && r.seen == nil {
					r.seen = backupSet(name)
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
		if followed && s.info != nil {
			// A rotation between the look for backups and the open
			// leaves a backup to read before the file that is not f:
			// read it first.
			if b, bi := r.backupBefore(name); b != "" && !os.SameFile(bi, s.info) {
				f.Close()
				r.names = []string{name}
				r.seen = nil
				if !r.openBackup(b) {
					r.setDrained(nil, nil)
				}
				return true
			}
		}
		r.setDrained(nil, nil)
		r.seen = nil
		r.cur = s
		return true
	}
	return false
}

// backupBefore returns the backup to read before the followed file name,
// with its FileInfo: the one rotated right after the file drained, or,
// after a wait for the file, the oldest one rotated since the wait began.
// It returns "" if there is none.
func (r *Reader) backupBefore(name string) (string, os.FileInfo) {
	var look func() (string, os.FileInfo)
	switch {
	case r.drained != nil:
		look = func() (string, os.FileInfo) { return nextBackup(name, r.drained) }
	case r.seen != nil:
		look = func() (string, os.FileInfo) { return firstBackupNotIn(name, r.seen) }
	default:
		return "", nil
	}
	// A directory read while files in it are made, renamed and removed
	// may lack some that were there all along (read in several calls, as
	// a large one is): an answer stands once two readings agree.
	path, info := look()
	for range maxLooks {
		again, againInfo := look()
		if strings.TrimSuffix(again, gzipSuffix) == strings.TrimSuffix(path, gzipSuffix) {
			return again, againInfo
		}
		path, info = again, againInfo
	}
	return path, info
}

// maxLooks bounds the readings of a directory that backupBefore makes for
// two that agree.
const maxLooks = 10

// openBackup opens the rotated file path, to be read to its end and not
// followed: a gzipped backup (NAME-TIME.EXT.gz) through gzip, and a plain
// one that was gzipped since it was listed in its .gz form. It returns
// false, with an empty stream in its place, when the file is gone or is
// not gzip (reported).
func (r *Reader) openBackup(path string) bool {
	f, err := r.open(path)
	if errors.Is(err, fs.ErrNotExist) && !strings.HasSuffix(path, gzipSuffix) {
		path += gzipSuffix
		f, err = r.open(path)
	}
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			r.fail(err)
		}
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

// openCompressed opens a file named NAME.gz on the command line, a
// compressed backup, to be read through gzip to its end and not followed
// (it does not grow). It returns false, having reported why, when the file
// cannot be opened or is not gzip.
func (r *Reader) openCompressed(name string) bool {
	f, err := r.open(name)
	if err != nil {
		r.fail(err)
		return false
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		r.fail(fmt.Errorf("read %s: named .gz but not gzip: %w", name, err))
		return false
	}
	s := newStream(name, zr, f)
	s.info, _ = f.Stat()
	s.compressed = true
	r.setDrained(nil, nil)
	r.seen = nil
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

// backupSet returns the names of the backups of name, without .gz.
func backupSet(name string) map[string]bool {
	set := map[string]bool{}
	for _, b := range backupsOf(name) {
		set[strings.TrimSuffix(filepath.Base(b), gzipSuffix)] = true
	}
	return set
}

// firstBackupNotIn returns the oldest backup of name that is not in seen
// (see backupSet), with its FileInfo; "" if there is none.
func firstBackupNotIn(name string, seen map[string]bool) (string, os.FileInfo) {
	for _, b := range backupsOf(name) {
		if !seen[strings.TrimSuffix(filepath.Base(b), gzipSuffix)] {
			if path, info := statBackup(b); info != nil {
				return path, info
			}
		}
	}
	return "", nil
}

// nextBackup returns the backup rotated right after the file drained, in
// the naming of lumberjack (and so of dynlog's file output, core/output):
// NAME-TIME.EXT beside NAME.EXT, TIME sorting as it runs; with its
// FileInfo. It returns "" when drained is not among those backups or is
// the last of them.
func nextBackup(name string, drained os.FileInfo) (string, os.FileInfo) {
	backups := backupsOf(name)
	testHook("listed")
	for i := len(backups) - 1; i >= 0; i-- {
		path, info := statBackup(backups[i])
		if info != nil && sameBackup(path, info, drained) {
			for _, b := range backups[i+1:] {
				if path, info := statBackup(b); info != nil {
					return path, info
				}
			}
			return "", nil
		}
	}
	return "", nil
}

// statBackup returns the backup listed as path as it is now, with its
// FileInfo: path itself, or, if path is a plain backup gzipped and
// removed since it was listed, path.gz (whole by then: the plain form is
// removed after its .gz is written). It returns "", nil if neither is
// there (pruned).
func statBackup(path string) (string, os.FileInfo) {
	info, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) && !strings.HasSuffix(path, gzipSuffix) {
		path += gzipSuffix
		info, err = os.Stat(path)
	}
	if err != nil {
		return "", nil
	}
	return path, info
}

// sameBackup reports whether the backup at path (info) holds the drained
// file: it is that file, or its gzipped form, which keeps its modification
// time (core/output's compression, as gzip(1)) and says in its trailer how
// long the file was (modulo 2^32). Both are checked, as a file system
// whose clock ticks coarsely can give two backups one modification time.
func sameBackup(path string, info, drained os.FileInfo) bool {
	if os.SameFile(info, drained) {
		return true
	}
	if !strings.HasSuffix(path, gzipSuffix) || drained.ModTime().IsZero() || !info.ModTime().Equal(drained.ModTime()) {
		return false
	}
	size, ok := gzipSize(path, info.Size())
	return ok && size == uint32(drained.Size())
}

// gzipSize returns the length modulo 2^32 of what the gzip file at path,
// of n bytes, holds, read from its trailer (ISIZE, RFC 1952): that of its
// last member, which is all of it for a file gzip(1) or core/output wrote.
func gzipSize(path string, n int64) (uint32, bool) {
	if n < 18 { // the shortest gzip file: a header and a trailer
		return 0, false
	}
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	var b [4]byte
	if _, err := f.ReadAt(b[:], n-4); err != nil {
		return 0, false
	}
	return binary.LittleEndian.Uint32(b[:]), true
}

// testHook is called at the points of following where another process's
// rotation can come between two steps ("eof": the followed file read to
// its end, before the look for its rotation; "listed": the backups
// listed, before they are looked at), so that tests can rotate there.
var testHook = func(string) {}

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
		s.offset, s.number, s.partial, s.tooLong, s.skipped, s.mark, s.markAt = 0, 0, s.partial[:0], false, 0, nil, 0
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
	cp.partial, cp.tooLong, cp.skipped = s.partial, s.tooLong, s.skipped
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
		s.skipped += int64(len(chunk) - room)
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

// open opens name to read it; with WithoutSymlinks, not if name is a
// symbolic link, checked on the file opened (its identity is name's
// own), so a link swapped in between the look and the open is refused
// too.
func (r *Reader) open(name string) (*os.File, error) {
	if !r.cfg.noSymlinks {
		return os.Open(name)
	}
	return OpenNoLink(name)
}

// OpenNoLink opens name to read it unless it is a symbolic link. A name
// that changed between the open and the look at it (a rotation, a link
// swapped in or out) is opened again, a few times.
func OpenNoLink(name string) (*os.File, error) {
	for range maxLooks {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		li, lerr := os.Lstat(name)
		fi, ferr := f.Stat()
		switch {
		case lerr != nil || ferr != nil:
			f.Close()
			return nil, errors.Join(lerr, ferr)
		case li.Mode()&fs.ModeSymlink != 0:
			f.Close()
			return nil, fmt.Errorf("%s is a symbolic link: not read (only the files named are)", name)
		case os.SameFile(li, fi):
			return f, nil
		}
		f.Close()
	}
	return nil, fmt.Errorf("%s changed each time it was opened: not read", name)
}
