package waterfall

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Summary is what can be said of any number of traces in bounded memory,
// for input with too many spans to draw: how many spans closed, how many
// of them were roots (one per trace, in a whole trace), and the longest
// root spans, whose traces can then be drawn one by one.
type Summary struct {
	Closed  int // SPAN_CLOSED lines
	Roots   int // of spans without a parent
	keep    int
	longest []Root // slowest first, at most keep
}

// Root is a root span of a Summary: a span without a parent, closed.
type Root struct {
	TraceID  string
	SpanID   string
	Name     string
	Target   string
	Duration time.Duration
}

// NewSummary returns a Summary that keeps the n longest root spans.
func NewSummary(n int) *Summary { return &Summary{keep: n} }

// Add counts one record.
func (s *Summary) Add(r Record) {
	if r.Message != MessageClosed || r.TraceID == "" || r.SpanID == "" {
		return
	}
	s.Closed++
	if r.ParentID != "" {
		return
	}
	s.Roots++
	d := micro(r.DurationUS)
	if len(s.longest) == s.keep && (s.keep == 0 || d <= s.longest[len(s.longest)-1].Duration) {
		return
	}
	i := sort.Search(len(s.longest), func(i int) bool { return s.longest[i].Duration < d })
	if len(s.longest) < s.keep {
		s.longest = append(s.longest, Root{})
	}
	copy(s.longest[i+1:], s.longest[i:])
	s.longest[i] = Root{TraceID: strings.Clone(r.TraceID), SpanID: strings.Clone(r.SpanID),
		Name: strings.Clone(r.SpanName), Target: strings.Clone(r.Target), Duration: d}
}

// Longest returns the longest root spans, longest first (in the order
// they came among equals).
func (s *Summary) Longest() []Root { return s.longest }

// WriteSummary writes s as text: a line of counts, then one row per
// longest root span.
func WriteSummary(w io.Writer, s *Summary) error {
	if _, err := fmt.Fprintf(w, "%d spans closed, %d of them roots; the %d longest roots (draw one with dynlog trace --trace ID):\n",
		s.Closed, s.Roots, len(s.longest)); err != nil {
		return err
	}
	for _, r := range s.longest {
		if _, err := fmt.Fprintf(w, "  %s  %10s  %s  %s\n", clean(r.TraceID, 64), FormatDuration(r.Duration),
			orDash(clean(r.Name, 40)), orDash(clean(r.Target, 60))); err != nil {
			return err
		}
	}
	return nil
}
