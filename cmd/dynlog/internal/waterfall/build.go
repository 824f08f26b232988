package waterfall

import (
	"container/heap"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
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
	// root because the parent is not among the spans read.
	ParentMissing bool
	// ParentLoop is set on a span drawn as a root because its parent
	// links loop back to it (only a hostile file makes them: a span its
	// own parent, or A's parent B and B's A): each loop is cut at its span
	// that starts first (then by span_id).
	ParentLoop bool
	Depth      int // 0 for a root
	Children   []*Span

	created, closed bool
	firstLine       time.Time // of any line in the span
	closedAt        time.Time
	order, mark     int // build's: the span's row order and walk state
	lines, heapAt   int // Add's: the lines added, the place in Builder.held
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
	steps    int // build's work: spans followed and visited, for the tests
	held     int // Add's: the spans of the trace held
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
	Dropped int // of those, lines of spans dropped past Builder.Max
}

// Builder collects records and rebuilds their traces. The zero value is
// ready to use. It is not safe for concurrent use.
type Builder struct {
	Stats Stats
	// Keep, when not nil, says which traces to collect, by trace_id; the
	// records of the others only count in Stats. Memory then grows with
	// the spans kept, not with the input.
	Keep func(traceID string) bool

	// Max, when positive, bounds the spans held: past Max spans, the
	// Builder keeps the Max that start first (as far as the lines added
	// so far tell, then by trace_id and span_id) and drops the others,
	// counting their lines in Stats.Dropped. Memory then stays bounded
	// whatever the input. A span dropped is forgotten: a later line of it
	// brings it back only if that line says it starts before one held,
	// and then without its earlier lines. Max set or lowered between
	// records applies from the next one.
	Max int

	spans  map[spanKey]*Span
	traces map[string]*Trace
	held   heldSpans // with Max: the spans held, the one that starts last on top
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
	if b.Max > 0 && len(b.held) != len(b.spans) { // Max set after spans were added
		b.held = b.held[:0]
		for _, h := range b.spans {
			h.heapAt = len(b.held)
			b.held = append(b.held, h)
		}
		heap.Init(&b.held)
	}
	for b.Max > 0 && len(b.spans) > b.Max { // Max lowered
		b.drop(b.held[0])
	}
	s := b.spans[spanKey{r.TraceID, r.SpanID}]
	if s == nil && b.Max > 0 && len(b.spans) == b.Max {
		// Full: the record's span is held only if it starts before the
		// span held that starts last, which then goes.
		last := b.held[0]
		if !startsBefore(recordStart(r), r.TraceID, r.SpanID, last.startGuess(), last.Trace, last.ID) {
			b.Stats.Dropped++
			return
		}
		b.drop(last)
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
	if s == nil {
		s = &Span{ID: strings.Clone(r.SpanID), Trace: t.ID}
		b.spans[spanKey{t.ID, s.ID}] = s
		t.held++
		if b.Max > 0 {
			heap.Push(&b.held, s)
		}
	}
	s.lines++
	if b.Max > 0 {
		defer heap.Fix(&b.held, s.heapAt) // its start may have moved
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

// drop lets go of a held span, past Max, counting its lines.
func (b *Builder) drop(s *Span) {
	heap.Remove(&b.held, s.heapAt)
	delete(b.spans, spanKey{s.Trace, s.ID})
	b.Stats.Dropped += s.lines
	if t := b.traces[s.Trace]; t != nil {
		if t.held--; t.held == 0 { // nothing of it left to draw
			delete(b.traces, s.Trace)
		}
	}
}

// startGuess is when s starts by the lines added so far, as build will
// place it: its opening event, else its close minus its duration, else its
// first line; zero when no line had a time.
func (s *Span) startGuess() time.Time {
	switch {
	case s.created:
		return s.Start
	case s.closed && !s.closedAt.IsZero():
		return s.closedAt.Add(-s.Duration)
	default:
		return s.firstLine
	}
}

// recordStart is the startGuess of a span that has only r.
func recordStart(r Record) time.Time {
	if r.Message == MessageClosed && r.HasTimes && !r.Time.IsZero() {
		return r.Time.Add(-micro(r.DurationUS))
	}
	return r.Time
}

// startsBefore orders spans for Max: by start, a span with no time last,
// then by trace_id and span_id.
func startsBefore(at time.Time, atrace, aid string, bt time.Time, btrace, bid string) bool {
	switch {
	case at.IsZero() != bt.IsZero():
		return bt.IsZero()
	case !at.Equal(bt):
		return at.Before(bt)
	case atrace != btrace:
		return atrace < btrace
	}
	return aid < bid
}

// heldSpans is a heap of spans, the one that starts last on top.
type heldSpans []*Span

func (h heldSpans) Len() int { return len(h) }
func (h heldSpans) Less(i, j int) bool {
	return startsBefore(h[j].startGuess(), h[j].Trace, h[j].ID, h[i].startGuess(), h[i].Trace, h[i].ID)
}
func (h heldSpans) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapAt, h[j].heapAt = i, j
}
func (h *heldSpans) Push(x any) {
	s := x.(*Span)
	s.heapAt = len(*h)
	*h = append(*h, s)
}
func (h *heldSpans) Pop() any {
	old := *h
	s := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return s
}

// Spans returns the number of spans collected so far.
func (b *Builder) Spans() int { return len(b.spans) }

// Forget lets go of every span collected so far, keeping Stats.
func (b *Builder) Forget() { b.spans, b.traces, b.held = nil, nil, nil }

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
		s.Children, s.Depth, s.ParentMissing, s.ParentLoop, s.Open = nil, 0, false, false, !s.closed
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
	t.Roots = link(spans, &t.steps)
	t.Spans = flatten(t.Roots, len(spans), &t.steps)
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

// link makes the tree of spans, which are sorted (sortSpans) and have
// distinct IDs: each span becomes a child of its parent, in order, so
// children come out sorted, and the roots are returned in order. A span
// whose parent is absent is a root with ParentMissing. Parent links that
// loop (a span its own parent, or A's parent B and B's A, of any length)
// are cut at the loop's span that comes first (by start, then span_id),
// which becomes a root with ParentLoop; the rest of the loop, and what
// hangs from it, stay under it. steps counts the work: at most a few per
// span, whatever the links.
func link(spans []*Span, steps *int) []*Span {
	byID := make(map[string]*Span, len(spans))
	for i, s := range spans {
		byID[s.ID] = s
		s.order, s.mark = i, 0
	}
	// Each span has at most one parent, so the links make chains that end
	// at a root, at a missing parent, or in a loop. Follow each span's
	// chain until it reaches a span already done; a span met again on the
	// chain being followed closes a loop. Every span is followed once.
	const (
		unseen = iota
		onPath
		done
	)
	var path []*Span
	for _, s := range spans {
		path = path[:0]
		for p := s; p != nil && p.mark == unseen; {
			*steps++
			p.mark = onPath
			path = append(path, p)
			next := (*Span)(nil)
			if p.Parent != "" {
				next = byID[p.Parent]
			}
			if next != nil && next.mark == onPath { // a loop: next ... p
				cut := next
				for i := len(path) - 1; path[i] != next; i-- {
					*steps++
					if path[i].order < cut.order {
						cut = path[i]
					}
				}
				cut.ParentLoop = true
				next = nil
			}
			p = next
		}
		for _, p := range path {
			p.mark = done
		}
	}
	var roots []*Span
	for _, s := range spans { // in order, so children come out sorted
		*steps++
		var p *Span
		if s.Parent != "" && !s.ParentLoop {
			p = byID[s.Parent]
		}
		switch {
		case s.Parent == "" || s.ParentLoop:
			roots = append(roots, s)
		case p == nil:
			s.ParentMissing = true
			roots = append(roots, s)
		default:
			p.Children = append(p.Children, s)
		}
	}
	return roots
}

// flatten walks the trees from roots, depth first, without recursion,
// setting depths, and returns the rows: n spans, each once.
func flatten(roots []*Span, n int, steps *int) []*Span {
	rows := make([]*Span, 0, n)
	var stack []*Span
	for i := len(roots) - 1; i >= 0; i-- {
		roots[i].Depth = 0
		stack = append(stack, roots[i])
	}
	for len(stack) > 0 {
		*steps++
		s := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		rows = append(rows, s)
		for i := len(s.Children) - 1; i >= 0; i-- {
			c := s.Children[i]
			c.Depth = s.Depth + 1
			stack = append(stack, c)
		}
	}
	return rows
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
