package tracing_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
)

// TestTwoHops is the two-hop check, on Dynamo's disaggregated
// layout: a frontend routes a request to a prefill worker, which hands it to
// a decode worker; three HTTP servers on loopback, each with its own JSONL
// log. The lines of all three must tell one story: one trace, each
// worker's http-request span a child of the caller's span that made the
// call, the client's x-request-id and one request_id on every line, and
// every span created and closed once, its busy and idle time adding up.
func TestTwoHops(t *testing.T) {
	const xRequestID = "8372eac7-5f43-4d76-beca-0a94cfb311d0"
	const decodeTime = 3 * time.Millisecond

	frontend, prefill, decode := newServiceLog("frontend"), newServiceLog("prefill"), newServiceLog("decode")
	client := newTracedClient(t)

	// call POSTs body to url in ctx's span, through Transport.
	call := func(r *http.Request, span *tracing.Span, url string) (string, error) {
		var body []byte
		var err error
		span.Wait(func() { // the span waits for the worker: idle time
			var req *http.Request
			req, err = http.NewRequestWithContext(r.Context(), http.MethodPost, url, strings.NewReader(`{"tokens":[1,2,3]}`))
			if err != nil {
				return
			}
			var resp *http.Response
			if resp, err = client.Do(req); err != nil {
				return
			}
			defer resp.Body.Close()
			body, err = io.ReadAll(resp.Body)
		})
		return string(body), err
	}

	decodeSrv := serveTraced(t, decode, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		decode.log.Info("decode request received", tracing.Ctx(r.Context()))
		ctx, span := tracing.Start(r.Context(), "decode", zap.Int("output_tokens", 50))
		defer span.End()
		span.Wait(func() { time.Sleep(decodeTime) }) // waiting for the GPU
		decode.log.Info("decoded", tracing.Ctx(ctx), zap.Int("tokens", 50))
		fmt.Fprint(w, "decoded")
	}))
	prefillSrv := serveTraced(t, prefill, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		prefill.log.Info("prefill request received", tracing.Ctx(r.Context()))
		ctx, span := tracing.Start(r.Context(), "prefill", zap.Int("prompt_tokens", 3))
		defer span.End()
		prefill.log.Info("kv cache ready, handing over to decode", tracing.Ctx(ctx))
		out, err := call(r.WithContext(ctx), span, decodeSrv.URL+"/decode")
		if err != nil {
			prefill.log.Error("decode failed", tracing.Ctx(ctx), zap.Error(err))
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, out)
	}))
	frontendSrv := serveTraced(t, frontend, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		frontend.log.Info("chat completion request", tracing.Ctx(r.Context()))
		ctx, span := tracing.Start(r.Context(), "kv_router.select_worker", zap.String("worker", "prefill-0"))
		defer span.End()
		frontend.log.Info("worker selected", tracing.Ctx(ctx))
		out, err := call(r.WithContext(ctx), span, prefillSrv.URL+"/prefill")
		if err != nil {
			frontend.log.Error("prefill failed", tracing.Ctx(ctx), zap.Error(err))
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		fmt.Fprint(w, out)
	}))

	req, err := http.NewRequest(http.MethodPost, frontendSrv.URL+"/v1/chat/completions", strings.NewReader(`{"messages":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-request-id", xRequestID)
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || string(body) != "decoded" {
		t.Fatalf("response %d %q, want 200 decoded", resp.StatusCode, body)
	}
	// Close waits for the handlers, so every SPAN_CLOSED is written.
	frontendSrv.Close()
	prefillSrv.Close()
	decodeSrv.Close()

	services := []struct {
		name  string
		lines []map[string]any
	}{
		{"frontend", frontend.lines(t)},
		{"prefill", prefill.lines(t)},
		{"decode", decode.lines(t)},
	}

	// spans: service/span_name -> span_id, from SPAN_FIRST_ENTRY.
	spans := map[string]string{}
	created := map[string]map[string]any{} // span_id -> SPAN_FIRST_ENTRY line
	closed := map[string][]map[string]any{}
	for _, svc := range services {
		for _, line := range svc.lines {
			id := str(line["span_id"])
			switch line["message"] {
			case "SPAN_FIRST_ENTRY":
				if created[id] != nil {
					t.Errorf("%s: span %s created twice", svc.name, id)
				}
				created[id] = line
				key := svc.name + "/" + str(line["span_name"])
				if spans[key] != "" {
					t.Errorf("two spans %s", key)
				}
				spans[key] = id
			case "SPAN_CLOSED":
				closed[id] = append(closed[id], line)
			}
		}
	}
	if len(created) != 6 {
		t.Errorf("want 6 spans (http-request and one child per service), got %v", spans)
	}

	traceID := str(created[spans["frontend/http-request"]]["trace_id"])
	if len(traceID) != 32 {
		t.Fatalf("the frontend's http-request span has trace_id %q", traceID)
	}
	var requestID string
	for _, svc := range services {
		if len(svc.lines) < 5 { // 2 SPAN_FIRST_ENTRY, 2 SPAN_CLOSED, lines of its own
			t.Errorf("%s wrote %d lines", svc.name, len(svc.lines))
		}
		for i, line := range svc.lines {
			where := fmt.Sprintf("%s line %d (%v)", svc.name, i, line["message"])
			if line["target"] != svc.name || line["level"] != "INFO" {
				t.Errorf("%s: target %v level %v", where, line["target"], line["level"])
			}
			if line["trace_id"] != traceID {
				t.Errorf("%s: trace_id %v, want the frontend's %s", where, line["trace_id"], traceID)
			}
			if line["x_request_id"] != xRequestID {
				t.Errorf("%s: x_request_id %v, want %s", where, line["x_request_id"], xRequestID)
			}
			if requestID == "" {
				requestID = str(line["request_id"])
				if !uuidV4.MatchString(requestID) {
					t.Errorf("%s: request_id %q, want a v4 UUID made by the frontend", where, requestID)
				}
			}
			if line["request_id"] != requestID {
				t.Errorf("%s: request_id %v, want %s everywhere", where, line["request_id"], requestID)
			}
			if created[str(line["span_id"])] == nil {
				t.Errorf("%s: span_id %v of no span created", where, line["span_id"])
			}
		}
	}

	// The tree: each span's parent, across the service boundaries too.
	for child, parent := range map[string]string{
		"frontend/http-request":            "",
		"frontend/kv_router.select_worker": "frontend/http-request",
		"prefill/http-request":             "frontend/kv_router.select_worker",
		"prefill/prefill":                  "prefill/http-request",
		"decode/http-request":              "prefill/prefill",
		"decode/decode":                    "decode/http-request",
	} {
		id := spans[child]
		if id == "" {
			t.Errorf("no span %s", child)
			continue
		}
		got, ok := created[id]["parent_id"]
		switch {
		case parent == "" && ok:
			t.Errorf("%s: parent_id %v, want none (a new trace)", child, got)
		case parent != "" && got != spans[parent]:
			t.Errorf("%s: parent_id %v, want %s's span_id %s", child, got, parent, spans[parent])
		}
	}

	// Every span closed once, busy + idle = duration; the waits are idle.
	for id, c := range created {
		name := str(c["span_name"])
		if len(closed[id]) != 1 {
			t.Errorf("span %s (%s): %d SPAN_CLOSED, want 1", id, name, len(closed[id]))
			continue
		}
		cl := closed[id][0]
		busy, idle, total := micros(t, cl, "time.busy_us"), micros(t, cl, "time.idle_us"), micros(t, cl, "time.duration_us")
		if busy+idle != total || busy < 0 || idle < 0 {
			t.Errorf("span %s: busy %d + idle %d != duration %d", name, busy, idle, total)
		}
		for _, k := range []string{"trace_id", "parent_id", "span_name", "x_request_id", "request_id"} {
			if cl[k] != c[k] {
				t.Errorf("span %s: SPAN_CLOSED %s = %v, SPAN_FIRST_ENTRY has %v", name, k, cl[k], c[k])
			}
		}
		switch id {
		case spans["frontend/kv_router.select_worker"], spans["prefill/prefill"], spans["decode/decode"]:
			// Each of these waited for decodeTime at least, idle.
			if idle < decodeTime.Microseconds() {
				t.Errorf("span %s: idle %dµs, want at least the %v it waited", name, idle, decodeTime)
			}
		}
	}

	// The span fields of each service's own span are on its lines.
	for _, line := range services[2].lines {
		if line["span_name"] == "decode" && line["output_tokens"] != "50" {
			t.Errorf("decode line without its span field output_tokens: %v", line)
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// micros is the integer value of key in line.
func micros(t *testing.T, line map[string]any, key string) int64 {
	t.Helper()
	n, ok := line[key].(json.Number)
	if !ok {
		t.Errorf("%s is %#v, want an integer", key, line[key])
		return 0
	}
	v, err := n.Int64()
	if err != nil {
		t.Errorf("%s is %s, want an integer: %v", key, n, err)
	}
	return v
}
