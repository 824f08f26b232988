package tracing_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestLoggerMiddleware: a handler behind Middleware that logs only through
// Logger(r.Context()) has the request's trace_id and x_request_id on every
// line, and a child span's lines its own span_id in the same trace.
func TestLoggerMiddleware(t *testing.T) {
	svc := newServiceLog("app")
	h := tracing.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log := tracing.Logger(r.Context())
		log.Info("routing", zap.String("model", "m"))
		ctx, span := tracing.Start(r.Context(), "prefill")
		tracing.Logger(ctx).Info("in child")
		span.End()
		log.Warn("done")
	}))
	req := httptest.NewRequest("POST", "/v1/chat/completions", nil)
	req.Header.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	req.Header.Set("x-request-id", "req-42")
	h.ServeHTTP(httptest.NewRecorder(), req.WithContext(tracing.WithLogger(req.Context(), svc.log)))

	var logged []map[string]any
	for _, l := range svc.lines(t) {
		if l["message"] != "SPAN_FIRST_ENTRY" && l["message"] != "SPAN_CLOSED" {
			logged = append(logged, l)
		}
	}
	if len(logged) != 3 {
		t.Fatalf("%d lines besides the span events, want 3: %v", len(logged), logged)
	}
	for _, l := range logged {
		if l["trace_id"] != "0af7651916cd43dd8448eb211c80319c" || l["x_request_id"] != "req-42" {
			t.Errorf("line %q without the request's trace_id and x_request_id: %v", l["message"], l)
		}
	}
	id, _ := logged[0]["span_id"].(string)
	if id == "" {
		t.Fatalf("the request's line has no span_id: %v", logged[0])
	}
	if logged[1]["span_name"] != "prefill" || logged[1]["parent_id"] != id || logged[1]["span_id"] == id {
		t.Errorf("child's line not in the child span: %v (parent's %v)", logged[1], logged[0])
	}
	if logged[2]["span_id"] != logged[0]["span_id"] {
		t.Errorf("the request's logger changed span after the child: %v", logged[2])
	}
}

// TestLoggerNoSpan: outside any span Logger is the context's logger, else
// zap.L(), and allocates nothing.
func TestLoggerNoSpan(t *testing.T) {
	log := zap.NewNop().Named("x")
	ctx := tracing.WithLogger(context.Background(), log)
	if tracing.Logger(ctx) != log {
		t.Error("Logger(ctx) is not the context's logger")
	}
	if tracing.Logger(context.Background()) != zap.L() {
		t.Error("Logger without a logger in the context is not zap.L()")
	}
	if allocs := testing.AllocsPerRun(100, func() { tracing.Logger(ctx) }); allocs != 0 {
		t.Errorf("Logger outside a span: %v allocations, want 0", allocs)
	}
}

// TestLoggerSpanCached: in a span, the bound logger is made once.
func TestLoggerSpanCached(t *testing.T) {
	svc := newServiceLog("app")
	ctx, span := tracing.Start(tracing.WithLogger(context.Background(), svc.log), "work")
	defer span.End()
	first := tracing.Logger(ctx)
	if tracing.Logger(ctx) != first {
		t.Error("a second call made another logger")
	}
	if allocs := testing.AllocsPerRun(100, func() { tracing.Logger(ctx) }); allocs != 0 {
		t.Errorf("Logger in a span: %v allocations, want 0", allocs)
	}
}

// TestBindTargetThroughNew: with DYN_LOG=info,svc::db=debug, a logger named
// svc::db from the root and bound to the request's span prints its DEBUG
// line under target svc::db with the span's keys; the same name under the
// context's logger (svc::http) is the target svc::http.svc::db, whose DEBUG
// the filter drops.
func TestBindTargetThroughNew(t *testing.T) {
	root, out := newFromVars(t, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "info,svc::db=debug"},
		"2026-11-21T16:38:06.656503Z")
	db := core.Named(root, "svc::db")
	ctx := tracing.WithLogger(context.Background(), root.Named("svc::http"))
	ctx = tracing.Extract(ctx, propagation.MapCarrier{
		"traceparent":  "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		"x-request-id": "req-42",
		"request-id":   "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
	})
	ctx, span := tracing.Start(ctx, "handle", zap.String("model", "llama"))
	defer span.End()

	_, file, line, _ := runtime.Caller(0)
	tracing.Bind(ctx, db).Debug("query", zap.Int("rows", 3))
	core.Named(tracing.Logger(ctx), "svc::db").Debug("dropped: target svc::http.svc::db")
	core.Named(tracing.Logger(ctx), "svc::db").Info("nested")

	// JSONL sorts the keys after message: the span's keys and its field
	// model among the line's own.
	sc := span.SpanContext()
	line1 := fmt.Sprintf(`{"time":"2026-11-21T16:38:06.656503Z","level":"DEBUG","file":%q,"line":%d,"target":"svc::db","message":"query",`+
		`"model":"llama","parent_id":"b7ad6b7169203331","request_id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","rows":3,`+
		`"span_id":"%s","span_name":"handle","trace_id":"%s","x_request_id":"req-42"}`, file, line+1, sc.SpanID(), sc.TraceID())
	line2 := fmt.Sprintf(`{"time":"2026-11-21T16:38:06.656503Z","level":"INFO","file":%q,"line":%d,"target":"svc::http.svc::db","message":"nested",`+
		`"model":"llama","parent_id":"b7ad6b7169203331","request_id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",`+
		`"span_id":"%s","span_name":"handle","trace_id":"%s","x_request_id":"req-42"}`, file, line+3, sc.SpanID(), sc.TraceID())
	want := line1 + "\n" + line2 + "\n"
	if sc.TraceID().String() != "0af7651916cd43dd8448eb211c80319c" {
		t.Fatalf("the span is not in the received trace: %s", sc.TraceID())
	}
	if got := out.String(); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// newBindLog is a JSONL logger without call sites, at a fixed time, on a
// tracing core without span events: its lines are known to the byte but
// for the span IDs.
func newBindLog() (*zap.Logger, *logtest.Buffer) {
	var out logtest.Buffer
	at, _ := time.Parse(time.RFC3339Nano, "2026-11-21T16:38:06.656503Z")
	c := zapcore.NewCore(encoder.NewJSONL(), &out, zapcore.DebugLevel)
	return zap.New(tracing.NewCore(c), zap.WithClock(fixedClock{at})), &out
}

// bindLine is the line newBindLog's logger named target writes for an INFO
// msg in span name, whose context is sc and whose parent, if any, is
// parent.
func bindLine(target, msg, name string, sc, parent trace.SpanContext) string {
	p := ""
	if parent.IsValid() {
		p = fmt.Sprintf(`"parent_id":"%s",`, parent.SpanID())
	}
	return fmt.Sprintf(`{"time":"2026-11-21T16:38:06.656503Z","level":"INFO","target":%q,"message":%q,%s"span_id":"%s","span_name":%q,"trace_id":"%s"}`+"\n",
		target, msg, p, sc.SpanID(), name, sc.TraceID())
}

// TestBindNoSpan: outside any span Bind returns the logger it is given,
// without allocating; a nil logger is the context's.
func TestBindNoSpan(t *testing.T) {
	ctxLog := zap.NewNop().Named("ctx")
	ctx := tracing.WithLogger(context.Background(), ctxLog)
	l := zap.NewNop().Named("svc::db")
	if tracing.Bind(ctx, l) != l {
		t.Error("Bind outside a span is not the logger given")
	}
	if tracing.Bind(ctx, nil) != ctxLog {
		t.Error("Bind(ctx, nil) outside a span is not the context's logger")
	}
	if allocs := testing.AllocsPerRun(100, func() { tracing.Bind(ctx, l) }); allocs != 0 {
		t.Errorf("Bind outside a span: %v allocations, want 0", allocs)
	}
}

// TestBindSpanCached: in a span each logger is bound once, and a span's
// lines coming from several loggers (the context's and named ones, in
// turn) allocate nothing after each one's first call.
func TestBindSpanCached(t *testing.T) {
	root, out := newBindLog()
	ctx, span := tracing.Start(tracing.WithLogger(context.Background(), root.Named("svc::http")), "work")
	defer span.End()
	db, cache := root.Named("svc::db"), root.Named("svc::cache")
	first := tracing.Bind(ctx, db)
	if tracing.Bind(ctx, db) != first {
		t.Error("a second Bind of the same logger made another logger")
	}
	if tracing.Bind(ctx, nil) != tracing.Logger(ctx) {
		t.Error("Bind(ctx, nil) is not Logger(ctx)")
	}
	tracing.Bind(ctx, cache)
	if allocs := testing.AllocsPerRun(100, func() {
		tracing.Bind(ctx, db)
		tracing.Logger(ctx)
		tracing.Bind(ctx, cache)
	}); allocs != 0 {
		t.Errorf("Bind of three loggers in turn in a span: %v allocations, want 0", allocs)
	}

	// Each keeps its own target, all carry the span.
	tracing.Bind(ctx, db).Info("db")
	tracing.Logger(ctx).Info("ctx")
	tracing.Bind(ctx, cache).Info("cache")
	sc := span.SpanContext()
	want := bindLine("svc::db", "db", "work", sc, trace.SpanContext{}) +
		bindLine("svc::http", "ctx", "work", sc, trace.SpanContext{}) +
		bindLine("svc::cache", "cache", "work", sc, trace.SpanContext{})
	if got := out.String(); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// TestBindManyLoggers: past the loggers a span keeps, Bind still binds each
// logger to the span, under its own target.
func TestBindManyLoggers(t *testing.T) {
	root, out := newBindLog()
	ctx, span := tracing.Start(context.Background(), "work")
	defer span.End()
	var logs []*zap.Logger
	for i := range 20 {
		logs = append(logs, root.Named(fmt.Sprintf("svc::l%d", i)))
	}
	var want strings.Builder
	for round := range 3 {
		for i, l := range logs {
			msg := fmt.Sprintf("round %d", round)
			tracing.Bind(ctx, l).Info(msg)
			want.WriteString(bindLine(fmt.Sprintf("svc::l%d", i), msg, "work", span.SpanContext(), trace.SpanContext{}))
		}
	}
	if got := out.String(); got != want.String() {
		t.Errorf("\n got %s\nwant %s", got, want.String())
	}
}

// TestBindRebind: a logger bound to one span and bound to another is in the
// other one only: a span of another trace, a child span, and a span
// received from another service, of which this process has no record.
func TestBindRebind(t *testing.T) {
	root, out := newBindLog()
	ctxA, a := tracing.Start(tracing.WithLogger(context.Background(), root.Named("svc::http")), "a")
	defer a.End()
	inA := tracing.Bind(ctxA, root.Named("svc::db"))
	inA.Info("in a")

	ctxB, b := tracing.Start(context.Background(), "b")
	defer b.End()
	tracing.Bind(ctxB, inA).Info("in b")

	ctxC, c := tracing.Start(ctxA, "c")
	defer c.End()
	tracing.Bind(ctxC, inA).Info("in c")
	tracing.Bind(ctxC, tracing.Logger(ctxA)).Info("context logger in c")

	remote := tracing.Extract(context.Background(), propagation.MapCarrier{
		"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
		"request-id":  "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9",
	})
	tracing.Bind(remote, inA).Info("in the remote span")

	none := trace.SpanContext{}
	want := bindLine("svc::db", "in a", "a", a.SpanContext(), none) +
		bindLine("svc::db", "in b", "b", b.SpanContext(), none) +
		bindLine("svc::db", "in c", "c", c.SpanContext(), a.SpanContext()) +
		bindLine("svc::http", "context logger in c", "c", c.SpanContext(), a.SpanContext()) +
		`{"time":"2026-11-21T16:38:06.656503Z","level":"INFO","target":"svc::db","message":"in the remote span",` +
		`"request_id":"0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9","span_id":"b7ad6b7169203331","trace_id":"0af7651916cd43dd8448eb211c80319c"}` + "\n"
	if got := out.String(); got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// TestBindConcurrent: goroutines binding the same loggers in one span at
// once all get one bound logger per logger. Each round is a new span, whose
// loggers are all still to bind, so that goroutines meet on the same
// logger: they go in pairs, each pair in its own order.
func TestBindConcurrent(t *testing.T) {
	root, out := newBindLog()
	var logs []*zap.Logger
	for i := range 8 { // as many as a span keeps: none is forgotten
		logs = append(logs, root.Named(fmt.Sprintf("svc::l%d", i)))
	}
	const goroutines, rounds = 16, 100
	for round := range rounds {
		ctx, span := tracing.Start(context.Background(), "work")
		got := make([][]*zap.Logger, goroutines)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				got[g] = make([]*zap.Logger, len(logs))
				for j := range logs {
					i := (g/2 + j) % len(logs)
					got[g][i] = tracing.Bind(ctx, logs[i])
				}
			}()
		}
		close(start)
		wg.Wait()
		span.End()
		for i := range logs {
			for g := 1; g < goroutines; g++ {
				if got[g][i] != got[0][i] {
					t.Fatalf("round %d, logger %d: goroutines 0 and %d got different bound loggers", round, i, g)
				}
			}
		}
		if round < rounds-1 {
			continue
		}
		for i := range logs {
			got[0][i].Info("bound")
		}
		var want strings.Builder
		for i := range logs {
			want.WriteString(bindLine(fmt.Sprintf("svc::l%d", i), "bound", "work", span.SpanContext(), trace.SpanContext{}))
		}
		if out.String() != want.String() {
			t.Errorf("\n got %s\nwant %s", out.String(), want.String())
		}
	}
}
