package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
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
