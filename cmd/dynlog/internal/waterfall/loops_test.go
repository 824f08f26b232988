package waterfall

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// rec is a SPAN_CLOSED record of a span of traceA that starts at t0+at
// and lasts 10µs.
func rec(id, parent string, at time.Duration) Record {
	return Record{Time: t0.Add(at + 10*time.Microsecond), Target: "s", Message: MessageClosed,
		TraceID: traceA, SpanID: id, ParentID: parent, SpanName: "n-" + id,
		DurationUS: 10, BusyUS: 10, HasTimes: true}
}

// checkRows fails unless every span of tr is in exactly one row, at one
// more than its parent's depth, and the rows are the tree's depth-first
// order.
func checkRows(t *testing.T, tr *Trace, n int) {
	t.Helper()
	if len(tr.Spans) != n {
		t.Fatalf("%d rows, want %d", len(tr.Spans), n)
	}
	i := 0
	type item struct {
		s     *Span
		depth int
	}
	var stack []item
	for j := len(tr.Roots) - 1; j >= 0; j-- {
		stack = append(stack, item{tr.Roots[j], 0})
	}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i >= n || tr.Spans[i] != it.s || it.s.Depth != it.depth {
			t.Fatalf("row %d: not span %q at depth %d", i, it.s.ID, it.depth)
		}
		i++
		for j := len(it.s.Children) - 1; j >= 0; j-- {
			stack = append(stack, item{it.s.Children[j], it.depth + 1})
		}
	}
	if i != n {
		t.Fatalf("the tree holds %d spans, the rows %d", i, n)
	}
}

// TestBuildWorkIsLinear counts build's work (spans followed along their
// parent links and spans visited) on 40,000 spans linked every way a file
// can link them: it must stay within a few steps a span, where looking
// for each loop's parent among all the spans takes n²/2.
func TestBuildWorkIsLinear(t *testing.T) {
	const n = 40_000
	us := time.Microsecond
	shapes := map[string]func(i int) Record{
		"pairs of loops": func(i int) Record { // A's parent B, B's A
			return rec(fmt.Sprint(i), fmt.Sprint(i^1), time.Duration(i)*us)
		},
		"one long loop": func(i int) Record {
			return rec(fmt.Sprint(i), fmt.Sprint((i+1)%n), time.Duration(i)*us)
		},
		"loop started last": func(i int) Record { // followed from its end
			return rec(fmt.Sprint(i), fmt.Sprint((i+1)%n), time.Duration(n-i)*us)
		},
		"self-parents": func(i int) Record {
			return rec(fmt.Sprint(i), fmt.Sprint(i), time.Duration(i)*us)
		},
		"deep chain": func(i int) Record {
			parent := ""
			if i > 0 {
				parent = fmt.Sprint(i - 1)
			}
			return rec(fmt.Sprint(i), parent, time.Duration(i)*us)
		},
		"deep chain, children first": func(i int) Record {
			parent := ""
			if i > 0 {
				parent = fmt.Sprint(i - 1)
			}
			return rec(fmt.Sprint(i), parent, time.Duration(n-i)*us)
		},
		"chains into a loop": func(i int) Record { // 0 and 1 loop; i's parent is i-2
			parent := i - 2
			if i < 2 {
				parent = 1 - i
			}
			return rec(fmt.Sprint(i), fmt.Sprint(parent), time.Duration(i)*us)
		},
		"wide": func(i int) Record {
			parent := "0"
			if i == 0 {
				parent = ""
			}
			return rec(fmt.Sprint(i), parent, time.Duration(i%7)*us)
		},
		"missing parents": func(i int) Record {
			return rec(fmt.Sprint(i), "gone", time.Duration(i)*us)
		},
	}
	for name, shape := range shapes {
		t.Run(name, func(t *testing.T) {
			records := make([]Record, n)
			for i := range records {
				records[i] = shape(i)
			}
			traces := Build(records)
			if len(traces) != 1 {
				t.Fatalf("%d traces", len(traces))
			}
			tr := traces[0]
			checkRows(t, tr, n)
			if tr.steps > 4*n {
				t.Errorf("%d steps for %d spans, want at most %d", tr.steps, n, 4*n)
			}
			t.Logf("%d steps, %d roots", tr.steps, len(tr.Roots))
		})
	}
}

// TestLoopsAreCutAtTheirFirstSpan: each loop of parent links (a span its
// own parent, two spans each other's, two spans with the same start) is
// cut at its span that starts first, then by span_id, drawn as a root
// with a note; a span hanging from a loop stays under its parent even
// when it starts before the loop; a parent in another trace is missing;
// a span's lines logged twice make one row.
func TestLoopsAreCutAtTheirFirstSpan(t *testing.T) {
	ms := time.Millisecond
	var lines []string
	add := func(id, parent string, at time.Duration) {
		lines = append(lines, span("s", traceA, id, parent, "n-"+id, at, 100, 0)...)
	}
	add("r", "", 0)
	add("d", "r", ms/5)
	add("d", "r", ms/5) // the same span logged twice
	add("self", "self", ms/2)
	add("c2", "b", 9*ms/10) // hangs from the loop, starts before it
	add("a", "b", ms)
	add("b", "a", 2*ms)
	add("c", "a", 3*ms)
	add("x", "q1", 4*ms) // q1 is in the other trace
	add("e1", "e0", 5*ms)
	add("e0", "e1", 5*ms)
	lines = append(lines, span("s", traceB, "q1", "", "other", 0, 100, 0)...)
	traces, _ := readLines(t, lines)
	if len(traces) != 2 || traces[0].ID != traceB {
		t.Fatalf("traces %v", traces)
	}
	tr := traces[1]
	var out bytes.Buffer
	if err := Render(&out, tr, Options{Width: 10}); err != nil {
		t.Fatal(err)
	}
	want := `trace 425ef761ca5b44c795b4c912f1d84b39
10 spans in 1 service, 5.10ms, from 2025-09-02T16:38:06.000000Z
span      service    start   0   5.10ms   duration  busy, idle
n-r       s           +0µs  |█         |     100µs  100µs busy, 0µs idle
  n-d     s         +200µs  |█         |     100µs  100µs busy, 0µs idle
n-self    s         +500µs  |██        |     100µs  100µs busy, 0µs idle  (parent self loops back to this span: drawn as a root)
n-a       s        +1.00ms  | ██       |     100µs  100µs busy, 0µs idle  (parent b loops back to this span: drawn as a root)
  n-b     s        +2.00ms  |   ██     |     100µs  100µs busy, 0µs idle
    n-c2  s         +900µs  | █        |     100µs  100µs busy, 0µs idle
  n-c     s        +3.00ms  |     ██   |     100µs  100µs busy, 0µs idle
n-x       s        +4.00ms  |       ██ |     100µs  100µs busy, 0µs idle  (parent q1 not in the logs)
n-e0      s        +5.00ms  |         █|     100µs  100µs busy, 0µs idle  (parent e1 loops back to this span: drawn as a root)
  n-e1    s        +5.00ms  |         █|     100µs  100µs busy, 0µs idle
`
	if out.String() != want {
		t.Errorf("drawn:\n%s\nwant:\n%s", out.String(), want)
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, []*Trace{tr}, Stats{}); err != nil {
		t.Fatal(err)
	}
	var flags []string
	for _, s := range ToJSON(tr).Spans {
		flags = append(flags, fmt.Sprintf("%s:%d:%v:%v", s.SpanID, s.Depth, s.ParentMissing, s.ParentLoop))
	}
	if got, want := strings.Join(flags, " "), "r:0:false:false d:1:false:false self:0:false:true a:0:false:true b:1:false:false "+
		"c2:2:false:false c:1:false:false x:0:true:false e0:0:false:true e1:1:false:false"; got != want {
		t.Errorf("JSON rows (id:depth:parent_missing:parent_loop)\n%s\nwant\n%s", got, want)
	}
	if !strings.Contains(js.String(), `"span_id": "a",
          "parent_id": "b",
          "parent_loop": true,
`) {
		t.Errorf("JSON lacks parent_loop:\n%s", js.String())
	}
}

// TestMaxKeepsTheSpansThatStartFirst: with Max 3 and ten spans whose lines
// come latest first (each new span replaces one held), the Builder holds
// the three that start first, whole, and counts every other line; it
// keeps nothing of the traces whose spans it dropped.
func TestMaxKeepsTheSpansThatStartFirst(t *testing.T) {
	var closes, opens []string
	for i := 9; i >= 0; i-- {
		l := span("s", traceA+fmt.Sprint(i), fmt.Sprint("s", i), "", fmt.Sprint("n", i), time.Duration(i)*time.Millisecond, 100, 0)
		opens, closes = append(opens, l[0]), append(closes, l[1])
	}
	b := Builder{Max: 3}
	for _, l := range append(closes, opens...) {
		b.AddLine([]byte(l))
	}
	if b.Stats.Records != 20 || b.Stats.Dropped != 14 || b.Spans() != 3 || len(b.traces) != 3 {
		t.Fatalf("stats %+v, %d spans held in %d traces; want 20 records, 14 dropped, 3 spans in 3", b.Stats, b.Spans(), len(b.traces))
	}
	var got []string
	for _, tr := range b.Traces() {
		for _, s := range tr.Spans {
			got = append(got, fmt.Sprintf("%s %s %v %v", tr.ID[len(tr.ID)-1:], s.ID, s.Start.Sub(t0), s.Duration))
		}
	}
	if want := "0 s0 0s 100µs,1 s1 1ms 100µs,2 s2 2ms 100µs"; strings.Join(got, ",") != want {
		t.Errorf("held %s, want %s", strings.Join(got, ","), want)
	}
}

// TestMaxSetLate: Max set, or lowered, after spans were added applies at
// the next record, keeping the spans that start first.
func TestMaxSetLate(t *testing.T) {
	var b Builder
	for i := 5; i >= 0; i-- {
		b.Add(rec(fmt.Sprint(i), "", time.Duration(i)*time.Millisecond))
	}
	b.Max = 4
	b.Add(rec("9", "", 9*time.Millisecond))
	b.Max = 2
	b.Add(rec("1", "", time.Millisecond)) // a second line of a span held
	var got []string
	for _, s := range b.Traces()[0].Spans {
		got = append(got, s.ID)
	}
	if strings.Join(got, ",") != "0,1" || b.Stats.Dropped != 5 {
		t.Errorf("held %v, %d dropped; want 0,1 and 5", got, b.Stats.Dropped)
	}
}
