package waterfall

import (
	"encoding/json"
	"io"
	"time"
)

// JSONTrace is a trace as WriteJSON writes it: for tools, the rows of the
// waterfall in order, each with its depth and parent, times in
// microseconds from the trace's start.
type JSONTrace struct {
	TraceID    string     `json:"trace_id"`
	XRequestID string     `json:"x_request_id,omitempty"`
	RequestID  string     `json:"request_id,omitempty"`
	Start      string     `json:"start"` // RFC 3339, UTC, microseconds
	DurationUS int64      `json:"duration_us"`
	Services   []string   `json:"services"`
	Spans      []JSONSpan `json:"spans"`
}

// JSONSpan is one row of a JSONTrace.
type JSONSpan struct {
	SpanID        string `json:"span_id"`
	ParentID      string `json:"parent_id,omitempty"`
	ParentMissing bool   `json:"parent_missing,omitempty"`
	ParentLoop    bool   `json:"parent_loop,omitempty"` // drawn as a root: its parent links loop
	Name          string `json:"span_name"`
	Target        string `json:"target"`
	Depth         int    `json:"depth"`
	Start         string `json:"start"`
	OffsetUS      int64  `json:"offset_us"`
	DurationUS    int64  `json:"duration_us"`
	BusyUS        *int64 `json:"busy_us,omitempty"` // absent for an open span
	IdleUS        *int64 `json:"idle_us,omitempty"`
	Open          bool   `json:"open"`
}

// JSONOutput is the document WriteJSON writes.
type JSONOutput struct {
	Traces  []JSONTrace `json:"traces"`
	Lines   int         `json:"lines"`
	Skipped int         `json:"skipped_lines"`
	// Dropped is the lines of spans not drawn, past the bound on the spans
	// held (Builder.Max); absent when none were.
	Dropped int `json:"dropped_lines,omitempty"`
	// Summary is there instead of Traces when the input had too many spans
	// to hold (see Summary).
	Summary *JSONSummary `json:"summary,omitempty"`
}

// JSONSummary is a Summary as WriteJSON writes it.
type JSONSummary struct {
	Closed  int        `json:"spans_closed"`
	Roots   int        `json:"roots"`
	Longest []JSONRoot `json:"longest_roots"`
}

// JSONRoot is one of a JSONSummary's longest root spans.
type JSONRoot struct {
	TraceID    string `json:"trace_id"`
	SpanID     string `json:"span_id"`
	Name       string `json:"span_name"`
	Target     string `json:"target"`
	DurationUS int64  `json:"duration_us"`
}

// ToJSONSummary converts s to its JSON form.
func ToJSONSummary(s *Summary) *JSONSummary {
	out := &JSONSummary{Closed: s.Closed, Roots: s.Roots, Longest: []JSONRoot{}}
	for _, r := range s.longest {
		out.Longest = append(out.Longest, JSONRoot{TraceID: r.TraceID, SpanID: r.SpanID, Name: r.Name,
			Target: r.Target, DurationUS: r.Duration.Microseconds()})
	}
	return out
}

const jsonTime = "2006-01-02T15:04:05.000000Z"

// ToJSON converts t to its JSON form.
func ToJSON(t *Trace) JSONTrace {
	out := JSONTrace{
		TraceID:    t.ID,
		XRequestID: t.XRequestID,
		RequestID:  t.RequestID,
		Start:      t.Start.UTC().Format(jsonTime),
		DurationUS: t.Duration.Microseconds(),
		Services:   t.Targets(),
		Spans:      make([]JSONSpan, 0, len(t.Spans)),
	}
	for _, s := range t.Spans {
		js := JSONSpan{
			SpanID:        s.ID,
			ParentID:      s.Parent,
			ParentMissing: s.ParentMissing,
			ParentLoop:    s.ParentLoop,
			Name:          s.Name,
			Target:        s.Target,
			Depth:         s.Depth,
			Start:         s.Start.UTC().Format(jsonTime),
			OffsetUS:      s.Start.Sub(t.Start).Microseconds(),
			DurationUS:    s.Duration.Microseconds(),
			Open:          s.Open,
		}
		if !s.Open {
			js.BusyUS, js.IdleUS = micros(s.Busy), micros(s.Idle)
		}
		out.Spans = append(out.Spans, js)
	}
	return out
}

func micros(d time.Duration) *int64 {
	n := d.Microseconds()
	return &n
}

// WriteJSON writes traces and the line counts of stats as one indented
// JSON document (JSONOutput). Strings from the logs are escaped by
// encoding/json; invalid UTF-8 in them became U+FFFD when they were read.
func WriteJSON(w io.Writer, traces []*Trace, stats Stats) error {
	out := JSONOutput{Traces: make([]JSONTrace, 0, len(traces)), Lines: stats.Lines, Skipped: stats.Skipped, Dropped: stats.Dropped}
	for _, t := range traces {
		out.Traces = append(out.Traces, ToJSON(t))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteJSONSummary writes the JSONOutput of input with too many spans to
// hold: no traces, the summary instead.
func WriteJSONSummary(w io.Writer, s *Summary, stats Stats) error {
	out := JSONOutput{Traces: []JSONTrace{}, Lines: stats.Lines, Skipped: stats.Skipped, Summary: ToJSONSummary(s)}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
