package waterfall

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
)

const (
	traceA = "425ef761ca5b44c795b4c912f1d84b39"
	traceB = "0af7651916cd43dd8448eb211c80319c"
)

var t0 = time.Date(2025, 9, 2, 16, 38, 6, 0, time.UTC)

// line is one JSONL line of a span event at t0+at.
func line(msg, target, trace, span, parent, name string, at time.Duration, times ...int64) string {
	m := map[string]any{
		"time":      t0.Add(at).Format("2006-01-02T15:04:05.000000Z"),
		"level":     "INFO",
		"target":    target,
		"message":   msg,
		"trace_id":  trace,
		"span_id":   span,
		"span_name": name,
	}
	if parent != "" {
		m["parent_id"] = parent
	}
	if len(times) == 2 {
		m["time.busy_us"], m["time.idle_us"], m["time.duration_us"] = times[0], times[1], times[0]+times[1]
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// span gives the SPAN_CREATED and SPAN_CLOSED lines of a span that starts at
// start and lasts busy+idle microseconds.
func span(target, trace, id, parent, name string, start time.Duration, busy, idle int64) []string {
	end := start + time.Duration(busy+idle)*time.Microsecond
	return []string{
		line(MessageCreated, target, trace, id, parent, name, start),
		line(MessageClosed, target, trace, id, parent, name, end, busy, idle),
	}
}

// request is the lines of three services serving one request, as the demo
// makes them, each service's lines apart.
func request(trace string, at time.Duration) (frontend, prefill, decode []string) {
	ms := time.Millisecond
	p := func(s string) string { return s + trace[:4] } // span IDs unique per trace
	frontend = append(frontend, span("frontend", trace, p("f1"), "", "http-request", at, 10000, 0)...)
	frontend = append(frontend, span("frontend", trace, p("f2"), p("f1"), "kv_router.select_worker", at+ms/10, 200, 0)...)
	frontend = append(frontend, span("frontend", trace, p("f3"), p("f1"), "remote_prefill", at+ms, 10, 2990)...)
	frontend = append(frontend, span("frontend", trace, p("f4"), p("f1"), "remote_decode", at+4*ms, 10, 5990)...)
	prefill = append(prefill, span("prefill", trace, p("p1"), p("f3"), "http-request", at+ms+ms/10, 2800, 0)...)
	prefill = append(prefill, span("prefill", trace, p("p2"), p("p1"), "prefill", at+ms+ms/5, 100, 2500)...)
	decode = append(decode, span("decode", trace, p("d1"), p("f4"), "http-request", at+4*ms+ms/10, 5800, 0)...)
	decode = append(decode, span("decode", trace, p("d2"), p("d1"), "decode", at+4*ms+ms/5, 100, 5600)...)
	return
}

func readLines(t *testing.T, lines ...[]string) ([]*Trace, Stats) {
	t.Helper()
	var b Builder
	var all []string
	for _, l := range lines {
		all = append(all, l...)
	}
	if err := b.Read(logfile.NewReader("test", strings.NewReader(strings.Join(all, "\n")))); err != nil {
		t.Fatal(err)
	}
	return b.Traces(), b.Stats
}

// rows is the waterfall's rows as "depth name target parent-name".
func rows(tr *Trace) []string {
	names := map[string]string{}
	for _, s := range tr.Spans {
		names[s.ID] = s.Target + "/" + s.Name
	}
	var out []string
	for _, s := range tr.Spans {
		r := fmt.Sprintf("%d %s/%s <- %s", s.Depth, s.Target, s.Name, names[s.Parent])
		if s.Open {
			r += " open"
		}
		if s.ParentMissing {
			r += " parent-missing"
		}
		out = append(out, r)
	}
	return out
}

func TestBuildJoinsServicesIntoOneTreePerTrace(t *testing.T) {
	fa, pa, da := request(traceA, 0)
	fb, pb, db := request(traceB, 50*time.Millisecond)
	// The files of the services in any order, requests interleaved.
	traces, stats := readLines(t, db, pa, fb, da, fa, pb)
	if len(traces) != 2 || traces[0].ID != traceA || traces[1].ID != traceB {
		t.Fatalf("traces %v, want %s then %s", traces, traceA, traceB)
	}
	if stats.Lines != 32 || stats.Skipped != 0 || stats.Records != 32 {
		t.Errorf("stats %+v", stats)
	}
	want := []string{
		"0 frontend/http-request <- ",
		"1 frontend/kv_router.select_worker <- frontend/http-request",
		"1 frontend/remote_prefill <- frontend/http-request",
		"2 prefill/http-request <- frontend/remote_prefill",
		"3 prefill/prefill <- prefill/http-request",
		"1 frontend/remote_decode <- frontend/http-request",
		"2 decode/http-request <- frontend/remote_decode",
		"3 decode/decode <- decode/http-request",
	}
	for _, tr := range traces {
		if got := rows(tr); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("trace %s rows:\n%s\nwant:\n%s", tr.ID, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if tr.Duration != 10*time.Millisecond {
			t.Errorf("trace %s lasts %v, want 10ms", tr.ID, tr.Duration)
		}
		if len(tr.Roots) != 1 || len(tr.Roots[0].Children) != 3 {
			t.Errorf("trace %s: roots %d", tr.ID, len(tr.Roots))
		}
	}
	d := traces[0].Spans[7]
	if d.Busy != 100*time.Microsecond || d.Idle != 5600*time.Microsecond || d.Duration != 5700*time.Microsecond ||
		!d.Start.Equal(t0.Add(4*time.Millisecond+time.Millisecond/5)) {
		t.Errorf("decode span: start %v busy %v idle %v duration %v", d.Start, d.Busy, d.Idle, d.Duration)
	}
}

func TestBuildWithoutCreatedLinesStartsAtCloseMinusDuration(t *testing.T) {
	var closedOnly []string
	for _, l := range span("svc", traceA, "a1", "", "root", 0, 1000, 3000) {
		if strings.Contains(l, MessageClosed) {
			closedOnly = append(closedOnly, l)
		}
	}
	traces, _ := readLines(t, closedOnly)
	s := traces[0].Spans[0]
	if !s.Start.Equal(t0) || s.Duration != 4*time.Millisecond || s.Open {
		t.Errorf("span start %v duration %v open %v", s.Start, s.Duration, s.Open)
	}
}

func TestOpenSpansAndMissingParents(t *testing.T) {
	ms := time.Millisecond
	lines := span("frontend", traceA, "f1", "", "http-request", 0, 9000, 1000)
	// decode never closed its span (it died); prefill's parent is in a file not given.
	lines = append(lines,
		line(MessageCreated, "decode", traceA, "d1", "f1", "decode", 2*ms),
		line("still decoding", "decode", traceA, "d1", "f1", "decode", 3*ms),
		line(MessageCreated, "prefill", traceA, "p1", "ffffffffffffffff", "prefill", ms),
	)
	traces, _ := readLines(t, lines)
	if len(traces) != 1 {
		t.Fatalf("%d traces", len(traces))
	}
	tr := traces[0]
	want := []string{
		"0 frontend/http-request <- ",
		"1 decode/decode <- frontend/http-request open",
		"0 prefill/prefill <-  open parent-missing",
	}
	if got := rows(tr); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if d := tr.Spans[1]; d.Duration != 8*ms || !d.End().Equal(t0.Add(10*ms)) {
		t.Errorf("open span drawn %v to %v, want to the end of the trace", d.Duration, d.End())
	}
	var out bytes.Buffer
	if err := Render(&out, tr, Options{Width: 20}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"open (no SPAN_CLOSED)",
		"(parent ffffffffffffffff not in the logs)",
		"3 spans in 3 services, 10.00ms",
		"  decode      decode    +2.00ms  |    ░░░░░░░░░░░░░░░░|    8.00ms  open",
		"http-request  frontend     +0µs  |████████████████████|   10.00ms  9.00ms busy, 1.00ms idle",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("waterfall lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRenderIsExact(t *testing.T) {
	ms := time.Millisecond
	lines := span("frontend", traceA, "f1", "", "http-request", 0, 2000, 2000)
	lines = append(lines, span("worker", traceA, "w1", "f1", "work", ms, 1090, 910)...)
	traces, _ := readLines(t, lines)
	var out bytes.Buffer
	if err := Render(&out, traces[0], Options{Width: 8}); err != nil {
		t.Fatal(err)
	}
	want := "trace " + traceA + "\n" +
		"2 spans in 2 services, 4.00ms, from 2025-09-02T16:38:06.000000Z\n" +
		"span          service     start   0 4.00ms   duration  busy, idle\n" +
		"http-request  frontend     +0µs  |████████|    4.00ms  2.00ms busy, 2.00ms idle\n" +
		"  work        worker    +1.00ms  |  ████  |    2.00ms  1.09ms busy, 910µs idle\n"
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
	out.Reset()
	if err := Render(&out, traces[0], Options{Width: 8, Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\x1b[36m████████\x1b[0m") || !strings.Contains(out.String(), "\x1b[32m████\x1b[0m") {
		t.Errorf("no coloured bars:\n%q", out.String())
	}
}

func TestChildrenOrderedByStartThenID(t *testing.T) {
	lines := span("s", traceA, "root", "", "root", 0, 100, 0)
	lines = append(lines, span("s", traceA, "c3", "root", "late", 50*time.Microsecond, 10, 0)...)
	lines = append(lines, span("s", traceA, "c2", "root", "tie-b", 10*time.Microsecond, 10, 0)...)
	lines = append(lines, span("s", traceA, "c1", "root", "tie-a", 10*time.Microsecond, 10, 0)...)
	traces, _ := readLines(t, lines)
	var names []string
	for _, s := range traces[0].Spans {
		names = append(names, s.Name)
	}
	if got := strings.Join(names, ","); got != "root,tie-a,tie-b,late" {
		t.Errorf("order %s", got)
	}
}

func TestHostileInputNeverPanics(t *testing.T) {
	long := `{"message":"SPAN_CREATED","trace_id":"` + traceA + `","span_id":"a1","span_name":"` + strings.Repeat("x", 1<<20) + `"}`
	lines := []string{
		`{"time":"2025-09-02T16:38:06.656503Z","message":"SPAN_CLOSED","trace_id":"` + traceA, // truncated
		"\xff\xfe\x00\x01binary\x00garbage",
		`{"message":"SPAN_CLOSED","trace_id":"` + traceA + `","span_id":"b` + "\xff" + `\u001b[31m","time.duration_us":"x","time.busy_us":-5}`,
		`{"message":"SPAN_CREATED","trace_id":7,"span_id":[],"time":12}`,
		`[1,2,3]`, `"string"`, `null`, ``, `{}`,
		long,
		// Parent links that loop, and a span its own parent.
		line(MessageCreated, "s", traceB, "l1", "l2", "loop-1", 0),
		line(MessageCreated, "s", traceB, "l2", "l1", "loop-2", time.Millisecond),
		line(MessageCreated, "s", traceB, "self", "self", "self", 2*time.Millisecond),
		line(MessageClosed, "s", traceB, "l2", "l1", "loop-2", 3*time.Millisecond, -1, -1),
	}
	traces, stats := readLines(t, lines)
	if stats.Skipped != 6 {
		t.Errorf("skipped %d lines, want 6 (truncated, binary, array, string, null, empty)", stats.Skipped)
	}
	if len(traces) != 2 {
		t.Fatalf("%d traces, want 2", len(traces))
	}
	for _, tr := range traces {
		var out bytes.Buffer
		if err := Render(&out, tr, Options{}); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "\x1b") {
			t.Errorf("an escape reached the terminal:\n%q", out.String())
		}
		if out.Len() > 10000 {
			t.Errorf("a 1 MB name was drawn whole (%d bytes)", out.Len())
		}
		if err := WriteJSON(&out, []*Trace{tr}, stats); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(traces[1].Spans); got != 3 {
		t.Errorf("the looping trace has %d rows, want 3: %v", got, rows(traces[1]))
	}
}

func TestWriteJSON(t *testing.T) {
	fa, pa, da := request(traceA, 0)
	traces, stats := readLines(t, fa, pa, da[:len(da)-1]) // decode's last SPAN_CLOSED lost
	var out bytes.Buffer
	if err := WriteJSON(&out, traces, stats); err != nil {
		t.Fatal(err)
	}
	var doc JSONOutput
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, out.String())
	}
	if len(doc.Traces) != 1 || len(doc.Traces[0].Spans) != 8 || doc.Lines != 15 {
		t.Fatalf("%+v", doc)
	}
	tr := doc.Traces[0]
	if tr.TraceID != traceA || tr.DurationUS != 10000 || strings.Join(tr.Services, ",") != "frontend,prefill,decode" {
		t.Errorf("trace %+v", tr)
	}
	last := tr.Spans[7]
	if last.Name != "decode" || !last.Open || last.BusyUS != nil || last.Depth != 3 || last.ParentID != "d1"+traceA[:4] {
		t.Errorf("open span %+v", last)
	}
	first := tr.Spans[0]
	if first.BusyUS == nil || *first.BusyUS != 10000 || first.OffsetUS != 0 || first.ParentID != "" {
		t.Errorf("root %+v", first)
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                        "0µs",
		850 * time.Microsecond:   "850µs",
		1090 * time.Microsecond:  "1.09ms",
		2120 * time.Millisecond:  "2.12s",
		185 * time.Second:        "3m5s",
		-1500 * time.Microsecond: "-1.50ms",
		100 * time.Hour:          "100h0m0s",
	} {
		_ = FormatDuration(time.Duration(1<<63 - 1))
		_ = FormatDuration(time.Duration(-1 << 63))
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%d) = %q, want %q", d, got, want)
		}
	}
}
