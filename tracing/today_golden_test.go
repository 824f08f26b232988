package tracing_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/internal/otlptest"
	"github.com/dynlog/dynlog/tracing"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// referenceIDs are the IDs of the reference run: trace IDs
// 4bf92f3577b34da6a3ce929d0000000N and span IDs 00f067aa0ba9000N, N
// counting from 1.
func referenceIDs() *otlptest.FixedIDs {
	g := &otlptest.FixedIDs{}
	for n := 1; n <= 9; n++ {
		g.Traces = append(g.Traces, fmt.Sprintf("4bf92f3577b34da6a3ce929d%08x", n))
		g.Spans = append(g.Spans, fmt.Sprintf("00f067aa0ba9%04x", n))
	}
	return g
}

// fixedClock gives zap the reference run's time for every line.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                         { return c.t }
func (c fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// newFromVars is core.New configured by vars alone (no system config file),
// writing to the buffer it returns, every line at the time at (RFC 3339).
func newFromVars(t *testing.T, vars map[string]string, at string) (*zap.Logger, *logtest.Buffer) {
	t.Helper()
	now, err := time.Parse(time.RFC3339Nano, at)
	if err != nil {
		t.Fatal(err)
	}
	out := new(logtest.Buffer)
	log, err := core.New(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""),
		core.WithOutput(out),
		core.WithClock(fixedClock{now}))
	if err != nil {
		t.Fatal(err)
	}
	return log, out
}

// What cannot be equal between two runs: call sites and durations.
var (
	callSiteRE  = regexp.MustCompile(`"file":"[^"]*","line":[0-9]+,`)
	microsRE    = regexp.MustCompile(`"time\.(busy|idle|duration)_us":[0-9]+`)
	readableDur = regexp.MustCompile(`time\.(busy|idle)=[0-9]+(\.[0-9]+)?(ns|µs|ms|s)`)
)

func normalizeToday(line string) string {
	line = callSiteRE.ReplaceAllLiteralString(line, `"file":"F","line":0,`)
	line = microsRE.ReplaceAllString(line, `"time.${1}_us":0`)
	return readableDur.ReplaceAllString(line, `time.${1}=D`)
}

// TestTodayGoldenSpans runs the scenario of testdata/golden/dynamo/today
// through core.New with the reference run's variables, a real HTTP server
// on loopback with Middleware for the request span, and Start for the
// others; every line must equal Dynamo's after normalising call sites and
// durations (IDs come from the same counters, times from a fixed clock).
//
// Dynamo re-parses the &str "200" of status as JSON and prints
// "status":200; dynlog does so only with DYN_LOGGING_EMBED_JSON_STRINGS=true,
// which the JSONL reference run therefore sets. By default a zap.String
// stays a string: the same run without it prints every line of the file but
// that one, which has "status":"200".
func TestTodayGoldenSpans(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		env        map[string]string
		edit       func(want string) string // what dynlog prints instead, on purpose
	}{
		{"jsonl-spans.txt", "jsonl-spans.txt", map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "1", "DYN_LOG": "trace",
			"DYN_LOGGING_EMBED_JSON_STRINGS": "1",
		}, nil},
		{"jsonl-spans.txt strings kept", "jsonl-spans.txt", map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "1", "DYN_LOG": "trace",
		}, func(want string) string {
			return strings.Replace(want, `"status":200,`, `"status":"200",`, 1)
		}},
		{"readable-spans.txt", "readable-spans.txt", map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONSOLE_FORMAT": "readable",
			"DYN_LOGGING_SPAN_EVENTS": "1", "DYN_SDK_DISABLE_ANSI_LOGGING": "1", "DYN_LOG": "trace",
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata/golden/dynamo/today", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			want := string(data)
			if tc.edit != nil {
				if want = tc.edit(want); want == string(data) {
					t.Fatal("the edit changed nothing: the reference file no longer holds the line it edits")
				}
			}
			got := runTodayScenario(t, tc.env, strings.HasPrefix(tc.file, "readable"))
			wantLines := strings.SplitAfter(want, "\n")
			gotLines := strings.SplitAfter(got, "\n")
			if len(gotLines) != len(wantLines) {
				t.Errorf("wrote %d lines, want %d:\n%s", len(gotLines)-1, len(wantLines)-1, got)
			}
			for i := range min(len(gotLines), len(wantLines)) {
				if g, w := normalizeToday(gotLines[i]), normalizeToday(wantLines[i]); g != w {
					t.Errorf("line %d:\n got %q\nwant %q", i+1, g, w)
				}
			}
		})
	}
}

// runTodayScenario is the reference scenario, in the order it ran.
func runTodayScenario(t *testing.T, vars map[string]string, afterLine bool) string {
	t.Helper()
	old := tracing.TracerProvider()
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(tracing.NewSpanProcessor()),
		sdktrace.WithIDGenerator(referenceIDs()))
	tracing.SetTracerProvider(tp)
	t.Cleanup(func() {
		tracing.SetTracerProvider(old)
		tp.Shutdown(context.Background())
	})

	log, out := newFromVars(t, vars, "2025-09-02T16:38:06.656503Z")

	httpLog := log.Named("dynamo_llm::http")
	kvLog := log.Named("dynamo_llm::kv_router")
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		httpLog.Info("request received", zap.String("model", "Qwen/Qwen3-0.6B"), tracing.Ctx(ctx))
		child, b := tracing.StartAt(tracing.WithLogger(ctx, kvLog), zapcore.DebugLevel, "kv_router.select_worker",
			zap.Int("workers", 8), zap.String("model", "Qwen/Qwen3 0.6B"), zap.String("quoted", `a"b`),
			zap.Float64("ratio", 0.5), zap.Bool("ok", true))
		kvLog.Debug("inside child", zap.Uint("overlap_blocks", 3), tracing.Ctx(child))
		kvLog.Info("event field named like a span field", zap.Int("workers", 99), tracing.Ctx(child))
		b.End()
		httpLog.Info("http response sent", zap.String("status", "200"), tracing.Ctx(ctx))
	})
	srv := httptest.NewUnstartedServer(tracing.Middleware(handler))
	srv.Config.BaseContext = func(net.Listener) context.Context {
		return tracing.WithLogger(context.Background(), log.Named("request_span"))
	}
	srv.Start()
	defer srv.Close()

	req, err := http.NewRequest("POST", srv.URL+"/v1/chat/completions", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-request-id", "8372eac7-5f43-4d76-beca-0a94cfb311d0")
	req.Header.Set("request-id", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	pipeline := log.Named("dynamo_runtime::pipeline")
	ctx, c := tracing.Start(tracing.WithLogger(context.Background(), pipeline), "handle_payload",
		zap.String("component", "backend"), zap.Uint64("instance_id", 7587888160958627596))
	pipeline.Warn("retrying", zap.Uint("attempt", 2), tracing.Ctx(ctx))
	c.Exit()
	c.Enter()
	pipeline.Info("done", tracing.Ctx(ctx))
	c.Exit()
	c.End()
	if afterLine {
		log.Named("dynamo_oracle::fmt").Info("after the spans")
	}
	return out.String()
}

// Test2025LayoutThroughNew: DYN_LOGGING_SPAN_EVENTS_LAYOUT=2025 through
// core.New brings back the 2025 guide's SPAN_CREATED line, on by default in
// JSONL, byte for byte but for the call site.
func Test2025LayoutThroughNew(t *testing.T) {
	data, err := os.ReadFile("testdata/golden/dynamo/jsonl.txt")
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := strings.Cut(string(data), "\n")
	old := tracing.TracerProvider()
	tp := sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(&otlptest.FixedIDs{
		Traces: []string{"425ef761ca5b44c795b4c912f1d84b39"},
		Spans:  []string{"6959a1b2d1ee41a5"},
	}))
	tracing.SetTracerProvider(tp)
	t.Cleanup(func() {
		tracing.SetTracerProvider(old)
		tp.Shutdown(context.Background())
	})
	log, out := newFromVars(t, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS_LAYOUT": "2025"},
		"2025-09-02T16:38:06.656503Z")
	_, span := tracing.Start(tracing.WithLogger(context.Background(), log.Named("dynamo_runtime::logging")), "http-request",
		zap.String("method", "POST"), zap.String("uri", "/v1/chat/completions"), zap.String("version", "HTTP/1.1"))
	defer span.End()
	got, _, _ := strings.Cut(out.String(), "\n")
	if g, w := normalizeToday(got), normalizeToday(want); g != w {
		t.Errorf("\n got %q\nwant %q", g, w)
	}
}
