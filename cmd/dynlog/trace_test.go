package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
)

// serviceFiles runs the demo in JSONL and writes each service's lines to a
// file of its own, as three processes would: frontend.jsonl, prefill.jsonl,
// decode.jsonl in a temporary directory. keep, when not nil, says which
// lines go in.
func serviceFiles(t *testing.T, keep func(line map[string]any) bool) (dir string, files []string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--format", "jsonl"}, &out, &errOut); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut.String())
	}
	lines, _ := demoOutput(t, out.String())
	dir = t.TempDir()
	byTarget := map[string]*bytes.Buffer{}
	for _, target := range demoTargets {
		byTarget[target] = &bytes.Buffer{}
	}
	for _, l := range lines {
		if keep != nil && !keep(l) {
			continue
		}
		b, _ := json.Marshal(l)
		byTarget[l["target"].(string)].Write(append(b, '\n'))
	}
	for i, name := range []string{"frontend.jsonl", "prefill.jsonl", "decode.jsonl"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, byTarget[demoTargets[i]].Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, path)
	}
	return dir, files
}

// traceJSON runs trace --json with args and decodes its output.
func traceJSON(t *testing.T, args ...string) (waterfall.JSONOutput, int, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(append([]string{"trace", "--json"}, args...), &out, &errOut)
	var doc waterfall.JSONOutput
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("trace --json %v printed no JSON document: %v\n%s", args, err, out.String())
	}
	return doc, code, errOut.String()
}

// wantRows is each request's tree: depth, span name, target and the parent
// (its row index; -1 for the root).
var wantRows = []struct {
	depth        int
	name, target string
	parent       int
}{
	{0, "http-request", frontendTarget, -1},
	{1, "kv_router.select_worker", frontendTarget, 0},
	{1, "remote_prefill", frontendTarget, 0},
	{2, "http-request", prefillTarget, 2},
	{3, "prefill", prefillTarget, 3},
	{1, "remote_decode", frontendTarget, 0},
	{2, "http-request", decodeTarget, 5},
	{3, "decode", decodeTarget, 6},
}

// TestTraceJoinsServiceFiles: the three services' files,
// written separately, give one tree per request, depth and parentage right.
func TestTraceJoinsServiceFiles(t *testing.T) {
	_, files := serviceFiles(t, nil)
	// The files in an order other than the calls'.
	doc, code, stderr := traceJSON(t, files[2], files[0], files[1])
	if code != 0 || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if len(doc.Traces) != 3 {
		t.Fatalf("%d traces, want 3 (one per request)", len(doc.Traces))
	}
	if doc.Traces[0].XRequestID != demoRequestID {
		t.Errorf("first trace has x_request_id %q, want the first request's", doc.Traces[0].XRequestID)
	}
	for _, tr := range doc.Traces {
		if len(tr.Spans) != len(wantRows) {
			t.Errorf("trace %s: %d rows, want %d", tr.TraceID, len(tr.Spans), len(wantRows))
			continue
		}
		for i, w := range wantRows {
			s := tr.Spans[i]
			parent := ""
			if w.parent >= 0 {
				parent = tr.Spans[w.parent].SpanID
			}
			if s.Depth != w.depth || s.Name != w.name || s.Target != w.target || s.ParentID != parent || s.Open || s.ParentMissing {
				t.Errorf("trace %s row %d: %+v, want depth %d %s %s parent %q", tr.TraceID, i, s, w.depth, w.name, w.target, parent)
			}
			if s.BusyUS == nil || s.IdleUS == nil || *s.BusyUS+*s.IdleUS != s.DurationUS || s.OffsetUS < 0 || s.OffsetUS+s.DurationUS > tr.DurationUS {
				t.Errorf("trace %s row %d: times %+v outside the trace's %dµs", tr.TraceID, i, s, tr.DurationUS)
			}
		}
	}

	// The drawing: the first request, chosen by x-request-id, then by trace_id prefix.
	for _, args := range [][]string{
		{"--request-id", demoRequestID},
		{"--trace", doc.Traces[0].TraceID[:8]},
		{"--request-id", doc.Traces[0].RequestID}, // request_id matches too
	} {
		var out, errOut bytes.Buffer
		if code := run(append(append([]string{"trace"}, args...), files...), &out, &errOut); code != 0 {
			t.Fatalf("trace %v: exit %d: %s", args, code, errOut.String())
		}
		s := out.String()
		if strings.Count(s, "\ntrace ") != 0 || !strings.HasPrefix(s, "trace "+doc.Traces[0].TraceID+"  x_request_id="+demoRequestID) {
			t.Errorf("trace %v: not one trace, the first request's:\n%s", args, s)
		}
		for _, want := range []string{
			"\n    http-request           dynamo_llm::decode      ",
			"\n      decode               dynamo_llm::decode      ",
			" busy, ",
		} {
			if !strings.Contains(s, want) {
				t.Errorf("trace %v lacks %q:\n%s", args, want, s)
			}
		}
	}
	// All three, one after the other.
	var out, errOut bytes.Buffer
	if code := run(append([]string{"trace", "--width", "10"}, files...), &out, &errOut); code != 0 || strings.Count(out.String(), "8 spans in 3 services") != 3 {
		t.Errorf("trace of all: exit %d, %s\n%s", code, errOut.String(), out.String())
	}
}

// TestTraceOpenAndOrphanSpans drops the decode worker's SPAN_CLOSED lines
// (it died) and reads the decode file alone (its caller's file missing).
func TestTraceOpenAndOrphanSpans(t *testing.T) {
	_, files := serviceFiles(t, func(l map[string]any) bool {
		return l["target"] != decodeTarget || l["message"] != "SPAN_CLOSED"
	})
	doc, code, _ := traceJSON(t, files...)
	if code != 0 || len(doc.Traces) != 3 {
		t.Fatalf("exit %d, %d traces", code, len(doc.Traces))
	}
	for _, tr := range doc.Traces {
		for i, s := range tr.Spans {
			open := s.Target == decodeTarget
			if s.Open != open || (open && (s.BusyUS != nil || s.OffsetUS+s.DurationUS != tr.DurationUS)) {
				t.Errorf("row %d %s/%s: open %v, %+v", i, s.Target, s.Name, s.Open, s)
			}
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"trace", "--request-id", demoRequestID, files[0], files[2]}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Count(out.String(), "open (no SPAN_CLOSED)") != 2 {
		t.Errorf("want the decode spans open:\n%s", out.String())
	}

	doc, code, _ = traceJSON(t, files[2]) // decode alone
	if code != 0 || len(doc.Traces) != 3 {
		t.Fatalf("decode alone: exit %d, %d traces", code, len(doc.Traces))
	}
	for _, tr := range doc.Traces {
		if len(tr.Spans) != 2 || !tr.Spans[0].ParentMissing || tr.Spans[0].Depth != 0 || tr.Spans[1].Depth != 1 {
			t.Errorf("decode alone: %+v", tr.Spans)
		}
	}
}

// TestTraceHostileInput: truncated lines, invalid UTF-8, a 1 MB line and
// binary garbage among the lines never make trace panic, and the spans
// still come out.
func TestTraceHostileInput(t *testing.T) {
	dir, files := serviceFiles(t, nil)
	good, err := os.ReadFile(files[1])
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := bytes.Cut(good, []byte("\n"))
	var hostile bytes.Buffer
	hostile.Write(first[:len(first)/2]) // truncated
	hostile.WriteString("\n\xff\xfe\xfd invalid UTF-8 \xc3\x28\n")
	hostile.WriteString(`{"message":"SPAN_CREATED","trace_id":"` + "\xff\xfe" + `","span_id":"` + "\x00\x01" + `"}` + "\n")
	hostile.WriteString(`{"message":"SPAN_CLOSED","trace_id":"t","span_id":"s","span_name":"` + strings.Repeat("é", 1<<19) + `","time.duration_us":99999999999999999999}` + "\n")
	hostile.Write(bytes.Repeat([]byte{0, 0x1b, 0x9b, 0xff, '\r', '{'}, 1<<16))
	hostile.WriteString("\n")
	hostile.Write(good)
	hostile.WriteString(`{"time":"2025-13-45T99:99:99Z","message":"SPAN_CLOSED","trace_id":"x","span_id":"y","parent_id":"y","time.busy_us":"1","time.idle_us":{}}`)
	path := filepath.Join(dir, "hostile.jsonl")
	if err := os.WriteFile(path, hostile.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{path}, {"--json", path}, {path, files[0], files[2], filepath.Join(dir, "missing.jsonl")}} {
		var out, errOut bytes.Buffer
		code := run(append([]string{"trace"}, args...), &out, &errOut)
		if !strings.Contains(errOut.String(), "dynlog trace: skipped 4 of ") {
			t.Errorf("%v: stderr %q, want the skipped lines counted", args, errOut.String())
		}
		if strings.ContainsAny(out.String(), "\x1b\x00\u009b") {
			t.Errorf("%v: control bytes reached stdout", args)
		}
		if args[0] != "--json" && out.Len() > 1<<16 { // JSON keeps names whole; drawings cut them
			t.Errorf("%v: %d bytes of output", args, out.Len())
		}
		if len(args) == 4 {
			if code != 1 || !strings.Contains(errOut.String(), "missing.jsonl") || strings.Count(out.String(), "8 spans in 3 services") != 3 {
				t.Errorf("with a missing file: exit %d (want 1), stderr %q, out\n%s", code, errOut.String(), out.String())
			}
		} else if code != 0 {
			t.Errorf("%v: exit %d: %s", args, code, errOut.String())
		}
	}

	// Nothing but garbage: no trace, exit 1, one line; stdin when no file.
	var out, errOut bytes.Buffer
	if code := trace(nil, bytes.NewReader(bytes.Repeat([]byte{0xff, 0, '\n'}, 1000)), &out, &errOut); code != 1 ||
		errOut.String() != "dynlog trace: skipped 1000 of 1000 lines: not JSON objects\n"+
			"dynlog trace: no spans in 1000 lines (span events need DYN_LOGGING_SPAN_EVENTS or the JSONL layout)\n" {
		t.Errorf("garbage: exit %d, stderr %q", code, errOut.String())
	}
}

func TestTraceSelectsNothing(t *testing.T) {
	_, files := serviceFiles(t, nil)
	var out, errOut bytes.Buffer
	if code := run(append([]string{"trace", "--trace", "ffff"}, files...), &out, &errOut); code != 1 ||
		errOut.String() != "dynlog trace: no trace of the 69 span lines read matches trace_id \"ffff\"\n" {
		t.Errorf("exit %d, stderr %q", code, errOut.String())
	}
	doc, code, _ := traceJSON(t, append([]string{"--request-id", "nope"}, files...)...)
	if code != 1 || doc.Traces == nil || len(doc.Traces) != 0 {
		t.Errorf("--json with no match: exit %d, %+v", code, doc)
	}
}

func TestTraceUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		line string
	}{
		{[]string{"trace", "--width", "-3"}, "dynlog trace: --width -3 is not between 1 and 1000 (try dynlog trace --help)\n"},
		{[]string{"trace", "--bogus"}, "dynlog trace: flag provided but not defined: -bogus (try dynlog trace --help)\n"},
		{[]string{"trace", "--trace"}, "dynlog trace: flag needs an argument: -trace (try dynlog trace --help)\n"},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != 2 || errOut.String() != tc.line || out.Len() != 0 {
			t.Errorf("%v: exit %d, stderr %q, want 2 and %q", tc.args, code, errOut.String(), tc.line)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"trace", "--help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "Usage: dynlog trace") {
		t.Errorf("trace --help: exit %d, %q", code, fmt.Sprint(out.String(), errOut.String()))
	}
}

// writeSpans writes the SPAN_CREATED and SPAN_CLOSED lines of n spans of
// one trace, span i starting i microseconds in (at(i) when at is not nil)
// with parentOf(i) as its parent_id ("" for a root), x_request_id
// "req-1", each span's SPAN_CREATED line first, and returns the file's
// path.
func writeSpans(t testing.TB, trace string, n int, parentOf func(i int) string, at func(i int) int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "spans.jsonl")
	var b bytes.Buffer
	t0 := time.Date(2025, 9, 2, 16, 38, 6, 0, time.UTC)
	for i := range n {
		start := i
		if at != nil {
			start = at(i)
		}
		parent := ""
		if p := parentOf(i); p != "" {
			parent = `,"parent_id":"` + p + `"`
		}
		for _, ev := range []struct {
			msg   string
			at    int
			times string
		}{
			{"SPAN_CREATED", start, ""},
			{"SPAN_CLOSED", start + 10, `,"time.busy_us":10,"time.duration_us":10,"time.idle_us":0`},
		} {
			fmt.Fprintf(&b, `{"time":%q,"level":"INFO","target":"svc","message":%q,"trace_id":%q,"span_id":"s%d","span_name":"work","x_request_id":"req-1"%s%s}`+"\n",
				t0.Add(time.Duration(ev.at)*time.Microsecond).Format("2006-01-02T15:04:05.000000Z"), ev.msg, trace, i, parent, ev.times)
		}
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// loopPairs makes span i and span i^1 each other's parent.
func loopPairs(i int) string { return fmt.Sprintf("s%d", i^1) }

// binaryTree makes span i a child of span (i-1)/2: a tree, its root s0.
func binaryTree(i int) string {
	if i == 0 {
		return ""
	}
	return fmt.Sprintf("s%d", (i-1)/2)
}

const bigTrace = "4bf92f3577b34da6a3ce929d0e0e4736"

// TestTraceLoopsOfParents draws 40,000 spans that are each other's
// parents, in pairs, and a 40,000-span tree, through trace: each span in
// exactly one row, at one more than its parent's depth, each pair cut at
// its first span, drawn as a root with parent_loop.
func TestTraceLoopsOfParents(t *testing.T) {
	const n = 40_000
	for _, tc := range []struct {
		name     string
		parentOf func(int) string
		roots    int
	}{
		{"pairs of loops", loopPairs, n / 2},
		{"tree", binaryTree, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeSpans(t, bigTrace, n, tc.parentOf, nil)
			doc, code, stderr := traceJSON(t, path)
			if code != 0 || stderr != "" || len(doc.Traces) != 1 {
				t.Fatalf("exit %d, stderr %q, %d traces", code, stderr, len(doc.Traces))
			}
			rows := doc.Traces[0].Spans
			if len(rows) != n {
				t.Fatalf("%d rows, want %d", len(rows), n)
			}
			// Depth first: a row's parent is the last row before it one
			// level up.
			var path2 []string // the span IDs from the root to the row before
			seen := map[string]bool{}
			roots := 0
			for i, s := range rows {
				if seen[s.SpanID] {
					t.Fatalf("row %d: span %s drawn twice", i, s.SpanID)
				}
				seen[s.SpanID] = true
				if s.Depth > len(path2) {
					t.Fatalf("row %d: depth %d under %d levels", i, s.Depth, len(path2))
				}
				path2 = path2[:s.Depth]
				if s.Depth == 0 {
					roots++
					if s.ParentLoop != (tc.parentOf(0) != "") || s.ParentMissing {
						t.Fatalf("row %d, a root: %+v", i, s)
					}
				} else if s.ParentID != path2[s.Depth-1] || s.ParentLoop || s.ParentMissing {
					t.Fatalf("row %d: span %s with parent %s drawn under %s", i, s.SpanID, s.ParentID, path2[s.Depth-1])
				}
				path2 = append(path2, s.SpanID)
			}
			if roots != tc.roots {
				t.Errorf("%d roots, want %d", roots, tc.roots)
			}
		})
	}
}

// TestTracePastTheBound: --trace and --request-id hold at most
// maxHeldSpans spans: past it they draw those that start first, say so on
// stderr, give the count in the JSON, and exit 0.
func TestTracePastTheBound(t *testing.T) {
	old := maxHeldSpans
	maxHeldSpans = 5
	defer func() { maxHeldSpans = old }()
	// Eight spans of a tree, the last three in the file starting first.
	path := writeSpans(t, bigTrace, 8, binaryTree, func(i int) int { return (i + 3) % 8 * 100 })
	for _, tc := range []struct {
		args []string
		line string
	}{
		{[]string{"--trace", bigTrace[:8]}, `dynlog trace: more than 5 spans match trace_id "4bf92f35"; drawing the 5 that start first and skipping 6 lines of other spans` + "\n"},
		{[]string{"--request-id", "req-1"}, `dynlog trace: more than 5 spans match request id "req-1"; drawing the 5 that start first and skipping 6 lines of other spans` + "\n"},
	} {
		doc, code, stderr := traceJSON(t, append(tc.args, path)...)
		if code != 0 || stderr != tc.line {
			t.Errorf("%v: exit %d, stderr %q; want 0, %q", tc.args, code, stderr, tc.line)
		}
		if len(doc.Traces) != 1 || doc.Dropped != 6 {
			t.Fatalf("%v: %d traces, %d lines dropped", tc.args, len(doc.Traces), doc.Dropped)
		}
		var rows []string
		for _, s := range doc.Traces[0].Spans {
			rows = append(rows, fmt.Sprintf("%d:%s:%v", s.Depth, s.SpanID, s.ParentMissing))
		}
		// s5, s6, s7 start first; s0 and s1 next: s5 and s6 hang from s2,
		// not held, s7 from s3, not held either.
		if got, want := strings.Join(rows, " "), "0:s5:true 0:s6:true 0:s7:true 0:s0:false 1:s1:false"; got != want {
			t.Errorf("%v: rows %s, want %s", tc.args, got, want)
		}
	}

	// The drawing says the same on stderr.
	var out, errOut bytes.Buffer
	if code := run([]string{"trace", "--trace", bigTrace, path}, &out, &errOut); code != 0 ||
		errOut.String() != `dynlog trace: more than 5 spans match trace_id "`+bigTrace+`"; drawing the 5 that start first and skipping 6 lines of other spans`+"\n" ||
		!strings.HasPrefix(out.String(), "trace "+bigTrace+"  x_request_id=req-1\n5 spans in 1 service, ") {
		t.Errorf("exit %d, stderr %q, out\n%s", code, errOut.String(), out.String())
	}

	// More traces of the request than spans held: the first found.
	maxHeldSpans = 2
	var files []string
	for _, id := range []string{"aaaa", "bbbb", "cccc"} {
		files = append(files, writeSpans(t, strings.Repeat(id, 8), 1, func(int) string { return "" }, nil))
	}
	doc, code, stderr := traceJSON(t, append([]string{"--request-id", "req-1"}, files...)...)
	if code != 0 || stderr != `dynlog trace: more than 2 traces have request id "req-1"; keeping the first 2 found`+"\n" ||
		len(doc.Traces) != 2 || doc.Traces[0].TraceID != strings.Repeat("aaaa", 8) || doc.Traces[1].TraceID != strings.Repeat("bbbb", 8) {
		t.Errorf("exit %d, stderr %q, %+v", code, stderr, doc.Traces)
	}
}
