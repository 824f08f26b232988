package serve

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/internal/outside"
)

// A cursor is a position in every stream: where a page of lines starts
// or ends. It travels as the positions joined by ".".
type cursor []int64

func (c cursor) String() string {
	parts := make([]string, len(c))
	for i, p := range c {
		parts[i] = strconv.FormatInt(p, 10)
	}
	return strings.Join(parts, ".")
}

// parseCursor reads a cursor of the server's streams; each position at
// most the stream's count.
func (s *Server) parseCursor(text string) (cursor, error) {
	parts := strings.Split(text, ".")
	if len(parts) != len(s.streams) {
		return nil, fmt.Errorf("cursor %q: want %d positions joined by \".\"", outside.Text(text), len(s.streams))
	}
	c := make(cursor, len(parts))
	for i, p := range parts {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 || n > s.streams[i].count() {
			return nil, fmt.Errorf("cursor %q: position %d is not a line of %s", outside.Text(text), i+1, outside.Text(s.streams[i].base))
		}
		c[i] = n
	}
	return c, nil
}

// now is the cursor at the end of every stream.
func (s *Server) now() cursor {
	c := make(cursor, len(s.streams))
	for i, st := range s.streams {
		c[i] = st.count()
	}
	return c
}

// walker walks one stream a chunk at a time, backwards or forwards, its
// head decoded: lines are merged across streams by their time, a line
// without one taking that of the line walked before it.
type walker struct {
	st    *stream
	index int
	back  bool
	pos   int64 // backwards: the head is before it; forwards: at or after it
	chunk []item
	head  *entry
	last  time.Time
}

// entry is a walker's head: an item, its time, and, once decoded, its
// record if it is one.
type entry struct {
	item
	t        time.Time
	decoded  bool
	rec      logfile.Record
	isRecord bool
}

// decode decodes the entry's line, once.
func (e *entry) decode() {
	if !e.decoded {
		e.rec, e.isRecord = decodeRecord(e.item)
		e.decoded = true
	}
}

// timePrefix starts a line of dynlog's and Dynamo's JSONL: its time first.
const timePrefix = `{"time":"`

// itemTime returns the time of a line, cheaply for a line that starts
// with its time as the JSONL layouts write it, else by decoding it.
func itemTime(it item) (time.Time, bool) {
	b := it.line.Bytes
	if it.gap == 0 && bytes.HasPrefix(b, []byte(timePrefix)) {
		rest := b[len(timePrefix):]
		if end := bytes.IndexByte(rest, '"'); end > 0 && bytes.IndexByte(rest[:end], '\\') < 0 {
			if t, err := time.Parse(time.RFC3339Nano, string(rest[:end])); err == nil {
				return t, true
			}
		}
	}
	rec, _ := decodeRecord(it)
	return rec.Time, !rec.Time.IsZero()
}

// peek returns the walker's head, reading a chunk when needed; nil at the
// end.
func (w *walker) peek(end int64) *entry {
	if w.head != nil {
		return w.head
	}
	if len(w.chunk) == 0 {
		if w.back && w.pos <= 0 || !w.back && w.pos >= end {
			return nil
		}
		if w.back {
			w.chunk = w.st.chunkBefore(w.pos)
		} else {
			w.chunk = w.st.chunkFrom(w.pos)
		}
		if len(w.chunk) == 0 {
			return nil
		}
	}
	var it item
	if w.back {
		it, w.chunk = w.chunk[len(w.chunk)-1], w.chunk[:len(w.chunk)-1]
	} else {
		it, w.chunk = w.chunk[0], w.chunk[1:]
	}
	e := &entry{item: it}
	t, ok := itemTime(it)
	switch {
	case ok:
		e.t = t
	case w.back:
		// A line without a time goes with the line before it in its file
		// (a stack trace's with its record): the nearest one before it
		// in the chunk with a time, else the one walked before it.
		e.t = w.last
		for i := len(w.chunk) - 1; i >= 0; i-- {
			if t, ok := itemTime(w.chunk[i]); ok {
				e.t = t
				break
			}
		}
	default:
		e.t = w.last
	}
	w.head = e
	return e
}

// decodeRecord decodes the item's line if it is a log record: a JSON object
// with a level or a message.
func decodeRecord(it item) (logfile.Record, bool) {
	if it.gap > 0 || it.line.TooLong || !startsObject(it.line.Bytes) {
		return logfile.Record{}, false
	}
	rec, err := logfile.Decode(it.line.Bytes)
	if err != nil || !rec.HasLevel && !rec.HasMessage {
		return logfile.Record{}, false
	}
	return rec, true
}

// take consumes the head.
func (w *walker) take() {
	e := w.head
	w.head = nil
	w.last = e.t
	switch {
	case w.back:
		w.pos = e.pos // a gap's pos is its first line
	case e.gap > 0:
		w.pos = e.pos + e.gap
	default:
		w.pos = e.pos + 1
	}
}

func startsObject(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return c == '{'
		}
	}
	return false
}

// later reports whether a comes after b in the merged order: time, then
// stream, then position.
func later(a, b *entry, ai, bi int) bool {
	if !a.t.Equal(b.t) {
		return a.t.After(b.t)
	}
	if ai != bi {
		return ai > bi
	}
	return a.pos > b.pos
}

// page is a page of lines, oldest first, and where it ends.
type page struct {
	Lines  []jsonLine `json:"lines"`
	Before string     `json:"before"` // the cursor of the older lines
	After  string     `json:"after"`  // the cursor of the newer lines
	More   bool       `json:"more"`   // the walk stopped before the end in its direction
	Looked int        `json:"looked"` // lines looked at
}

// walk merges the streams from c, backwards (the newest first) or
// forwards, keeping the lines that pass q, until limit lines or
// pageBytes of text are kept, budget lines looked at, or the streams end
// (end: the cursor forwards walks stop at).
func (s *Server) walk(c, end cursor, back bool, q *query, limit, budget int) ([]jsonLine, cursor, bool, int) {
	ws := make([]*walker, len(s.streams))
	for i, st := range s.streams {
		ws[i] = &walker{st: st, index: i, back: back, pos: c[i]}
	}
	render := s.cfg.Render()
	var out []jsonLine
	looked, size := 0, 0
	for len(out) < limit && looked < budget && size < pageBytes {
		var best *walker
		for _, w := range ws {
			e := w.peek(end[w.index])
			if e == nil {
				continue
			}
			if best == nil || later(e, best.head, w.index, best.index) == back {
				best = w
			}
		}
		if best == nil {
			break
		}
		e := best.head
		best.take()
		looked++
		if jl, ok := s.pass(e, best, q, render); ok {
			out = append(out, jl)
			for _, seg := range jl.Segments {
				size += len(seg[1])
			}
		}
	}
	more := false
	next := make(cursor, len(ws))
	for i, w := range ws {
		next[i] = w.pos
		if w.peek(end[i]) != nil {
			more = true
		}
	}
	if back {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, next, more, looked
}

// pass returns the line of e for the page if it passes q.
func (s *Server) pass(e *entry, w *walker, q *query, render func(*logfile.Record) ([]byte, bool)) (jsonLine, bool) {
	jl := jsonLine{Stream: w.index, Pos: e.pos, File: outside.Text(e.line.File), Line: e.line.Number}
	switch {
	case e.gap > 0:
		// Lines the page cannot get are said, never silently left out.
		text := fmt.Sprintf("%d lines of %s read while serving are no longer held in memory (the newest %d MiB are): see the file", e.gap, outside.Text(w.st.base), maxLiveBytes>>20)
		if e.err != nil {
			text = fmt.Sprintf("%d lines could not be read: %v", e.gap, outside.Text(e.err.Error()))
		}
		jl.File = outside.Text(w.st.base)
		jl.Segments = [][2]string{{"note", text}}
		return jl, true
	case e.note != "":
		jl.File = outside.Text(w.st.base)
		jl.Segments = [][2]string{{"note", e.note}}
		return jl, true
	case e.line.TooLong && q.onRecords() && startsObject(e.line.Bytes):
		// No record is decoded from a line's first MaxLineSize bytes, so
		// no filter can be checked on it: said, as view says it, rather
		// than left out silently.
		jl.Segments = [][2]string{{"note", fmt.Sprintf("a %d-byte record at line %d of %s, longer than the %d MiB a record is read with: the filters could not be checked on it", e.line.Length, e.line.Number, outside.Text(e.line.File), logfile.MaxLineSize>>20)}}
		return jl, true
	case q.onRecords() && !q.mayPass(e.line.Bytes):
		return jl, false
	}
	e.decode()
	if !e.isRecord {
		if q.onRecords() {
			return jl, false
		}
		sh := plainLine(e.line.Bytes)
		if !q.passText(sh.text) {
			return jl, false
		}
		jl.Segments, jl.Note = sh.segs, sh.note
		if e.line.TooLong {
			jl.Note = fmt.Sprintf("a %d-byte line, longer than the %d MiB a line is read with: its start only", e.line.Length, logfile.MaxLineSize>>20)
		}
		return jl, true
	}
	if !q.passRecord(&e.rec) {
		return jl, false
	}
	jl.Level, jl.TraceID, jl.SpanID, jl.XRequestID = levelName(&e.rec), e.rec.TraceID, e.rec.SpanID, e.rec.XRequestID
	if !e.rec.Time.IsZero() {
		jl.Time = e.rec.Time.UTC().Format(time.RFC3339Nano)
	}
	rec := e.rec // Render may change the strings it escapes
	var sh shown
	if ansi, ok := render(&rec); ok {
		sh = segmentsOf(ansi)
	} else {
		sh = plainLine(e.line.Bytes)
	}
	if !q.passText(sh.text) {
		return jl, false
	}
	jl.Segments, jl.Note = sh.segs, sh.note
	return jl, true
}
