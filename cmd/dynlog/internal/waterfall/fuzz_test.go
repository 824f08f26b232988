package waterfall

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
)

// FuzzWaterfall reads any log text as `dynlog trace` does: nothing panics;
// every span read is drawn in exactly one row, its depth one more than
// its parent's, whatever the parent links (loops included), in a few
// steps a span; the rows and the JSON hold no control character a
// terminal would obey; and the JSON parses. Read again with at most a few
// spans held (Builder.Max), every line is in a span held or counted as
// dropped.
func FuzzWaterfall(f *testing.F) {
	t0 := `"time":"2026-01-02T03:04:05.000000Z","level":"INFO","target":"svc"`
	f.Add(`{`+t0+`,"message":"SPAN_FIRST_ENTRY","trace_id":"a","span_id":"1","span_name":"http-request"}
{`+t0+`,"message":"SPAN_FIRST_ENTRY","trace_id":"a","span_id":"2","parent_id":"1","span_name":"prefill"}
{`+t0+`,"message":"SPAN_CLOSED","trace_id":"a","span_id":"2","parent_id":"1","span_name":"prefill","time.duration_us":5,"time.busy_us":3,"time.idle_us":2}
{`+t0+`,"message":"SPAN_CLOSED","trace_id":"a","span_id":"1","span_name":"http-request","time.duration_us":9,"time.busy_us":9,"time.idle_us":0}
`, uint8(40))
	f.Add(`{`+t0+`,"message":"SPAN_CLOSED","trace_id":"a","span_id":"1","parent_id":"2"}
{`+t0+`,"message":"SPAN_CLOSED","trace_id":"a","span_id":"2","parent_id":"1"}
`, uint8(3))
	f.Add(`{"time":"x","trace_id":"\u001b]0;t\u0007","span_id":"\u009b2J","span_name":"\r","time.duration_us":-1e300}`+"\n", uint8(0))
	f.Add("not json\n{}\n[1]\n", uint8(200))
	f.Add(`{`+t0+`,"message":"SPAN_CLOSED","trace_id":"a","span_id":"3","parent_id":"1"}
{`+t0+`,"message":"SPAN_CLOSED","trace_id":"a","span_id":"1","parent_id":"2"}
{"time":"2026-01-02T03:04:04Z","message":"SPAN_CREATED","trace_id":"a","span_id":"2","parent_id":"3"}
{`+t0+`,"message":"SPAN_CLOSED","trace_id":"a","span_id":"4","parent_id":"4"}
{`+t0+`,"message":"SPAN_CLOSED","trace_id":"b","span_id":"5","parent_id":"1"}
`, uint8(2))
	f.Fuzz(func(t *testing.T, input string, width uint8) {
		var b Builder
		if err := b.Read(logfile.Open(context.Background(), nil, strings.NewReader(input))); err != nil {
			t.Fatalf("Read: %v", err)
		}
		traces := b.Traces()
		for _, tr := range traces {
			seen := map[*Span]int{}
			for _, s := range tr.Spans {
				seen[s]++
			}
			var walk func(s *Span, depth int)
			walk = func(s *Span, depth int) {
				if s.Depth != depth {
					t.Fatalf("span %q at depth %d drawn at %d", s.ID, depth, s.Depth)
				}
				seen[s]--
				for _, c := range s.Children {
					walk(c, depth+1)
				}
			}
			for _, r := range tr.Roots {
				walk(r, 0)
			}
			for s, n := range seen {
				if n != 0 {
					t.Fatalf("span %q: rows minus tree places = %d, want 0", s.ID, n)
				}
			}
			for _, r := range tr.Roots {
				if r.Parent != "" && r.ParentMissing == r.ParentLoop {
					t.Fatalf("root %q with parent %q: missing %v, loop %v; want one", r.ID, r.Parent, r.ParentMissing, r.ParentLoop)
				}
			}
			if tr.steps > 4*len(tr.Spans) {
				t.Fatalf("%d steps for %d spans", tr.steps, len(tr.Spans))
			}
			var out bytes.Buffer
			if err := Render(&out, tr, Options{Width: int(width)}); err != nil {
				t.Fatalf("Render: %v", err)
			}
			for _, r := range out.String() {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) {
					t.Fatalf("Render wrote control character %U: %q", r, out.String())
				}
			}
		}
		var js bytes.Buffer
		if err := WriteJSON(&js, traces, b.Stats); err != nil {
			t.Fatalf("WriteJSON: %v", err)
		}
		if !json.Valid(js.Bytes()) {
			t.Fatalf("WriteJSON wrote invalid JSON: %q", js.String())
		}

		small := Builder{Max: 1 + int(width%4)}
		if err := small.Read(logfile.Open(context.Background(), nil, strings.NewReader(input))); err != nil {
			t.Fatalf("Read: %v", err)
		}
		held, withSpans := 0, map[string]bool{}
		for _, s := range small.spans {
			held += s.lines
			withSpans[s.Trace] = true
		}
		if small.Spans() > small.Max || held+small.Stats.Dropped != small.Stats.Records {
			t.Fatalf("Max %d: %d spans held with %d lines, %d dropped, of %d", small.Max, small.Spans(), held, small.Stats.Dropped, small.Stats.Records)
		}
		if small.Stats.Dropped == 0 && small.Spans() != b.Spans() {
			t.Fatalf("Max %d: %d spans held of %d, none dropped", small.Max, small.Spans(), b.Spans())
		}
		if len(small.traces) != len(withSpans) {
			t.Fatalf("Max %d: %d traces kept, %d with a span held", small.Max, len(small.traces), len(withSpans))
		}
		_ = small.Traces()
	})
}
