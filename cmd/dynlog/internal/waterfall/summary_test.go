package waterfall

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
)

// TestKeepCollectsOnlyItsTraces: records of the traces Keep rejects count
// in Stats and are not held.
func TestKeepCollectsOnlyItsTraces(t *testing.T) {
	fa, pa, da := request(traceA, 0)
	fb, pb, db := request(traceB, time.Second)
	var all []string
	for _, l := range [][]string{fa, fb, pa, pb, da, db} {
		all = append(all, l...)
	}
	b := Builder{Keep: func(id string) bool { return id == traceB }}
	if err := b.Read(logfile.NewReader("test", strings.NewReader(strings.Join(all, "\n")))); err != nil {
		t.Fatal(err)
	}
	traces := b.Traces()
	if len(traces) != 1 || traces[0].ID != traceB || len(traces[0].Spans) != 8 || b.Spans() != 8 {
		t.Fatalf("%d traces, %d spans held", len(traces), b.Spans())
	}
	if b.Stats.Lines != 32 || b.Stats.Records != 32 {
		t.Errorf("stats %+v, want every line counted", b.Stats)
	}
	b.Forget()
	if b.Spans() != 0 || len(b.Traces()) != 0 || b.Stats.Lines != 32 {
		t.Errorf("after Forget: %d spans, stats %+v", b.Spans(), b.Stats)
	}
}

// TestSummaryKeepsTheLongestRoots: counts every closed span and root, and
// keeps the n longest roots, longest first, the earlier first among equals.
func TestSummaryKeepsTheLongestRoots(t *testing.T) {
	s := NewSummary(2)
	closed := func(trace, span, parent string, us int64) Record {
		return Record{Message: MessageClosed, TraceID: trace, SpanID: span, ParentID: parent, SpanName: "http-request",
			Target: "frontend", DurationUS: us, HasTimes: true}
	}
	for _, r := range []Record{
		closed("t1", "a", "", 300), closed("t1", "b", "a", 900), closed("t2", "c", "", 500),
		{Message: MessageCreated, TraceID: "t3", SpanID: "d"}, closed("t3", "d", "", 100), closed("t4", "e", "", 500),
		{Message: MessageClosed, SpanID: "no trace"},
	} {
		s.Add(r)
	}
	if s.Closed != 5 || s.Roots != 4 {
		t.Errorf("closed %d, roots %d; want 5, 4", s.Closed, s.Roots)
	}
	got := s.Longest()
	if len(got) != 2 || got[0].TraceID != "t2" || got[1].TraceID != "t4" || got[0].Duration != 500*time.Microsecond {
		t.Fatalf("longest %+v", got)
	}
	var out bytes.Buffer
	if err := WriteSummary(&out, s); err != nil {
		t.Fatal(err)
	}
	want := "5 spans closed, 4 of them roots; the 2 longest roots (draw one with dynlog trace --trace ID):\n" +
		"  t2       500µs  http-request  frontend\n" +
		"  t4       500µs  http-request  frontend\n"
	if out.String() != want {
		t.Errorf("WriteSummary:\n%q\nwant:\n%q", out.String(), want)
	}
}
