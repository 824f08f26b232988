package main

import (
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// heldAfter runs readTraces on a generated file of n lines and returns the
// heap still in use once it is done, with what it returned alive: the
// memory trace holds to draw, which must not grow with the input.
func heldAfter(t *testing.T, n int, traceID, requestID string) (held uint64, spans int, summary bool) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.jsonl")
	writeSpeedFile(t, path, n)
	return heldReading(t, path, traceID, requestID)
}

// heldReading runs readTraces on path and returns what heldAfter does.
func heldReading(t *testing.T, path, traceID, requestID string) (held uint64, spans int, summary bool) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b, sum, _, err := readTraces([]string{path}, nil, traceID, requestID, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(b)
	runtime.KeepAlive(sum)
	if after.HeapAlloc < before.HeapAlloc {
		return 0, b.Spans(), sum != nil
	}
	return after.HeapAlloc - before.HeapAlloc, b.Spans(), sum != nil
}

// TestTraceMemoryDoesNotGrowWithInput reads 5,000 and 25,000 generated
// lines (two spans per five lines): with --trace, with --request-id and
// with neither (past maxHeldSpans, a summary) what trace holds afterwards
// stays the same, where holding every span would take five times as much.
func TestTraceMemoryDoesNotGrowWithInput(t *testing.T) {
	old := maxHeldSpans
	maxHeldSpans = 1000
	defer func() { maxHeldSpans = old }()
	// The generator's request 3: its trace_id and x_request_id.
	req := uint64(3)
	trace3 := fmt.Sprintf("%016x%016x", req*0x9e3779b97f4a7c15, req+1)
	request3 := fmt.Sprintf("8372eac7-5f43-4d76-beca-%012x", 3)
	for _, tc := range []struct {
		name               string
		traceID, requestID string
		wantSpans          int
		wantSummary        bool
	}{
		{"--trace", trace3, "", 2, false},
		{"--request-id", "", request3, 2, false},
		{"no filter", "", "", 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			small, spans, summary := heldAfter(t, 5_000, tc.traceID, tc.requestID)
			if spans != tc.wantSpans || summary != tc.wantSummary {
				t.Fatalf("5,000 lines: %d spans held, summary %v; want %d, %v", spans, summary, tc.wantSpans, tc.wantSummary)
			}
			large, spans, summary := heldAfter(t, 25_000, tc.traceID, tc.requestID)
			if spans != tc.wantSpans || summary != tc.wantSummary {
				t.Fatalf("25,000 lines: %d spans held, summary %v; want %d, %v", spans, summary, tc.wantSpans, tc.wantSummary)
			}
			// 10,000 spans held would be megabytes; allow 1 MiB of noise.
			if large > small+1<<20 {
				t.Errorf("held %d bytes after 5,000 lines, %d after 25,000", small, large)
			}
			t.Logf("held %d bytes after 5,000 lines, %d after 25,000", small, large)
		})
	}
}

// TestTraceSummaryPastTheLimit: with more spans than trace holds and no
// filter, it prints the counts and the longest roots, longest first.
func TestTraceSummaryPastTheLimit(t *testing.T) {
	old := maxHeldSpans
	maxHeldSpans = 10
	defer func() { maxHeldSpans = old }()
	_, files := serviceFiles(t, nil)
	var out, errOut bytes.Buffer
	if code := run(append([]string{"trace"}, files...), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if errOut.String() != "dynlog trace: more than 10 spans, too many to draw at once; a summary instead\n" {
		t.Errorf("stderr %q", errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 4 || lines[0] != "24 spans closed, 3 of them roots; the 3 longest roots (draw one with dynlog trace --trace ID):" {
		t.Fatalf("stdout:\n%s", out.String())
	}
	for _, l := range lines[1:] {
		if !strings.Contains(l, "  http-request  dynamo_llm::http_service") {
			t.Errorf("row %q", l)
		}
	}
	doc, code, _ := traceJSON(t, files...)
	if code != 0 || doc.Summary == nil || doc.Summary.Roots != 3 || len(doc.Summary.Longest) != 3 || len(doc.Traces) != 0 {
		t.Fatalf("--json: exit %d, %+v", code, doc)
	}
	for i := 1; i < 3; i++ {
		if doc.Summary.Longest[i].DurationUS > doc.Summary.Longest[i-1].DurationUS {
			t.Errorf("roots out of order: %+v", doc.Summary.Longest)
		}
	}
}

// TestTraceMemoryOfOneHugeTrace: --trace and --request-id on one trace of
// 5,000 and of 25,000 spans, in parent loops, hold maxHeldSpans spans and
// the same memory either way.
func TestTraceMemoryOfOneHugeTrace(t *testing.T) {
	old := maxHeldSpans
	maxHeldSpans = 1000
	defer func() { maxHeldSpans = old }()
	small := writeSpans(t, bigTrace, 5_000, loopPairs, nil)
	large := writeSpans(t, bigTrace, 25_000, loopPairs, func(i int) int { return 25_000 - i }) // latest first: every span replaces one
	for _, tc := range []struct{ name, traceID, requestID string }{
		{"--trace", bigTrace, ""},
		{"--request-id", "", "req-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			heldSmall, spans, summary := heldReading(t, small, tc.traceID, tc.requestID)
			if spans != 1000 || summary {
				t.Fatalf("5,000 spans: %d held, summary %v; want 1000, false", spans, summary)
			}
			heldLarge, spans, summary := heldReading(t, large, tc.traceID, tc.requestID)
			if spans != 1000 || summary {
				t.Fatalf("25,000 spans: %d held, summary %v; want 1000, false", spans, summary)
			}
			// 24,000 more spans held would be megabytes; allow 1 MiB of noise.
			if heldLarge > heldSmall+1<<20 {
				t.Errorf("held %d bytes after 5,000 spans, %d after 25,000", heldSmall, heldLarge)
			}
			t.Logf("held %d bytes after 5,000 spans, %d after 25,000", heldSmall, heldLarge)
		})
	}
}
