package serve

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/internal/rotname"
)

// A segment is one file of a stream as it was when the server started:
// held open, so that a rotation renaming it away changes nothing of what
// was indexed, and indexed sparsely: the byte offset of every block of
// lines, not of every line, so memory stays small for files of any size.
type segment struct {
	name  string
	file  *os.File
	gz    bool
	size  int64 // of the file on disk
	end   int64 // bytes indexed (uncompressed for gz)
	lines int64
	marks []mark // block k starts at marks[k]
}

// mark is where a block of lines starts.
type mark struct {
	line int64 // 0-based, in the segment
	off  int64
}

// A block holds blockLines lines, or fewer when they pass blockBytes.
const (
	blockLines = 256
	blockBytes = 1 << 20
)

// gzBlocks is how many blocks of a compressed segment are read at once:
// reading one decompresses the file from its start.
const gzBlocks = 32

// openSegment opens and indexes name, not through a symbolic link
// unless link. A live file (the one the server
// follows) is indexed up to its last "\n" at the time it is read: a last
// line without one is still being written, and the follower hands it
// over once done. A backup is indexed to its end.
func openSegment(name string, live, link bool) (*segment, error) {
	f, err := openFile(name, link)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file", name)
	}
	s := &segment{name: name, file: f, size: info.Size(), gz: strings.HasSuffix(name, rotname.CompressSuffix)}
	var r io.Reader = io.NewSectionReader(f, 0, s.size)
	if s.gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		r = zr
	}
	if err := s.index(r, live); err != nil {
		f.Close()
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return s, nil
}

// index counts the lines of r, marking the start of each block.
func (s *segment) index(r io.Reader, live bool) error {
	buf := make([]byte, 256<<10)
	var off, lineStart int64
	s.marks = []mark{{0, 0}}
	for {
		n, err := r.Read(buf)
		chunk := buf[:n]
		for len(chunk) > 0 {
			i := bytes.IndexByte(chunk, '\n')
			if i < 0 {
				break
			}
			s.lines++
			lineStart = off + int64(n-len(chunk)) + int64(i) + 1
			chunk = chunk[i+1:]
			if last := s.marks[len(s.marks)-1]; s.lines-last.line >= blockLines || lineStart-last.off >= blockBytes {
				s.marks = append(s.marks, mark{s.lines, lineStart})
			}
		}
		off += int64(n)
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	s.end = lineStart
	if !live && off > lineStart {
		s.lines++ // a last line without "\n"
		s.end = off
	}
	if last := s.marks[len(s.marks)-1]; last.line == s.lines {
		s.marks = s.marks[:len(s.marks)-1]
	}
	return nil
}

// blockOf returns the block that holds line i.
func (s *segment) blockOf(i int64) int {
	lo, hi := 0, len(s.marks)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if s.marks[mid].line <= i {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// blockEnd returns where block k ends: the line and offset past it.
func (s *segment) blockEnd(k int) mark {
	if k+1 < len(s.marks) {
		return s.marks[k+1]
	}
	return mark{s.lines, s.end}
}

// read returns the lines of blocks from to to, inclusive, as the logfile
// Reader reads them (CRLF, lines longer than logfile.MaxLineSize cut).
func (s *segment) read(from, to int) ([]logfile.Line, error) {
	start, stop := s.marks[from], s.blockEnd(to)
	var r io.Reader
	if s.gz {
		zr, err := gzip.NewReader(io.NewSectionReader(s.file, 0, s.size))
		if err != nil {
			return nil, err
		}
		if _, err := io.CopyN(io.Discard, zr, start.off); err != nil {
			return nil, err
		}
		r = io.LimitReader(zr, stop.off-start.off)
	} else {
		r = io.NewSectionReader(s.file, start.off, stop.off-start.off)
	}
	lr := logfile.NewReader(s.name, r)
	lines := make([]logfile.Line, 0, stop.line-start.line)
	for lr.Next() && int64(len(lines)) < stop.line-start.line {
		l := lr.Line()
		l.Bytes = bytes.Clone(l.Bytes)
		l.Number += int(start.line)
		lines = append(lines, l)
	}
	if err := lr.Err(); err != nil {
		return lines, err
	}
	if int64(len(lines)) != stop.line-start.line {
		return lines, fmt.Errorf("read %s: %d lines where the index has %d: the file changed since it was indexed", s.name, len(lines), stop.line-start.line)
	}
	return lines, nil
}

// openFile opens name to read it, not through a symbolic link unless
// link: only a file named on the command line may be one, when it was
// when the server started.
func openFile(name string, link bool) (*os.File, error) {
	if link {
		return os.Open(name)
	}
	return logfile.OpenNoLink(name)
}
