package encoder_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// goldenDir holds reference bytes printed by Dynamo and vLLM themselves;
// testdata/golden/README.md says where each file comes from.
const goldenDir = "testdata/golden"

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		t.Fatalf("golden file missing: %v", err)
	}
	return b
}

func goldenLines(t *testing.T, name string) []string {
	t.Helper()
	lines := strings.SplitAfter(string(readGolden(t, name)), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// encode writes one entry through a real ioCore, as a logger would, with the
// caller, time and name fixed.
func encode(t *testing.T, enc zapcore.Encoder, ent zapcore.Entry, fields ...zap.Field) string {
	t.Helper()
	var out bytes.Buffer
	core := zapcore.NewCore(enc, zapcore.AddSync(&out), zapcore.Level(-127))
	ce := core.Check(ent, nil)
	if ce == nil {
		t.Fatalf("core refused entry at %v", ent.Level)
	}
	ce.Write(fields...)
	return out.String()
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func caller(file string, line int) zapcore.EntryCaller {
	return zapcore.NewEntryCaller(0, file, line, true)
}

const (
	loggingRS      = "/workspace/lib/runtime/src/logging.rs"
	pushEndpointRS = "/workspace/lib/runtime/src/pipeline/network/ingress/push_endpoint.rs"
	pushTarget     = "dynamo_runtime::pipeline::network::ingress::push_endpoint"
)

func httpRequestSpan(spanID, traceID string) vocab.Span {
	return vocab.Span{Name: "http-request", Fields: []zap.Field{
		zap.String("method", "POST"),
		zap.String("uri", "/v1/chat/completions"),
		zap.String("version", "HTTP/1.1"),
	}}
}

func handlePayloadSpan() vocab.Span {
	return vocab.Span{Name: "handle_payload", Fields: []zap.Field{
		zap.String("namespace", "dynamo"),
		zap.String("component", "backend"),
		zap.String("endpoint", "generate"),
		zap.Int64("instance_id", 7587888160958627596),
	}}
}

func bridged(file string, line int, target string) []zap.Field {
	// Written in the order a bridge would, not the sorted order.
	return []zap.Field{zap.String("log.target", target), zap.Int("log.line", line), zap.String("log.file", file)}
}

// TestGoldenJSONL reproduces every line of golden/dynamo/jsonl.txt: span
// lines through the Spans field the tracing core will attach, bridged lines
// through log.* fields, fields given in call order, never pre-sorted. It
// runs with the default (string fields stay strings) and with
// WithEmbeddedJSON(true), Dynamo's re-parsing of string fields: the lines
// hold no string field whose text is JSON, so both print them.
func TestGoldenJSONL(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []encoder.Option
	}{{"default", nil}, {"embedded JSON", []encoder.Option{encoder.WithEmbeddedJSON(true)}}} {
		t.Run(tc.name, func(t *testing.T) { testGoldenJSONL(t, tc.opts...) })
	}
}

func testGoldenJSONL(t *testing.T, opts ...encoder.Option) {
	want := goldenLines(t, "dynamo/jsonl.txt")
	const trace1, root1, child1 = "425ef761ca5b44c795b4c912f1d84b39", "6959a1b2d1ee41a5", "b035f33bdd5c4b50"
	root := func(spanID, traceID string) *vocab.Spans {
		return &vocab.Spans{TraceID: traceID, SpanID: spanID, Chain: []vocab.Span{httpRequestSpan(spanID, traceID)}}
	}
	child := &vocab.Spans{TraceID: trace1, SpanID: child1, ParentID: root1,
		Chain: []vocab.Span{httpRequestSpan(root1, trace1), handlePayloadSpan()}}
	withRequestID := root("906902a4e74b4264", "3924188ea88d40febdfa173afd246a3a")
	withRequestID.XRequestID = "8372eac7-5f43-4d76-beca-0a94cfb311d0"

	got := []string{
		encode(t, encoder.NewJSONL(opts...), zapcore.Entry{Level: zapcore.InfoLevel, Time: mustTime(t, "2025-09-02T16:38:06.656503Z"),
			LoggerName: "dynamo_runtime::logging", Caller: caller(loggingRS, 248), Message: "SPAN_CREATED"},
			vocab.SpansField(root(root1, trace1))),
		encode(t, encoder.NewJSONL(opts...), zapcore.Entry{Level: zapcore.InfoLevel, Time: mustTime(t, "2025-09-02T16:38:06.666672Z"),
			LoggerName: pushTarget, Caller: caller(pushEndpointRS, 108), Message: "SPAN_CREATED"},
			vocab.SpansField(child)),
		encode(t, encoder.NewJSONL(opts...), zapcore.Entry{Level: zapcore.WarnLevel, Time: mustTime(t, "2025-09-02T16:38:06.685333Z"),
			LoggerName: "vllm", Caller: caller("/go/src/bridge.go", 1),
			Message: "cudagraph dispatching keys are not initialized. No cudagraph will be used."},
			bridged("/opt/vllm/vllm/v1/cudagraph_dispatcher.py", 101, "cudagraph_dispatcher.dispatch")...),
		encode(t, encoder.NewJSONL(opts...), zapcore.Entry{Level: zapcore.InfoLevel, Time: mustTime(t, "2025-09-02T16:38:08.787232Z"),
			LoggerName: pushTarget, Caller: caller(pushEndpointRS, 108), Message: "SPAN_CLOSED"},
			zap.Int64("time.duration_us", 2121090), zap.Int64("time.busy_us", 1090), zap.Int64("time.idle_us", 2120000),
			vocab.SpansField(child)),
		encode(t, encoder.NewJSONL(opts...), zapcore.Entry{Level: zapcore.InfoLevel, Time: mustTime(t, "2025-09-02T16:38:08.788268999Z"),
			LoggerName: "dynamo_runtime::logging", Caller: caller(loggingRS, 248), Message: "SPAN_CLOSED"},
			vocab.SpansField(root(root1, trace1)),
			zap.Int64("time.busy_us", 13000), zap.Int64("time.duration_us", 2133000), zap.Int64("time.idle_us", 2120000)),
		encode(t, encoder.NewJSONL(opts...), zapcore.Entry{Level: zapcore.InfoLevel, Time: mustTime(t, "2025-09-02T17:01:46.306801Z"),
			LoggerName: "dynamo_runtime::logging", Caller: caller(loggingRS, 248), Message: "SPAN_CREATED"},
			vocab.SpansField(withRequestID)),
		encode(t, encoder.NewJSONL(opts...), zapcore.Entry{Level: zapcore.InfoLevel, Time: mustTime(t, "2025-09-02T15:53:31.943377Z"),
			Message: "VllmWorker for Qwen/Qwen3-0.6B has been initialized"},
			bridged("/opt/dynamo/venv/lib/python3.12/site-packages/dynamo/vllm/main.py", 191, "main.init")...),
		encode(t, encoder.NewJSONL(opts...), zapcore.Entry{Level: zapcore.DebugLevel, Time: mustTime(t, "2025-10-31T20:52:10.745264Z"),
			LoggerName: "dynamo_llm::kv_router::prefill_router", Caller: caller("/opt/dynamo/lib/llm/src/kv_router/prefill_router.rs", 232),
			Message: "Prefill succeeded, using disaggregated params for decode"},
			vocab.SpansField(root("5c20cc08e6afb2b7", "b672ccf48683b392891c5cb4163d4b51"))),
	}
	if len(got) != len(want) {
		t.Fatalf("golden has %d lines, test reproduces %d", len(want), len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i+1, got[i], want[i])
		}
	}
}

// TestGoldenJSONLPlainFields: the first golden line again, with the span keys
// as ordinary fields in reverse order: sorting alone must put them right.
func TestGoldenJSONLPlainFields(t *testing.T) {
	want := goldenLines(t, "dynamo/jsonl.txt")[0]
	got := encode(t, encoder.NewJSONL(), zapcore.Entry{Level: zapcore.InfoLevel, Time: mustTime(t, "2025-09-02T16:38:06.656503Z"),
		LoggerName: "dynamo_runtime::logging", Caller: caller(loggingRS, 248), Message: "SPAN_CREATED"},
		zap.String("version", "HTTP/1.1"), zap.String("uri", "/v1/chat/completions"),
		zap.String("trace_id", "425ef761ca5b44c795b4c912f1d84b39"), zap.String("span_name", "http-request"),
		zap.String("span_id", "6959a1b2d1ee41a5"), zap.String("method", "POST"))
	if got != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
}

func TestGoldenReadable(t *testing.T) {
	for _, tc := range []struct {
		file  string
		color bool
	}{{"dynamo/readable.txt", false}, {"dynamo/readable-ansi.txt", true}} {
		want := goldenLines(t, tc.file)
		records := []struct {
			ts, target, msg string
		}{
			{"2025-09-02T15:50:01.770028Z", "main.init", "VllmWorker for Qwen/Qwen3-0.6B has been initialized"},
			{"2025-09-02T15:50:01.770195Z", "main.init", "Reading Events from tcp://127.0.0.1:21555"},
			{"2025-09-02T15:50:01.770316Z", "main.get_engine_cache_info", "Cache config values: {'num_gpu_blocks': 24064}"},
		}
		if len(want) > len(records) {
			t.Fatalf("%s has %d lines, test knows %d", tc.file, len(want), len(records))
		}
		for i, w := range want {
			r := records[i]
			got := encode(t, encoder.NewReadable(encoder.WithColor(tc.color)),
				zapcore.Entry{Level: zapcore.InfoLevel, Time: mustTime(t, r.ts), Message: r.msg},
				bridged("/opt/dynamo/venv/lib/python3.12/site-packages/dynamo/vllm/main.py", 191, r.target)...)
			if got != w {
				t.Errorf("%s line %d:\n got %q\nwant %q", tc.file, i+1, got, w)
			}
		}
	}
}

// vllmRecord is one logging call of a vLLM golden scenario, in Go.
type vllmRecord struct {
	line  int
	level zapcore.Level
	msg   string
	stack string
}

func pythonTraceback(file string, line int) string {
	return "Traceback (most recent call last):\n" +
		"  File \"/srv/app/run/" + file + "\", line " + strconv.Itoa(line) + ", in <module>\n" +
		"    1 / 0\n" +
		"    ~~^~~\n" +
		"ZeroDivisionError: division by zero"
}

// TestGoldenVLLM reproduces golden/vllm/*.out from each scenario's calls in
// Go. What is Python's alone is left out and counted: the "Level 25" lines
// (zap has no level 25). The %-argument line is reproduced with the message
// formatted in Go; the traceback is the entry's stack, so the multi-line rule
// for appended text is checked on vLLM's own bytes. The *_once calls that
// vLLM suppresses are simply not made here (dedup is tested in its package).
func TestGoldenVLLM(t *testing.T) {
	const (
		info     = zapcore.InfoLevel
		warn     = zapcore.WarnLevel
		errorLvl = zapcore.ErrorLevel
		critical = zapcore.DPanicLevel
	)
	args := fmt.Sprintf("Args: %s + %d = '%s'", "two", 3, "five")
	scenarios := []struct {
		name      string
		opts      []encoder.Option
		records   []vllmRecord
		level25At int // how many "Level 25" lines the golden holds
	}{
		{"01_default_basic", nil, []vllmRecord{
			{line: 15, level: info, msg: "Plain info line"},
			{line: 16, level: warn, msg: "A warning"},
			{line: 17, level: errorLvl, msg: "An error"},
			{line: 19, level: critical, msg: "A critical"},
			{line: 20, level: info, msg: "Multi-line message:\nsecond line\nthird line"},
			{line: 21, level: info, msg: args},
			{line: 22, level: info, msg: "info_once message A"},
			{line: 24, level: info, msg: "info_once message B"},
			{line: 25, level: warn, msg: "warning_once message"},
			{line: 30, level: errorLvl, msg: "Exception with traceback", stack: pythonTraceback("01_default_basic.py", 28)},
			{line: 31, level: info, msg: ""},
			{line: 32, level: info, msg: "trailing newline\n"},
			{line: 34, level: info, msg: "{'not': 'a str'}"},
			{line: 35, level: info, msg: "literal %s with no args"},
		}, 1},
		{"03_prefix", []encoder.Option{encoder.WithPrefix("[node-7] ")}, []vllmRecord{
			{line: 15, level: info, msg: "Info with prefix"},
			{line: 16, level: warn, msg: "Multi-line with prefix\nline 2"},
		}, 0},
		{"04_color_forced", []encoder.Option{encoder.WithColor(true)}, []vllmRecord{
			{line: 15, level: info, msg: "Plain info line"},
			{line: 16, level: warn, msg: "A warning"},
			{line: 17, level: errorLvl, msg: "An error"},
			{line: 18, level: critical, msg: "A critical"},
			{line: 20, level: info, msg: "Multi-line message:\nsecond line"},
			{line: 21, level: info, msg: args},
			{line: 25, level: errorLvl, msg: "Exception with traceback", stack: pythonTraceback("04_color_forced.py", 23)},
		}, 1},
	}
	pinned := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			golden := string(readGolden(t, "vllm/"+sc.name+".out"))
			var want strings.Builder
			skipped := 0
			for _, l := range strings.SplitAfter(golden, "\n") {
				if strings.HasPrefix(l, "Level 25 ") {
					skipped++
					continue
				}
				want.WriteString(l)
			}
			if skipped != sc.level25At {
				t.Fatalf("expected to leave out %d Level 25 lines, found %d", sc.level25At, skipped)
			}
			opts := append([]encoder.Option{encoder.WithLocation(time.UTC)}, sc.opts...)
			enc := encoder.NewVLLM(opts...)
			var got strings.Builder
			for _, r := range sc.records {
				got.WriteString(encode(t, enc, zapcore.Entry{
					Level: r.level, Time: pinned, LoggerName: "vllm.demo",
					Caller: caller("/srv/app/run/"+sc.name+".py", r.line), Message: r.msg, Stack: r.stack,
				}))
			}
			if got.String() != want.String() {
				t.Errorf("\n got:\n%s\nwant:\n%s", visible(got.String()), visible(want.String()))
			}
		})
	}
}

// visible shows bytes as cat -A does, so a diff of CR and ESC can be read.
func visible(s string) string {
	r := strings.NewReplacer("\r", "^M", "\x1b", "^[", "\n", "$\n")
	return r.Replace(s)
}
