package filter_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func do(t *testing.T, method, url, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHandler drives the handler over a real loopback HTTP server and checks
// that what it says is what the loggers do.
func TestHandler(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	log := zap.New(filter.NewCore(obs, mustParse(t, "info,h2=error")))
	a := filter.AtomicOf(log.Core())
	if a == nil {
		t.Fatal("AtomicOf returned nil for a filter core")
	}
	srv := httptest.NewServer(a)
	defer srv.Close()
	bound := filter.Named(log, "dynamo_runtime::x")

	status, body := do(t, "GET", srv.URL, "", "")
	want := `{"filter":"info,h2=error","directives":[{"level":"info"},{"target":"h2","level":"error"}],"override":false,"configured":"info,h2=error"}` + "\n"
	if status != 200 || body != want {
		t.Fatalf("GET: %d %q, want 200 %q", status, body, want)
	}

	status, body = do(t, "PUT", srv.URL, "text/plain", "warn,dynamo_runtime=debug,[http-request]=trace")
	want = `{"filter":"warn,dynamo_runtime=debug,[http-request]=trace","directives":[{"level":"warn","source":"runtime"},{"target":"dynamo_runtime","level":"debug","source":"runtime"},{"span":"http-request","level":"trace","source":"runtime"}],"override":true,"configured":"info,h2=error"}` + "\n"
	if status != 200 || body != want {
		t.Fatalf("PUT text: %d %q, want 200 %q", status, body, want)
	}
	bound.Debug("after put")
	log.Named("other").Info("hidden")
	log.Named("other").Log(trace, "in http-request", vocab.SpansField(&vocab.Spans{Chain: []vocab.Span{{Name: "http-request"}}}))
	if got := messages(logs); got != "[after put in http-request]" {
		t.Errorf("after PUT the loggers printed %v", got)
	}

	// curl -d's type on a JSON body: read as JSON, by its brace.
	status, body = do(t, "PUT", srv.URL, "application/x-www-form-urlencoded", "\n {\"filter\":\"warn\"}\n")
	if status != 200 || !strings.HasPrefix(body, `{"filter":"warn",`) {
		t.Fatalf("PUT json as a form: %d %q", status, body)
	}
	status, body = do(t, "PUT", srv.URL, "application/json; charset=utf-8", `{"filter":"error"}`)
	if status != 200 || !strings.HasPrefix(body, `{"filter":"error",`) {
		t.Fatalf("PUT json: %d %q", status, body)
	}
	bound.Warn("hidden now")
	if logs.Len() != 0 {
		t.Errorf("after the JSON PUT a warn line printed")
	}

	for _, tc := range []struct {
		name, method, contentType, body string
		status                          int
		want                            string
	}{
		{"bad level", "PUT", "", "info,foo=loud", 400,
			`{"error":"filter: ignoring directive \"foo=loud\": unknown level \"loud\" (want off, error, warn, info, debug, trace or 0-5); the filter in force stays"}`},
		{"two bad directives", "PUT", "", "=x,a b=info", 400,
			`{"error":"filter: ignoring directive \"=x\": unknown level \"x\" (want off, error, warn, info, debug, trace or 0-5)\nfilter: ignoring directive \"a b=info\": a target cannot hold spaces, '=', '[' or ']'; the filter in force stays"}`},
		{"empty", "PUT", "", "", 400,
			`{"error":"filter: spec \"\" holds no directive (send \"off\" to turn every line off, DELETE to go back to the configured filter); the filter in force stays"}`},
		{"only white space and commas", "PUT", "", " , ,\n", 400,
			`{"error":"filter: spec \" , ,\\n\" holds no directive (send \"off\" to turn every line off, DELETE to go back to the configured filter); the filter in force stays"}`},
		{"empty JSON filter", "PUT", "application/json", `{"filter":""}`, 400,
			`{"error":"filter: spec \"\" holds no directive (send \"off\" to turn every line off, DELETE to go back to the configured filter); the filter in force stays"}`},
		{"JSON without filter", "PUT", "application/json", `{"spec":"info"}`, 400,
			`{"error":"filter: body is not a JSON object {\"filter\": \"\u003cspec\u003e\"}: json: unknown field \"spec\""}`},
		{"JSON missing key", "PUT", "application/json", `{}`, 400, `{"error":"filter: JSON body has no \"filter\" key"}`},
		{"zap's level body", "PUT", "application/x-www-form-urlencoded", ` {"level":"debug"}`, 400,
			`{"error":"filter: JSON body has \"level\", as zap's level handler takes; this one takes {\"filter\": \"\u003cspec\u003e\"} (PATCH {\"filter\": \"debug\"} sets the default level alone)"}`},
		{"JSON by its brace, bad", "PATCH", "", `{"filter":"info"`, 400,
			`{"error":"filter: body is not a JSON object {\"filter\": \"\u003cspec\u003e\"}: unexpected EOF"}`},
		{"JSON with data after it", "PUT", "application/json", `{"filter":"info"} x`, 400,
			`{"error":"filter: body is not a JSON object {\"filter\": \"\u003cspec\u003e\"}: data after the object"}`},
		{"not JSON", "PUT", "application/json", `info`, 400,
			`{"error":"filter: body is not a JSON object {\"filter\": \"\u003cspec\u003e\"}: invalid character 'i' looking for beginning of value"}`},
		{"too large", "PUT", "", strings.Repeat("a=info,", 10000), 413, `{"error":"filter: body larger than 65536 bytes"}`},
		{"POST", "POST", "", "info", 405, `{"error":"method POST not allowed: use GET to read the filter, PUT to override it, PATCH to merge directives into it, DELETE to remove the override"}`},
	} {
		status, body := do(t, tc.method, srv.URL, tc.contentType, tc.body)
		if status != tc.status || body != tc.want+"\n" {
			t.Errorf("%s: %d %s\nwant %d %s", tc.name, status, body, tc.status, tc.want)
		}
		if got := a.Load().String(); got != "error" {
			t.Errorf("%s: the filter changed to %q; a refused PUT must keep the old one", tc.name, got)
		}
	}

	var state map[string]any
	_, body = do(t, "GET", srv.URL, "", "")
	if err := json.Unmarshal([]byte(body), &state); err != nil || state["filter"] != "error" {
		t.Errorf("final GET: %v %q", err, body)
	}
}
