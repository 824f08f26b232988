package waterfall

import (
	"math"
	"sort"
	"strings"
	"time"

	"github.com/dynlog/dynlog/internal/logfile"
)

// Span is one span of a trace, as rebuilt from its lines.
type Span struct {
	ID         string
	Parent     string // the parent_id logged; empty for a root
	Trace      string
	Name       string
	Target     string // the service's logger name
	XRequestID string
	RequestID  string

	Start    time.Time
	Duration time.Duration // for an open span, up to the end of the trace
	Busy     time.Duration // zero for an open span
	Idle     time.Duration
	Open     bool // no SPAN_CLOSED was seen

	// ParentMissing is set on a span with a Parent that is drawn as a
	// root: the parent is not among the spans read (or, in a hostile file,
	// the parent links loop).
	ParentMissing bool
	Depth         int // 0 for a root
	Children      []*Span

	created, closed bool
	firstLine       time.Time // of any line in the span
	closedAt        time.Time
}

// End is when the span ended, or, for an open span, the end of its trace.
func (s *Span) End() time.Time { return s.Start.Add(s.Duration) }

// Trace is the spans of one trace_id.
type Trace struct {
	ID         string
	XRequestID string // the first x_request_id of its spans, root first
	RequestID  string
	Start      time.Time
	Duration   time.Duration
	Roots      []*Span
	Spans      []*Span // every span, in the order of the waterfall's rows

	lastLine time.Time
}

// Targets is the distinct targets (services) of the trace's spans, in the
// order of the rows.
func (t *Trace) Targets() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range t.Spans {
		if !seen[s.Target] {
			seen[s.Target] = true
			out = append(out, s.Target)
		}
	}
	return out
}

// Stats counts what a Builder was given.
type Stats struct {
	Lines   int // lines read
	Skipped int // lines that were not JSON objects, or too long
	Records int // lines that named a trace and a span
}

// Builder collects records and rebuilds their traces. The zero value is
// ready to use. It is not safe for concurrent use.
type Builder struct {
	Stats Stats
	// Keep, when not nil, says which traces to collect, by trace_id; the
	// records of the others only count in Stats. Memory then grows with
	// the spans kept, not with the input.
	Keep func(traceID string) bool

	spans  map[spanKey]*Span
	traces map[string]*Trace
}

type spanKey struct{ trace, span string }

// AddLine decodes one JSONL line and adds it; lines that are not JSON
// objects are counted in Stats.Skipped.
func (b *Builder) AddLine(line []byte) {
	b.Stats.Lines++
	r, err := logfile.Decode(line)
	if err != nil {
		b.Stats.Skipped++
		return
	}
	b.Add(RecordOf(r))
}

// Read adds every line of r (see AddLine); lines longer than
// logfile.MaxLineSize are skipped and counted. Its error is r's: the files
// that could not be read.
func (b *Builder) Read(r *logfile.Reader) error {
	for r.Next() {
		l := r.Line()
		if l.TooLong {
			b.Stats.Lines++
			b.Stats.Skipped++
			continue
		}
		b.AddLine(l.Bytes)
	}
	return r.Err()
}

// Add adds one record. Records without a trace_id and a span_id only count.
func (b *Builder) Add(r Record) {
	if r.TraceID == "" || r.SpanID == "" {
		return
	}
	b.Stats.Records++
	if b.Keep != nil && !b.Keep(r.TraceID) {
		return
	}
	if b.spans == nil {
		b.spans = map[spanKey]*Span{}
		b.traces = map[string]*Trace{}
	}
	// The record's strings may share the memory of its whole line: a span
	// keeps copies.
	t := b.traces[r.TraceID]
	if t == nil {
		t = &Trace{ID: strings.Clone(r.TraceID)}
		b.traces[t.ID] = t
	}
	if r.Time.After(t.lastLine) {
		t.lastLine = r.Time
	}
	k := spanKey{r.TraceID, r.SpanID}
	s := b.spans[k]
	if s == nil {
		s = &Span{ID: strings.Clone(r.SpanID), Trace: t.ID}
		b.spans[spanKey{t.ID, s.ID}] = s
	}
	if s.firstLine.IsZero() || (!r.Time.IsZero() && r.Time.Before(s.firstLine)) {
		s.firstLine = r.Time
	}
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = strings.Clone(v)
		}
	}
	fill(&s.Parent, r.ParentID)
	fill(&s.Name, r.SpanName)
	fill(&s.Target, r.Target)
	fill(&s.XRequestID, r.XRequestID)
	fill(&s.RequestID, r.RequestID)

	switch r.Message {
	case MessageFirstEntry, MessageCreated:
		if !s.created && !r.Time.IsZero() {
			s.created, s.Start = true, r.Time
		}
	case MessageClosed:
		if s.closed {
			return
		}
		s.closed, s.closedAt = true, r.Time
		if r.HasTimes {
			s.Duration, s.Busy, s.Idle = micro(r.DurationUS), micro(r.BusyUS), micro(r.IdleUS)
		}
	}
}

// Spans returns the number of spans collected so far.
func (b *Builder) Spans() int { return len(b.spans) }

// Forget lets go of every span collected so far, keeping Stats.
func (b *Builder) Forget() { b.spans, b.traces = nil, nil }

// maxMicros is the longest time a Duration holds, in microseconds.
const maxMicros = int64(math.MaxInt64 / time.Microsecond)

// micro is n microseconds, clamped to what a Duration holds.
func micro(n int64) time.Duration {
	return time.Duration(min(max(n, 0), maxMicros)) * time.Microsecond
}

// Traces rebuilds the traces from what was added, ordered by start time,
// then trace_id. Each call rebuilds them afresh.
func (b *Builder) Traces() []*Trace {
	byTrace := map[string][]*Span{}
	for _, s := range b.spans {
		byTrace[s.Trace] = append(byTrace[s.Trace], s)
	}
	out := make([]*Trace, 0, len(byTrace))
	for id, spans := range byTrace {
		out = append(out, build(b.traces[id], spans))
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// Build rebuilds the traces of records (see Builder).
func Build(records []Record) []*Trace {
	var b Builder
	for _, r := range records {
		b.Add(r)
	}
	return b.Traces()
}

// build makes the trace of spans, which all have its ID: times, tree, rows.
func build(seen *Trace, spans []*Span) *Trace {
	t := &Trace{ID: seen.ID}
	end := seen.lastLine
	for _, s := range spans {
		s.Children, s.Depth, s.ParentMissing, s.Open = nil, 0, false, !s.closed
		switch {
		case s.created:
			// Start is the SPAN_CREATED time, set by Add.
		case s.closed && !s.closedAt.IsZero():
			s.Start = s.closedAt.Add(-s.Duration)
		default:
			s.Start = s.firstLine
		}
		if s.closed {
			if s.Duration == 0 && s.created && s.closedAt.After(s.Start) {
				s.Duration = s.closedAt.Sub(s.Start) // SPAN_CLOSED without its times
				s.Busy = s.Duration
			}
			if e := s.End(); e.After(end) {
				end = e
			}
		}
		if t.Start.IsZero() || (!s.Start.IsZero() && s.Start.Before(t.Start)) {
			t.Start = s.Start
		}
	}
	if end.Before(t.Start) {
		end = t.Start
	}
	t.Duration = end.Sub(t.Start)
	for _, s := range spans {
		if s.Start.IsZero() {
			s.Start = t.Start
		}
		if s.Open {
			s.Duration, s.Busy, s.Idle = max(end.Sub(s.Start), 0), 0, 0
		}
	}

	sortSpans(spans)
	byID := make(map[string]*Span, len(spans))
	for _, s := range spans {
		byID[s.ID] = s
	}
	var roots []*Span
	for _, s := range spans { // in order, so children come out sorted
		p := byID[s.Parent]
		switch {
		case s.Parent == "" || p == s:
			roots = append(roots, s)
		case p == nil:
			s.ParentMissing = true
			roots = append(roots, s)
		default:
			p.Children = append(p.Children, s)
		}
	}
	t.Roots, t.Spans = flatten(roots, spans)
	for _, s := range t.Spans { // root first
		if t.XRequestID == "" {
			t.XRequestID = s.XRequestID
		}
		if t.RequestID == "" {
			t.RequestID = s.RequestID
		}
	}
	return t
}

// flatten walks the tree from roots, depth first, setting depths, and
// returns the roots and the rows. Spans not reached (their parent links
// loop) become roots, so every span gets a row.
func flatten(roots, all []*Span) ([]*Span, []*Span) {
	rows := make([]*Span, 0, len(all))
	visited := make(map[*Span]bool, len(all))
	walk := func(root *Span) {
		stack := []*Span{root}
		root.Depth = 0
		for len(stack) > 0 {
			s := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if visited[s] {
				continue
			}
			visited[s] = true
			rows = append(rows, s)
			for i := len(s.Children) - 1; i >= 0; i-- {
				c := s.Children[i]
				if !visited[c] {
					c.Depth = s.Depth + 1
					stack = append(stack, c)
				}
			}
		}
	}
	for _, r := range roots {
		walk(r)
	}
	for _, s := range all {
		if !visited[s] { // in a loop of parent links: cut it here
			if p := s.parentIn(all); p != nil {
				p.Children = removeChild(p.Children, s)
			}
			s.ParentMissing = true
			roots = append(roots, s)
			walk(s)
		}
	}
	return roots, rows
}

func (s *Span) parentIn(all []*Span) *Span {
	for _, p := range all {
		if p.ID == s.Parent {
			return p
		}
	}
	return nil
}

func removeChild(children []*Span, c *Span) []*Span {
	out := children[:0]
	for _, x := range children {
		if x != c {
			out = append(out, x)
		}
	}
	return out
}

// sortSpans orders spans by start time, then span_id.
func sortSpans(spans []*Span) {
	sort.Slice(spans, func(i, j int) bool {
		if !spans[i].Start.Equal(spans[j].Start) {
			return spans[i].Start.Before(spans[j].Start)
		}
		return spans[i].ID < spans[j].ID
	})
}
