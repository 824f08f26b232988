package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/internal/otlptest"
)

var demoTargets = []string{frontendTarget, prefillTarget, decodeTarget}

// demoOutput splits what demo --format jsonl printed: the services' JSONL
// lines, decoded, and the text after them (the waterfall).
func demoOutput(t *testing.T, out string) (lines []map[string]any, rest string) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	var text strings.Builder
	for sc.Scan() {
		l := sc.Text()
		if text.Len() == 0 && strings.HasPrefix(l, "{") {
			var m map[string]any
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatalf("demo printed a line that is not JSON: %v\n%s", err, l)
			}
			lines = append(lines, m)
			continue
		}
		text.WriteString(l + "\n")
	}
	return lines, text.String()
}

// TestDemo: the demo exits 0, its output has SPAN_CLOSED
// lines of all three services sharing one trace_id for the request with
// the x-request-id, and the waterfall of that request.
func TestDemo(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--format", "jsonl"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if errOut.Len() != 0 {
		t.Errorf("demo wrote to stderr: %q", errOut.String())
	}
	lines, waterfallText := demoOutput(t, out.String())

	closedBy := map[string]int{} // target -> SPAN_CLOSED lines of the request
	traceIDs := map[string]bool{}
	requests := map[string]bool{} // trace_ids of every request
	for _, l := range lines {
		if l["message"] != "SPAN_CLOSED" {
			continue
		}
		requests[l["trace_id"].(string)] = true
		if l["x_request_id"] == demoRequestID {
			closedBy[l["target"].(string)]++
			traceIDs[l["trace_id"].(string)] = true
		}
	}
	for _, target := range demoTargets {
		want := 2 // its http-request span and one of its own
		if target == frontendTarget {
			want = 4 // http-request, kv_router.select_worker, remote_prefill, remote_decode
		}
		if closedBy[target] != want {
			t.Errorf("%s: %d SPAN_CLOSED lines for the request, want %d", target, closedBy[target], want)
		}
	}
	if len(traceIDs) != 1 {
		t.Errorf("the request's spans are in %d traces, want 1: %v", len(traceIDs), traceIDs)
	}
	if len(requests) != 3 {
		t.Errorf("%d traces in the lines, want 3 (one per request)", len(requests))
	}
	var traceID string
	for id := range traceIDs {
		traceID = id
	}
	for _, want := range []string{
		"trace " + traceID + "  x_request_id=" + demoRequestID,
		"8 spans in 3 services",
		"\nhttp-request               dynamo_llm::http_service",
		"\n  kv_router.select_worker  dynamo_llm::http_service",
		"\n  remote_prefill           dynamo_llm::http_service",
		"\n    http-request           dynamo_llm::prefill     ",
		"\n      prefill              dynamo_llm::prefill     ",
		"\n  remote_decode            dynamo_llm::http_service",
		"\n    http-request           dynamo_llm::decode      ",
		"\n      decode               dynamo_llm::decode      ",
		" busy, ",
	} {
		if !strings.Contains(waterfallText, want) {
			t.Errorf("waterfall lacks %q:\n%s", want, waterfallText)
		}
	}
}

// TestDemoLayouts runs the demo in the other layouts: the span events and
// the waterfall are there in each.
func TestDemoLayouts(t *testing.T) {
	for _, args := range [][]string{{"demo"}, {"demo", "--format", "readable"}, {"demo", "--format", "vllm", "--width", "20"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		s := out.String()
		closeEvent := "SPAN_CLOSED"
		if args[len(args)-1] == "readable" || len(args) == 1 {
			closeEvent = ": close time.busy=" // tracing-subscriber's, in the readable layout
		}
		for _, want := range []string{"SPAN_FIRST_ENTRY", closeEvent, "x_request_id=" + demoRequestID, "8 spans in 3 services", "      decode "} {
			if !strings.Contains(s, want) {
				t.Errorf("%v: output lacks %q:\n%s", args, want, s)
			}
		}
		if args[len(args)-1] == "readable" && !strings.Contains(s, "  INFO http-request:prefill: dynamo_llm::prefill: close time.busy=") {
			t.Errorf("%v: no readable SPAN_CLOSED line of the prefill span:\n%s", args, s)
		}
		if args[len(args)-1] == "20" && !strings.Contains(s, "INFO ") || strings.Contains(s, `"level"`) {
			t.Errorf("%v: not the vLLM layout:\n%s", args, s)
		}
	}
}

// TestDemoExport sends the spans to an OTLP receiver: every span logged
// arrives, with the logged IDs.
func TestDemoExport(t *testing.T) {
	rec := otlptest.NewGRPCReceiver(t)
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", rec.Endpoint())
	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--export", "--format", "jsonl"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines, _ := demoOutput(t, out.String())
	exported := map[string]otlptest.Span{}
	for _, s := range rec.Spans() {
		exported[s.SpanID] = s
	}
	n := 0
	for _, l := range lines {
		if l["message"] != "SPAN_FIRST_ENTRY" {
			continue
		}
		n++
		s, ok := exported[l["span_id"].(string)]
		if !ok {
			t.Errorf("span %v (%v) logged, not exported", l["span_id"], l["span_name"])
			continue
		}
		if s.TraceID != l["trace_id"] || s.Name != l["span_name"] || s.Resource["service.name"] != "dynlog-demo" {
			t.Errorf("exported %+v, logged %v", s, l)
		}
	}
	if n != 24 || len(exported) != 24 {
		t.Errorf("%d spans logged, %d exported; want 24 (8 per request)", n, len(exported))
	}
}

func TestDemoUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		line string
	}{
		{[]string{"demo", "--format", "xml"}, "dynlog demo: --format \"xml\" is not jsonl, readable or vllm (try dynlog demo --help)\n"},
		{[]string{"demo", "extra"}, "dynlog demo: unexpected argument \"extra\" (try dynlog demo --help)\n"},
		{[]string{"demo", "--width", "0"}, "dynlog demo: --width 0 is not between 1 and 1000 (try dynlog demo --help)\n"},
		{[]string{"demo", "--nope"}, "dynlog demo: flag provided but not defined: -nope (try dynlog demo --help)\n"},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if errOut.String() != tc.line || out.Len() != 0 {
			t.Errorf("%v: stderr %q stdout %q, want stderr %q", tc.args, errOut.String(), out.String(), tc.line)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "Usage: dynlog demo") || errOut.Len() != 0 {
		t.Errorf("demo --help: exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
