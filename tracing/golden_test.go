package tracing

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/otlptest"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// goldenDir holds reference bytes printed by Dynamo and vLLM themselves;
// testdata/golden/README.md says where each file comes from.
const goldenDir = "testdata/golden"

func goldenLines(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goldenDir, name))
	if err != nil {
		t.Fatalf("golden file missing: %v", err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// fakeNow replaces the clock of busy and idle time for one test.
type fakeNow struct{ t time.Time }

func useFakeNow(t *testing.T) *fakeNow {
	f := &fakeNow{t: time.Unix(1_000_000, 0)}
	old := testClock
	testClock = func() time.Time { return f.t }
	t.Cleanup(func() { testClock = old })
	return f
}

func (f *fakeNow) advance(us int64) { f.t = f.t.Add(time.Duration(us) * time.Microsecond) }

// useProvider makes Start use tp for one test.
func useProvider(t *testing.T, tp trace.TracerProvider) {
	old := current.Load()
	SetTracerProvider(tp)
	t.Cleanup(func() { current.Store(old) })
}

// wallClock gives zap the next of the times it holds at each call.
type wallClock struct {
	mu    sync.Mutex
	times []time.Time
}

func (c *wallClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.times) == 0 {
		return time.Time{}
	}
	ts := c.times[0]
	c.times = c.times[1:]
	return ts
}

func (c *wallClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

func newWallClock(t *testing.T, stamps ...string) *wallClock {
	c := &wallClock{}
	for _, s := range stamps {
		ts, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		c.times = append(c.times, ts)
	}
	return c
}

// callSiteRE is the "file","line" pair of a line written from this file.
var callSiteRE = regexp.MustCompile(`"file":"[^"]*/tracing/golden_test\.go","line":[0-9]+,`)

// withGoldenCallSite puts the golden line's file and line in place of this
// file's: the one difference allowed: Go's paths are not Rust's.
func withGoldenCallSite(t *testing.T, got, want string) string {
	t.Helper()
	site := regexp.MustCompile(`"file":"[^"]*","line":[0-9]+,`).FindString(want)
	if !callSiteRE.MatchString(got) {
		t.Fatalf("line does not carry this file as its call site: %s", got)
	}
	return callSiteRE.ReplaceAllLiteralString(got, site)
}

// TestGoldenSpanLines reproduces the span lines of golden/dynamo/jsonl.txt,
// the 2025 guide's, under Events2025,
// through Start, Exit/Enter, End, Ctx and the request data the middleware
// stores: IDs from a fixed generator, times from fixed clocks, everything
// else computed by the tracing path.
func TestGoldenSpanLines(t *testing.T) {
	want := goldenLines(t, "dynamo/jsonl.txt")
	useProvider(t, sdktrace.NewTracerProvider(
		sdktrace.WithSpanProcessor(NewSpanProcessor()),
		sdktrace.WithIDGenerator(&otlptest.FixedIDs{
			Traces: []string{"425ef761ca5b44c795b4c912f1d84b39", "3924188ea88d40febdfa173afd246a3a", "b672ccf48683b392891c5cb4163d4b51"},
			Spans:  []string{"6959a1b2d1ee41a5", "b035f33bdd5c4b50", "906902a4e74b4264", "5c20cc08e6afb2b7"},
		})))
	clock := useFakeNow(t)
	wall := newWallClock(t,
		"2025-09-02T16:38:06.656503Z", "2025-09-02T16:38:06.666672Z",
		"2025-09-02T16:38:08.787232Z", "2025-09-02T16:38:08.788268999Z",
		"2025-09-02T17:01:46.306801Z", "2025-10-31T20:52:10.745264Z")
	var out bytes.Buffer
	// The 2025 guide's events: SPAN_CREATED at the start.
	root := zap.New(NewCore(zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(&out), zapcore.DebugLevel), WithSpanEvents(Events2025)),
		zap.AddCaller(), zap.WithClock(wall))
	logging := root.Named("dynamo_runtime::logging")
	push := root.Named("dynamo_runtime::pipeline::network::ingress::push_endpoint")

	httpFields := []zap.Field{zap.String("method", "POST"), zap.String("uri", "/v1/chat/completions"), zap.String("version", "HTTP/1.1")}

	// A request: the frontend's http-request, the worker's handle_payload,
	// both waiting 2.12 s for the engine.
	ctx, req := Start(WithLogger(context.Background(), logging), "http-request", httpFields...)
	clock.advance(10_000)
	_, payload := Start(WithLogger(ctx, push), "handle_payload",
		zap.String("component", "backend"), zap.String("endpoint", "generate"),
		zap.Uint64("instance_id", 7587888160958627596), zap.String("namespace", "dynamo"))
	clock.advance(500)
	req.Exit()
	payload.Wait(func() { clock.advance(2_120_000) })
	req.Enter()
	clock.advance(590)
	payload.End()
	clock.advance(1_910)
	req.End()

	// A request with an x-request-id, as the middleware stores it.
	ctx2 := withRequest(WithLogger(context.Background(), logging), &request{xRequestID: "8372eac7-5f43-4d76-beca-0a94cfb311d0"})
	_, req2 := Start(ctx2, "http-request", httpFields...)

	// A line inside a span whose events the filter (here the level) drops.
	prefill := root.Named("dynamo_llm::kv_router::prefill_router")
	quiet := zap.New(NewCore(zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(&out), zapcore.WarnLevel), WithSpanEvents(Events2025)))
	ctx3, req3 := Start(WithLogger(context.Background(), quiet), "http-request", httpFields...)
	prefill.Debug("Prefill succeeded, using disaggregated params for decode", Ctx(ctx3))
	req3.End()
	req2.End() // events of req2 after all wall times are used: never printed below
	got := strings.SplitAfter(out.String(), "\n")

	for i, golden := range []int{1, 2, 4, 5, 6, 8} {
		if i >= len(got)-1 {
			t.Fatalf("wrote %d lines, want at least %d:\n%s", len(got)-1, i+1, out.String())
		}
		line := withGoldenCallSite(t, got[i], want[golden-1])
		if line != want[golden-1] {
			t.Errorf("golden line %d:\n got %q\nwant %q", golden, line, want[golden-1])
		}
	}
	if n := len(got) - 1; n != 7 {
		t.Errorf("wrote %d lines, want 7 (the six golden ones and req2's SPAN_CLOSED):\n%s", n, out.String())
	}
}
