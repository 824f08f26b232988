package tracing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
)

// A handler behind Middleware that logs only through the context's
// logger: every line carries the request's trace_id and x_request_id,
// and a child span's lines their own span under the same trace.
func ExampleLogger() {
	var out logtest.Buffer
	vars := map[string]string{"DYN_LOGGING_JSONL": "1"}
	log, err := core.New(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""),
		core.WithOutput(&out))
	if err != nil {
		panic(err)
	}
	handler := tracing.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tracing.Logger(r.Context()).Info("routing", zap.String("model", "llama"))
		ctx, span := tracing.Start(r.Context(), "select_worker")
		tracing.Logger(ctx).Info("selected worker")
		span.End()
	}))

	req := httptest.NewRequest("POST", "/v1/chat/completions", nil)
	req.Header.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	req.Header.Set("x-request-id", "req-42")
	handler.ServeHTTP(httptest.NewRecorder(), req.WithContext(tracing.WithLogger(context.Background(), log.Named("frontend"))))

	for _, text := range out.Lines() {
		var l map[string]any
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			panic(err)
		}
		fmt.Println(l["message"], l["span_name"], l["trace_id"], l["x_request_id"])
	}
	// Output:
	// routing http-request 0af7651916cd43dd8448eb211c80319c req-42
	// selected worker select_worker 0af7651916cd43dd8448eb211c80319c req-42
}

// A database logger of its own target inside a request's span. It is named
// from the unnamed root logger, so its target is svc::db, which
// DYN_LOG=info,svc::db=debug lets through at DEBUG; naming the span-bound
// logger instead (core.Named(tracing.Logger(ctx), "svc::db")) would join the
// names into svc::http.svc::db, which that directive does not match.
func ExampleBind() {
	var out logtest.Buffer
	vars := map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "info,svc::db=debug"}
	root, err := core.New(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""),
		core.WithOutput(&out))
	if err != nil {
		panic(err)
	}
	db := core.Named(root, "svc::db") // made once, bound per request

	handler := tracing.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tracing.Logger(r.Context()).Info("routing")
		tracing.Bind(r.Context(), db).Debug("query", zap.Int("rows", 3))
		core.Named(tracing.Logger(r.Context()), "svc::db").Debug("not printed: svc::http.svc::db is at info")
	}))
	req := httptest.NewRequest("GET", "/v1/models", nil)
	req.Header.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	req.Header.Set("x-request-id", "req-42")
	handler.ServeHTTP(httptest.NewRecorder(), req.WithContext(tracing.WithLogger(context.Background(), root.Named("svc::http"))))

	for _, text := range out.Lines() {
		var l map[string]any
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			panic(err)
		}
		fmt.Println(l["level"], l["target"], l["message"], l["span_name"], l["trace_id"], l["x_request_id"])
	}
	// Output:
	// INFO svc::http routing http-request 0af7651916cd43dd8448eb211c80319c req-42
	// DEBUG svc::db query http-request 0af7651916cd43dd8448eb211c80319c req-42
}
