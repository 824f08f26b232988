package tracing_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/tracing"
)

// A frontend and a worker, real HTTP servers on loopback. Middleware serves
// each request in an http-request span; Transport sends the trace on with
// the frontend's call; Start makes a child span and Ctx puts it on a line.
// The worker's lines share the frontend's trace_id and x_request_id, and
// its http-request span is a child of the frontend's call span.
func ExampleMiddleware() {
	var out logtest.Buffer
	vars := map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "1"}
	log, err := core.New(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""),
		core.WithOutput(&out))
	if err != nil {
		panic(err)
	}
	serve := func(name string, h http.HandlerFunc) *httptest.Server {
		srv := httptest.NewUnstartedServer(tracing.Middleware(h))
		srv.Config.BaseContext = func(net.Listener) context.Context {
			return tracing.WithLogger(context.Background(), log.Named(name))
		}
		srv.Start()
		return srv
	}

	worker := serve("worker", func(w http.ResponseWriter, r *http.Request) {
		log.Named("worker").Info("generating", tracing.Ctx(r.Context()))
	})
	defer worker.Close()
	client := &http.Client{Transport: tracing.Transport(nil)}
	frontend := serve("frontend", func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracing.Start(r.Context(), "call_worker")
		defer span.End()
		req, _ := http.NewRequestWithContext(ctx, "POST", worker.URL+"/generate", nil)
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		log.Named("frontend").Info("done", tracing.Ctx(ctx))
	})
	defer frontend.Close()

	req, _ := http.NewRequest("POST", frontend.URL+"/v1/chat/completions", nil)
	req.Header.Set("x-request-id", "req-42")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()

	// IDs are random: show how the lines relate instead.
	spans := map[string]string{} // span_id -> span_name
	var lines []map[string]any
	for _, text := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var l map[string]any
		if err := json.Unmarshal([]byte(text), &l); err != nil {
			panic(err)
		}
		lines = append(lines, l)
		if l["message"] == "SPAN_FIRST_ENTRY" {
			spans[l["span_id"].(string)] = l["target"].(string) + "/" + l["span_name"].(string)
		}
	}
	for _, l := range lines {
		if l["message"] == "SPAN_FIRST_ENTRY" || l["message"] == "SPAN_CLOSED" {
			continue
		}
		fmt.Printf("%s %q in %s, parent %s, same trace: %v, x_request_id=%v\n",
			l["target"], l["message"], spans[l["span_id"].(string)], spans[fmt.Sprint(l["parent_id"])],
			l["trace_id"] == lines[0]["trace_id"], l["x_request_id"])
	}
	// Output:
	// worker "generating" in worker/http-request, parent frontend/call_worker, same trace: true, x_request_id=req-42
	// frontend "done" in frontend/call_worker, parent frontend/http-request, same trace: true, x_request_id=req-42
}
