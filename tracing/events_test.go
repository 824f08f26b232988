package tracing

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestTiming: span durations as tracing-subscriber prints them in its close
// events. The expectations are the output of testdata/rust/timing.rs, a copy
// of tracing-subscriber's TimingDisplay, built with rustc 1.95 (`rustc -O
// timing.rs && ./timing`): they include Rust's round-half-to-even ("1005" →
// "1.00µs"), the carry to a fourth digit ("9999" → "10.00µs", "99950" →
// "100.0µs") and whole seconds past 999 s.
func TestTiming(t *testing.T) {
	for _, tc := range []struct {
		ns   int64
		want string
	}{
		{0, "0.00ns"},
		{1, "1.00ns"},
		{9, "9.00ns"},
		{10, "10.0ns"},
		{99, "99.0ns"},
		{100, "100ns"},
		{999, "999ns"},
		{1000, "1.00µs"},
		{1005, "1.00µs"},
		{1015, "1.01µs"},
		{9995, "9.99µs"},
		{9999, "10.00µs"},
		{10000, "10.0µs"},
		{25650, "25.6µs"},
		{29600, "29.6µs"},
		{99950, "100.0µs"},
		{99949, "99.9µs"},
		{131000, "131µs"},
		{999499, "999µs"},
		{999500, "1000µs"},
		{2000000000, "2.00s"},
		{9870000, "9.87ms"},
		{12345678, "12.3ms"},
		{999999999999, "1000s"},
		{1000000000000, "1000s"},
		{-5, "0.00ns"}, // Rust's are unsigned; a clock step back prints 0
	} {
		if got := timing(time.Duration(tc.ns)).String(); got != tc.want {
			t.Errorf("timing(%d) = %q, want %q", tc.ns, got, tc.want)
		}
	}
}

// TestEventFormsPerCore: one logger whose cores are a tee of tracing cores
// in every form; each prints the span's events in its own form (or none),
// from the same span, and a user's line that happens to say SPAN_CLOSED is
// no span event and passes every core unchanged.
func TestEventFormsPerCore(t *testing.T) {
	localProvider(t)
	clock := useFakeNow(t)
	at, _ := time.Parse(time.RFC3339Nano, "2025-09-02T16:38:06.656503Z")
	wall := fixedWall{at}
	var dyn, readable, y2025, off logtest.Buffer
	tee := zapcore.NewTee(
		NewCore(zapcore.NewCore(encoder.NewJSONL(), &dyn, zapcore.DebugLevel), WithSpanEvents(EventsDynamo)),
		NewCore(zapcore.NewCore(encoder.NewReadable(), &readable, zapcore.DebugLevel), WithSpanEvents(EventsReadable)),
		NewCore(zapcore.NewCore(encoder.NewJSONL(), &y2025, zapcore.DebugLevel), WithSpanEvents(Events2025)),
		NewCore(zapcore.NewCore(encoder.NewJSONL(), &off, zapcore.DebugLevel), WithSpanEvents(EventsOff)),
	)
	log := zap.New(tee, zap.WithClock(wall)).Named("svc")
	_, file, line, _ := runtime.Caller(0)
	ctx, s := Start(WithLogger(context.Background(), log), "op", zap.Int("n", 1))
	clock.advance(1500)
	s.Wait(func() { clock.advance(250) })
	log.Info(closed, Ctx(ctx))
	s.End()

	id := s.SpanContext().SpanID().String()
	tid := s.SpanContext().TraceID().String()
	keys := `"n":"1","span_id":"` + id + `","span_name":"op","trace_id":"` + tid + `"`
	head := `{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"svc","message":`
	userLine := head + `"SPAN_CLOSED",` + keys + "}\n"
	// Events carry Start's call site.
	site := fmt.Sprintf(`"file":%q,"line":%d,`, file, line+1)
	head = strings.Replace(head, `"target"`, site+`"target"`, 1)
	want := map[string]struct {
		buf  *logtest.Buffer
		text string
	}{
		"dynamo": {&dyn, head + `"SPAN_FIRST_ENTRY",` + keys + "}\n" + userLine +
			head + `"SPAN_CLOSED",` + strings.Replace(keys, `"trace_id"`, `"time.busy_us":1500,"time.duration_us":1750,"time.idle_us":250,"trace_id"`, 1) + "}\n"},
		"2025": {&y2025, head + `"SPAN_CREATED",` + keys + "}\n" + userLine +
			head + `"SPAN_CLOSED",` + strings.Replace(keys, `"trace_id"`, `"time.busy_us":1500,"time.duration_us":1750,"time.idle_us":250,"trace_id"`, 1) + "}\n"},
		"off": {&off, userLine},
		"readable": {&readable, "2025-09-02T16:38:06.656503Z  INFO op: span_event: SPAN_FIRST_ENTRY n=1\n" +
			"2025-09-02T16:38:06.656503Z  INFO op: svc: SPAN_CLOSED n=1\n" +
			"2025-09-02T16:38:06.656503Z  INFO op: svc: close time.busy=1.50ms time.idle=250µs n=1\n"},
	}
	for name, w := range want {
		if got := w.buf.String(); got != w.text {
			t.Errorf("%s:\n got %q\nwant %q", name, got, w.text)
		}
	}
}

// fixedWall gives zap one time for every line.
type fixedWall struct{ t time.Time }

func (c fixedWall) Now() time.Time                         { return c.t }
func (c fixedWall) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }
