package logfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
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
			if r.wait() {
				continue
			}
			return r.flushPartial()
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
		f, err := os.Open(name)
		if err != nil {
			r.fail(err)
			continue
		}
		s := newStream(name, f, f)
		if s.info, err = f.Stat(); err == nil && s.info.IsDir() {
			f.Close()
			r.fail(fmt.Errorf("read %s: is a directory", name))
			continue
		}
		r.cur = s
		return true
	}
	return false
}

// wait sleeps one poll interval, then notices truncation and rotation of
// the followed file. It returns false when the context is done.
func (r *Reader) wait() bool {
	t := time.NewTimer(r.cfg.follow)
	defer t.Stop()
	select {
	case <-r.ctx.Done():
		return false
	case <-t.C:
	}
	s := r.cur
	if info, err := os.Stat(s.name); err == nil && s.info != nil && !os.SameFile(info, s.info) {
		f, err := os.Open(s.name)
		if err != nil {
			return true // being replaced: try again next time
		}
		s.file.Close()
		r.cur = newStream(s.name, f, f)
		r.cur.info, _ = f.Stat()
		return true
	}
	if info, err := s.file.Stat(); err == nil && info.Size() < s.offset {
		if _, err := s.file.Seek(0, io.SeekStart); err == nil {
			s.br.Reset(s.file)
			s.offset, s.number, s.partial, s.tooLong = 0, 0, s.partial[:0], false
		}
	}
	return true
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
