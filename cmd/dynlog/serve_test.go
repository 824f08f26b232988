package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/serve"
	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
)

// serveFiles writes the demo's JSONL lines split into two services'
// files, the frontend's and the workers', in dir, with hostile lines
// added to the frontend's; it returns their paths and the trace_id of
// the demo's first request.
func serveFiles(t *testing.T, dir string) (files []string, traceID string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--format", "jsonl"}, &out, &errOut); code != 0 {
		t.Fatalf("demo: exit %d: %s", code, errOut.String())
	}
	var frontend, workers bytes.Buffer
	for _, l := range strings.Split(out.String(), "\n") {
		if !strings.HasPrefix(l, "{") {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		if m["x_request_id"] == demoRequestID {
			traceID = m["trace_id"].(string)
		}
		if m["target"] == frontendTarget {
			frontend.WriteString(l + "\n")
		} else {
			workers.WriteString(l + "\n")
		}
	}
	frontend.WriteString(hostileLines)
	files = []string{filepath.Join(dir, "frontend.jsonl"), filepath.Join(dir, "workers.jsonl")}
	for i, b := range []*bytes.Buffer{&frontend, &workers} {
		if err := os.WriteFile(files[i], b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return files, traceID
}

// hostileLines are log text made of markup and script: a record whose
// message, field key, field value and target are HTML, and a line that is
// not JSON.
const hostileLines = `{"time":"2030-01-01T00:00:00Z","level":"WARN","target":"<svg onload=alert(4)>","message":"<img src=x onerror=alert(1)> <script>alert(2)</script>","href":"javascript:alert(3)","<b onmouseover=alert(5)>k</b>":"v"}
<script>alert(6)</script> a line that is not JSON
`

// startServe serves files as dynlog serve does, over real HTTP on
// loopback.
// hookServe makes serve (and demo --serve) run under a context that
// cancel, or the end of the test, ends, and sends each address it listens
// on to addr; with stopOnListen the context ends as soon as it listens.
func hookServe(t *testing.T, stopOnListen bool) (addr <-chan string, cancel context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := make(chan string, 4)
	oldCtx, oldListening := serveContext, serveListening
	serveContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	serveListening = func(a string) {
		ch <- a
		if stopOnListen {
			cancel()
		}
	}
	t.Cleanup(func() {
		cancel()
		serveContext, serveListening = oldCtx, oldListening
	})
	return ch, cancel
}

func startServe(t *testing.T, files []string, token string) *httptest.Server {
	t.Helper()
	files, err := serve.Expand(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := newServer(files, token, "http://jaeger.example:16686", "http://vl.example:9428/", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return hs
}

type servedLine struct {
	Stream     int         `json:"stream"`
	Pos        int64       `json:"pos"`
	File       string      `json:"file"`
	Line       int         `json:"line"`
	Level      string      `json:"level"`
	TraceID    string      `json:"trace_id"`
	SpanID     string      `json:"span_id"`
	XRequestID string      `json:"x_request_id"`
	Segs       [][2]string `json:"segs"`
	Note       string      `json:"note"`
}

func (l servedLine) text() string {
	var b strings.Builder
	for _, s := range l.Segs {
		b.WriteString(s[1])
	}
	return b.String()
}

type servedPage struct {
	Lines  []servedLine `json:"lines"`
	Before string       `json:"before"`
	After  string       `json:"after"`
	More   bool         `json:"more"`
}

func get(t *testing.T, client *http.Client, u string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

func getPage(t *testing.T, base, query string) servedPage {
	t.Helper()
	resp, body := get(t, nil, base+query)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s: %s", query, resp.Status, body)
	}
	var p servedPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("GET %s: %v: %s", query, err, body)
	}
	return p
}

// allLines pages through every line that passes query, oldest first.
func allLines(t *testing.T, base, query string) []servedLine {
	t.Helper()
	var all []servedLine
	p := getPage(t, base, "/api/lines?limit=7&"+query)
	for {
		all = append(slices.Clone(p.Lines), all...)
		if !p.More {
			return all
		}
		p = getPage(t, base, "/api/lines?limit=7&before="+p.Before+"&"+query)
	}
}

// viewLines is what dynlog view --color never prints for files with args.
func viewLines(t *testing.T, files []string, args ...string) []string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := view(append(append([]string{"--color", "never"}, args...), files...), nil, &out, &errOut); code != 0 {
		t.Fatalf("view %v: exit %d: %s", args, code, errOut.String())
	}
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
}

// TestServeLinesAreViewsLines: the page gets every line of both files
// once, merged by time, each as dynlog view prints it in the readable
// layout; and each filter keeps the lines view's same filter keeps.
func TestServeLinesAreViewsLines(t *testing.T) {
	files, traceID := serveFiles(t, t.TempDir())
	hs := startServe(t, files, "")
	lines := allLines(t, hs.URL, "")
	var texts []string
	for _, l := range lines {
		texts = append(texts, l.text())
	}
	want := viewLines(t, files)
	if g, w := sorted(texts), sorted(want); !slices.Equal(g, w) {
		t.Fatalf("the served lines are not view's:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
	}
	// Merged by time: the hostile record (2030) and the line after it
	// last, the rest in the order of their times.
	for i := 1; i < len(lines)-2; i++ {
		if a, b := texts[i-1][:27], texts[i][:27]; a > b {
			t.Errorf("line %d (%s) comes after line %d (%s)", i, b, i-1, a)
		}
	}
	// The level colours are the readable layout's: INFO green, WARN yellow.
	for _, l := range lines {
		for _, s := range l.Segs {
			if strings.TrimSpace(s[1]) == "INFO" && s[0] != "c32" || strings.TrimSpace(s[1]) == "WARN" && s[0] != "c33" {
				t.Errorf("level %q has class %q", s[1], s[0])
			}
		}
	}

	request := "8372eac7-5f43-4d76-beca-0a94cfb311d0"
	innerID := requestIDOf(t, files[0], request) // its request_id
	for _, tc := range []struct {
		query string
		view  []string
	}{
		{"filter=warn", []string{"--filter", "warn"}},
		{"filter=" + url.QueryEscape("error,dynamo_llm::prefill=debug"), []string{"--filter", "error,dynamo_llm::prefill=debug"}},
		{"filter=" + url.QueryEscape("warn,[http-request]=info"), []string{"--filter", "warn,[http-request]=info"}},
		{"level=warn", []string{"--level", "warn"}},
		{"trace=" + traceID, []string{"--trace", traceID}},
		{"request=" + request, []string{"--request-id", request}},
		{"request=" + innerID, []string{"--request-id", innerID}},
	} {
		var got []string
		for _, l := range allLines(t, hs.URL, tc.query) {
			got = append(got, l.text())
		}
		var want []string
		for _, l := range viewLines(t, files, tc.view...) {
			if strings.HasPrefix(l, "20") { // view passes lines that are not records through
				want = append(want, l)
			}
		}
		if len(want) == 0 {
			t.Fatalf("%s: view keeps no line: a useless case", tc.query)
		}
		if g, w := sorted(got), sorted(want); !slices.Equal(g, w) {
			t.Errorf("%s: served\n%s\nwant view %v's\n%s", tc.query, strings.Join(g, "\n"), tc.view, strings.Join(w, "\n"))
		}
	}
	// The text search looks in the line as shown, in any case.
	got := allLines(t, hs.URL, "q=KV+CACHE+READY")
	if len(got) != 3 {
		t.Errorf("q=KV CACHE READY: %d lines, want the 3 requests' \"kv cache ready\":\n%v", len(got), got)
	}
	for _, l := range got {
		if !strings.Contains(l.text(), "kv cache ready") {
			t.Errorf("q=KV CACHE READY: %q", l.text())
		}
	}
	var entries []string
	for _, l := range want {
		if strings.Contains(l, "SPAN_FIRST_ENTRY") {
			entries = append(entries, l)
		}
	}
	var found []string
	for _, l := range allLines(t, hs.URL, "q=span_first_entry") {
		found = append(found, l.text())
	}
	if len(entries) == 0 || !slices.Equal(sorted(found), sorted(entries)) {
		t.Errorf("q=span_first_entry: %d lines, want the %d with SPAN_FIRST_ENTRY", len(found), len(entries))
	}
}

// requestIDOf returns the request_id of the request with x_request_id xid
// in file.
func requestIDOf(t *testing.T, file, xid string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil && m["x_request_id"] == xid && m["request_id"] != nil {
			return m["request_id"].(string)
		}
	}
	t.Fatalf("no request_id for x_request_id %s in %s", xid, file)
	return ""
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

// TestServeHostileTextIsText: markup and script in a record's message,
// key, value and target, and in a line that is not JSON, come to the page
// as JSON strings holding exactly that text (which the page inserts as
// text), never as markup in the response.
func TestServeHostileTextIsText(t *testing.T) {
	files, _ := serveFiles(t, t.TempDir())
	hs := startServe(t, files, "")
	resp, body := get(t, nil, hs.URL+"/api/lines?limit=2")
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if bytes.ContainsAny(body, "<>") {
		t.Errorf("the JSON holds < or > unescaped: %s", body)
	}
	var p servedPage
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`2030-01-01T00:00:00.000000Z  WARN <svg onload=alert(4)>: <img src=x onerror=alert(1)> <script>alert(2)</script> href="javascript:alert(3)" "<b onmouseover=alert(5)>k</b>"="v"`,
		`<script>alert(6)</script> a line that is not JSON`,
	}
	if len(p.Lines) != 2 || p.Lines[0].text() != want[0] || p.Lines[1].text() != want[1] {
		var got []string
		for _, l := range p.Lines {
			got = append(got, l.text())
		}
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}

// TestServeTraceIsTraceJSON: /api/trace/ID is the trace dynlog trace
// --json draws from the same files: the same rows, depths and durations.
func TestServeTraceIsTraceJSON(t *testing.T) {
	files, traceID := serveFiles(t, t.TempDir())
	hs := startServe(t, files, "")
	resp, body := get(t, nil, hs.URL+"/api/trace/"+traceID)
	if resp.StatusCode != 200 {
		t.Fatalf("%s: %s", resp.Status, body)
	}
	var got struct {
		Trace        waterfall.JSONTrace `json:"trace"`
		Jaeger       string              `json:"jaeger"`
		VictoriaLogs string              `json:"victorialogs"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := run(append([]string{"trace", "--json", "--trace", traceID}, files...), &out, &errOut); code != 0 {
		t.Fatalf("trace: exit %d: %s", code, errOut.String())
	}
	var want waterfall.JSONOutput
	if err := json.Unmarshal(out.Bytes(), &want); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got.Trace)
	w, _ := json.Marshal(want.Traces[0])
	if len(want.Traces) != 1 || !bytes.Equal(g, w) || len(got.Trace.Spans) != 8 {
		t.Errorf("served trace\n%s\nwant trace --json's (8 spans)\n%s", g, w)
	}
	if want := "http://jaeger.example:16686/trace/" + traceID; got.Jaeger != want {
		t.Errorf("jaeger link %q, want %q", got.Jaeger, want)
	}
	if want := "http://vl.example:9428/select/vmui/#/?query=trace_id%3A%22" + traceID + "%22"; got.VictoriaLogs != want {
		t.Errorf("VictoriaLogs link %q, want %q", got.VictoriaLogs, want)
	}
	// The lines of one span: those with its span_id, not its children's
	// (whose parent_id it is).
	for _, span := range got.Trace.Spans[:2] {
		lines := allLines(t, hs.URL, "trace="+traceID+"&span="+span.SpanID)
		if len(lines) < 2 {
			t.Errorf("span %s: %d lines, want its SPAN_FIRST_ENTRY and SPAN_CLOSED at least", span.SpanID, len(lines))
		}
		for _, l := range lines {
			if l.SpanID != span.SpanID || l.TraceID != traceID {
				t.Errorf("span %s: a line of span %s trace %s", span.SpanID, l.SpanID, l.TraceID)
			}
		}
	}
	if resp, body := get(t, nil, hs.URL+"/api/trace/0123456789abcdef0123456789abcdef"); resp.StatusCode != 404 {
		t.Errorf("an unknown trace: %s: %s", resp.Status, body)
	}
}

// TestServeSafety: the response headers, the methods, the Host, the
// token, and requests that try to name other files.
func TestServeSafety(t *testing.T) {
	files, _ := serveFiles(t, t.TempDir())
	const csp = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
	open := startServe(t, files, "")
	for _, p := range []string{"/", "/app.js", "/app.css", "/api/lines", "/trace/abc", "/nothing"} {
		resp, _ := get(t, nil, open.URL+p)
		if got := resp.Header.Get("Content-Security-Policy"); got != csp {
			t.Errorf("%s: CSP %q, want %q", p, got, csp)
		}
		if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q", p, got)
		}
	}
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		req, _ := http.NewRequest(method, open.URL+"/api/lines", strings.NewReader("x"))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: %s, Allow %q; want 405, GET, HEAD", method, resp.Status, resp.Header.Get("Allow"))
		}
	}
	// Without a token, only requests addressed to this machine: a page of
	// another site reaching 127.0.0.1 through its own DNS name is refused.
	if resp, _ := get(t, nil, open.URL+"/api/info", "Host", "evil.example:80"); resp.StatusCode != 403 {
		t.Errorf("Host evil.example: %s, want 403", resp.Status)
	}
	if resp, _ := get(t, nil, open.URL+"/api/info", "Host", "localhost:1"); resp.StatusCode != 200 {
		t.Errorf("Host localhost: %s, want 200", resp.Status)
	}
	if resp, _ := get(t, nil, open.URL+"/api/lines?q="+strings.Repeat("a", 20000)); resp.StatusCode != 414 {
		t.Errorf("a 20 kB query: %s, want 414", resp.Status)
	}
	if resp, _ := get(t, nil, open.URL+"/api/lines?before=99999999999"); resp.StatusCode != 400 {
		t.Errorf("a cursor past the end: %s, want 400", resp.Status)
	}
	if resp, body := get(t, nil, open.URL+"/api/lines?filter="+url.QueryEscape("foo=loud")); resp.StatusCode != 400 ||
		!strings.Contains(string(body), `ignoring directive \"foo=loud\": unknown level`) {
		t.Errorf("a bad directive: %s %s", resp.Status, body)
	}
	// No path reaches the file system: whatever the request, no file but
	// the named ones is read.
	secret := filepath.Join(filepath.Dir(files[0]), "secret.jsonl")
	os.WriteFile(secret, []byte(`{"level":"INFO","message":"SECRET"}`+"\n"), 0o644)
	raw := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, p := range []string{
		"/../secret.jsonl", "/%2e%2e/secret.jsonl", "/app.js/../../secret.jsonl", "/..%2fsecret.jsonl",
		"/api/lines?file=" + url.QueryEscape(secret), "/api/lines?files=" + url.QueryEscape(secret),
		"/trace/..%2f..%2fsecret.jsonl", "/api/trace/..%2f..%2f" + url.PathEscape(secret), "/api/trace/" + url.PathEscape(secret),
		"/assets/app.js", "/assets/", "/etc/passwd", "/api/lines?before=" + url.QueryEscape("0.../../secret"),
	} {
		resp, body := get(t, raw, open.URL+p)
		if bytes.Contains(body, []byte("SECRET")) || bytes.Contains(body, []byte("root:")) {
			t.Errorf("%s: %s: the answer holds another file's text: %s", p, resp.Status, body)
		}
		if resp.StatusCode == 200 && strings.HasPrefix(p, "/api/lines?file") {
			continue // an unknown parameter is ignored: the named files' lines
		}
		if resp.StatusCode == 200 && !strings.HasPrefix(p, "/trace/") {
			t.Errorf("%s: %s, want an error or a redirect", p, resp.Status)
		}
	}

	const token = "s3cret-t0ken"
	locked := startServe(t, files, token)
	for _, tc := range []struct {
		name string
		path string
		hdr  []string
		want int
	}{
		{"no token", "/api/info", nil, 401},
		{"no token, page", "/", nil, 401},
		{"no token, script", "/app.js", nil, 401},
		{"wrong header", "/api/info", []string{"Authorization", "Bearer s3cret-t0keN"}, 401},
		{"wrong query", "/api/info?token=s3cret", nil, 401},
		{"wrong cookie", "/api/info", []string{"Cookie", "dynlog_token=x"}, 401},
		{"right header", "/api/info", []string{"Authorization", "Bearer " + token}, 200},
		{"right query, API", "/api/info?token=" + token, nil, 200},
		{"right cookie", "/app.js", []string{"Cookie", "dynlog_token=" + token}, 200},
		{"right query, page", "/trace/abc?filter=warn&token=" + token, nil, 303},
		{"any Host with the token", "/api/info", []string{"Authorization", "Bearer " + token, "Host", "node7.example:7070"}, 200},
	} {
		resp, body := get(t, raw, locked.URL+tc.path, tc.hdr...)
		if resp.StatusCode != tc.want {
			t.Errorf("%s: %s %s, want %d", tc.name, resp.Status, body, tc.want)
		}
		if tc.want == 303 {
			if loc := resp.Header.Get("Location"); loc != "/trace/abc?filter=warn" {
				t.Errorf("%s: redirected to %q, want the page without the token", tc.name, loc)
			}
			if c := resp.Header.Get("Set-Cookie"); c != "dynlog_token="+token+"; Path=/; HttpOnly; SameSite=Strict" {
				t.Errorf("%s: Set-Cookie %q", tc.name, c)
			}
		}
	}
}

// TestServeRefusesNonLoopback: an address others can reach is refused
// without --token, with a message that says why, and exit code 2.
func TestServeRefusesNonLoopback(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a.jsonl")
	os.WriteFile(file, nil, 0o644)
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.0.2.1:0"} {
		var out, errOut bytes.Buffer
		code := run([]string{"serve", "--addr", addr, file}, &out, &errOut)
		what := "every interface"
		if addr == "192.0.2.1:0" {
			what = "192.0.2.1"
		}
		want := fmt.Sprintf("dynlog serve: refusing to listen on %s (%s) without a token: it is not a loopback address, so anyone who can reach it could read these logs; give --token-file F or --token SECRET (then required on every request), or listen on 127.0.0.1\n", addr, what)
		if code != 2 || errOut.String() != want || out.Len() != 0 {
			t.Errorf("--addr %s: exit %d, stderr %q; want 2, %q", addr, code, errOut.String(), want)
		}
	}
}

// TestServeRefusesScriptLinks: --jaeger and --victorialogs must be http
// or https URLs, which the page links to.
func TestServeRefusesScriptLinks(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a.jsonl")
	os.WriteFile(file, nil, 0o644)
	for _, flag := range []string{"--jaeger", "--victorialogs"} {
		var out, errOut bytes.Buffer
		code := run([]string{"serve", "--addr", "127.0.0.1:0", flag, "javascript:alert(1)//", file}, &out, &errOut)
		want := "dynlog serve: \"javascript:alert(1)//\" is not an http or https URL (try dynlog serve --help)\n"
		if code != 2 || errOut.String() != want {
			t.Errorf("%s javascript:…: exit %d, stderr %q; want 2, %q", flag, code, errOut.String(), want)
		}
	}
}

// TestServeLiveAcrossRotation: lines written after the page loaded come
// through /api/tail, across a rotation that renames the file away and a
// backup compressed meanwhile: each once, in order.
func TestServeLiveAcrossRotation(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "worker.jsonl")
	line := func(i int) string {
		return fmt.Sprintf(`{"time":"2026-01-01T00:00:%02d.%06dZ","level":"INFO","target":"w","message":"line %d"}`, i/1000000, i%1000000, i)
	}
	var b strings.Builder
	for i := range 10 {
		b.WriteString(line(i) + "\n")
	}
	os.WriteFile(file, []byte(b.String()), 0o644)
	hs := startServe(t, []string{file}, "")
	p := getPage(t, hs.URL, "/api/lines")
	if len(p.Lines) != 10 {
		t.Fatalf("%d lines, want 10", len(p.Lines))
	}
	after := p.After
	var got []string
	var mu sync.Mutex
	next := 10
	write := func(n int) {
		f, err := os.OpenFile(file, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		for range n {
			fmt.Fprintln(f, line(next))
			next++
		}
		f.Close()
	}
	waitFor := func(n int) {
		for len(got) < n {
			tp := getPage(t, hs.URL, "/api/tail?after="+after)
			mu.Lock()
			for _, l := range tp.Lines {
				got = append(got, strings.TrimPrefix(l.Segs[len(l.Segs)-1][1], " "))
			}
			mu.Unlock()
			after = tp.After
		}
	}
	write(5)
	waitFor(5)
	// Rotated: renamed to a backup, more written to it first, then a new
	// file; the backup is gzipped and removed as core/output does.
	write(3)
	backup := filepath.Join(dir, "worker-2026-01-01T00-00-01.000.jsonl")
	if err := os.Rename(file, backup); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(backup, os.O_APPEND|os.O_WRONLY, 0o644)
	fmt.Fprintln(f, line(next))
	next++
	f.Close()
	write(4)
	waitFor(5 + 3 + 1 + 4)
	gzipFile(t, backup)
	write(2)
	waitFor(15)
	var want []string
	for i := 10; i < 25; i++ {
		want = append(want, fmt.Sprintf("line %d", i))
	}
	if !slices.Equal(got, want) {
		t.Errorf("live lines\n%q\nwant\n%q", got, want)
	}
	// The page reloaded: all 25 lines, once each.
	all := allLines(t, hs.URL, "")
	if len(all) != 25 {
		t.Errorf("after the rotation: %d lines, want 25", len(all))
	}
}

func gzipFile(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	info, _ := os.Stat(path)
	f, err := os.Create(path + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write(b)
	zw.Close()
	f.Close()
	os.Chtimes(path+".gz", info.ModTime(), info.ModTime())
	os.Remove(path)
}

// TestServeBackupsAndPaging: a file's rotated backups, plain and
// gzipped, are read before it, oldest first; paging through thousands of
// lines (blocks of the index, a gzipped one too) gives each once.
func TestServeBackupsAndPaging(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "w.log")
	n := 0
	write := func(path string, lines int) {
		var b strings.Builder
		for range lines {
			fmt.Fprintf(&b, `{"time":"2026-01-01T00:%02d:%02d.%06dZ","level":"INFO","target":"w","message":"m%d"}`+"\n", n/60_000_000, n/1_000_000%60, n%1_000_000, n)
			n++
		}
		os.WriteFile(path, []byte(b.String()), 0o644)
	}
	write(filepath.Join(dir, "w-2026-01-01T00-00-00.000.log"), 700)
	gzipFile(t, filepath.Join(dir, "w-2026-01-01T00-00-00.000.log"))
	write(filepath.Join(dir, "w-2026-01-01T00-00-01.000.log"), 1300)
	write(file, 600)
	os.WriteFile(filepath.Join(dir, "w-debug.log"), []byte(`{"level":"INFO","message":"not a backup"}`+"\n"), 0o644)
	hs := startServe(t, []string{dir}, "") // a DIR: w.log and w-debug.log
	var got []string
	p := getPage(t, hs.URL, "/api/lines?limit=500")
	for {
		for i := len(p.Lines) - 1; i >= 0; i-- {
			got = append(got, p.Lines[i].text())
		}
		if !p.More {
			break
		}
		p = getPage(t, hs.URL, "/api/lines?limit=500&before="+p.Before)
	}
	slices.Reverse(got)
	if len(got) != 2601 {
		t.Fatalf("%d lines, want 2601", len(got))
	}
	if !strings.HasSuffix(got[0], "not a backup") {
		t.Errorf("first line %q, want w-debug.log's, timeless, first", got[0])
	}
	for i, l := range got[1:] {
		if !strings.HasSuffix(l, fmt.Sprintf(" m%d", i)) {
			t.Fatalf("line %d: %q, want m%d", i+1, l, i)
		}
	}
}

// TestDemoServe: demo --serve serves the three services' files, in which
// the demo's request has its lines and its trace.
func TestDemoServe(t *testing.T) {
	addr, cancel := hookServe(t, false)
	done := make(chan int)
	var out, errOut bytes.Buffer
	go func() {
		done <- run([]string{"demo", "--format", "jsonl", "--serve", "--addr", "127.0.0.1:0"}, &out, &errOut)
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case code := <-done:
		t.Fatalf("demo --serve: exit %d: %s", code, errOut.String())
	}
	resp, body := get(t, nil, base+"/api/info")
	var in struct{ Files []string }
	json.Unmarshal(body, &in)
	var names []string
	for _, f := range in.Files {
		names = append(names, filepath.Base(f))
	}
	if resp.StatusCode != 200 || !slices.Equal(names, []string{"decode.jsonl", "frontend.jsonl", "prefill.jsonl"}) {
		t.Errorf("demo --serve serves %s %q, want decode, frontend and prefill's files", resp.Status, names)
	}
	lines := allLines(t, base, "request="+demoRequestID)
	if len(lines) == 0 || lines[0].TraceID == "" {
		t.Fatalf("no line of the demo's request: %v", lines)
	}
	if resp, body := get(t, nil, base+"/api/trace/"+lines[0].TraceID); resp.StatusCode != 200 || !bytes.Contains(body, []byte(`"span_name":"decode"`)) {
		t.Errorf("the request's trace: %s %s", resp.Status, body)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("demo --serve: exit %d: %s", code, errOut.String())
	}
	dir := strings.TrimSuffix(filepath.Dir(in.Files[0]), "/")
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the demo's directory %s is still there: %v", dir, err)
	}
}

// FuzzServeLine: whatever a line of a file holds, /api/lines answers
// valid JSON in which no escape sequence of the input survives as a
// control character (ESC, CSI): the page gets text and classes only.
func FuzzServeLine(f *testing.F) {
	for _, seed := range []string{
		`{"time":"2026-01-01T00:00:00Z","level":"INFO","target":"t","message":"\u001b[31mred\u001b[0m"}`,
		`{"level":"WARN","message":"<img src=x onerror=alert(1)>","k\u001b]8;;http://x\u0007":"\u009b2J"}`,
		"\x1b[2J plain \x9b \xff\xfe",
		`{"time":"2026-01-01T00:00:00Z","level":"ERROR","span_name":"<s>","trace_id":"\u0000","message":"a\nb\rc"}`,
		`{"message":1}`, `[]`, `{"time":"x`,
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	i := 0
	f.Fuzz(func(t *testing.T, line string) {
		i++
		path := filepath.Join(dir, fmt.Sprintf("f%d.jsonl", i))
		if err := os.WriteFile(path, []byte(line+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(path)
		srv, err := serve.New(serve.Config{Files: []string{path}, Render: serveRenderer, Trace: serveTrace})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "http://127.0.0.1/api/lines", nil)
		srv.Handler().ServeHTTP(rec, req)
		var p servedPage
		if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &p) != nil {
			t.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
		for _, l := range p.Lines {
			if s := l.text(); strings.ContainsAny(s, "\x1b\u009b\x07") {
				t.Errorf("a control reaches the page: %q (from %q)", s, line)
			}
		}
	})
}

// TestServeFlagAfterFiles: a flag after the files is refused, not taken
// for a file to wait for while serving on the default address.
func TestServeFlagAfterFiles(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a.jsonl")
	os.WriteFile(file, nil, 0o644)
	var out, errOut bytes.Buffer
	code := run([]string{"serve", file, "--addr", "127.0.0.1:0"}, &out, &errOut)
	want := "dynlog serve: --addr after the files: flags go before them (dynlog serve --addr … FILE|DIR...) (try dynlog serve --help)\n"
	if code != 2 || errOut.String() != want || out.Len() != 0 {
		t.Errorf("serve FILE --addr …: exit %d, stderr %q; want 2, %q", code, errOut.String(), want)
	}
}

// bigLines writes n records whose messages are 60,000 "<" each, which
// JSON answers as \u003c: an answer of many of them is tens of MB.
func bigLines(t *testing.T, n int) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), "big.jsonl")
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, `{"time":"2030-01-01T00:00:%02d.%06dZ","level":"INFO","target":"t","message":"%d %s"}`+"\n", i/1000, i%1000, i, strings.Repeat("<", 60000))
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestServePageBytes: a page of long lines stops at about 4 MiB of text
// and says there is more; paging on gets every line once.
func TestServePageBytes(t *testing.T) {
	const n = 300
	hs := startServe(t, []string{bigLines(t, n)}, "")
	p := getPage(t, hs.URL, "/api/lines?limit=500")
	size := 0
	for _, l := range p.Lines {
		size += len(l.text())
	}
	if !p.More || size > 4<<20+64<<10 {
		t.Errorf("the first page: %d lines, %d bytes of text, more %v; want at most 4 MiB and a bit, and more", len(p.Lines), size, p.More)
	}
	got := len(p.Lines)
	for p.More {
		p = getPage(t, hs.URL, "/api/lines?limit=500&before="+p.Before)
		got += len(p.Lines)
	}
	if got != n {
		t.Errorf("paged through %d lines, want %d", got, n)
	}
}

// TestServeSlowReaders: clients that ask for pages and do not read them
// hold no worker: another client's page is answered meanwhile.
func TestServeSlowReaders(t *testing.T) {
	hs := startServe(t, []string{bigLines(t, 60)}, "")
	for range 3 { // more than the workers
		conn, err := net.Dial("tcp", hs.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conn.(*net.TCPConn).SetReadBuffer(4096)
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		fmt.Fprintf(conn, "GET /api/lines?limit=500 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
		// The answer's first byte: its handler walked the lines and is
		// writing them, to a client that reads no more.
		if _, err := io.ReadFull(conn, make([]byte, 1)); err != nil {
			t.Fatal(err)
		}
	}
	client := &http.Client{Timeout: time.Minute}
	if resp, body := get(t, client, hs.URL+"/api/lines?limit=1"); resp.StatusCode != 200 {
		t.Errorf("a page while others are not read: %s %s", resp.Status, body)
	}
}

// TestServeSymlinkSwappedIn: whoever can write the log directory cannot
// have the server read another file by putting a symbolic link in place
// of the file named, or among its backups, after it started: the link is
// said on stderr and not read, neither into the lines nor into a trace.
func TestServeSymlinkSwappedIn(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret.jsonl")
	os.WriteFile(secret, []byte(`{"time":"2030-01-01T00:00:00Z","level":"INFO","message":"SECRET","trace_id":"5ec2e7"}`+"\n"), 0o600)
	file := filepath.Join(dir, "a.jsonl")
	os.WriteFile(file, []byte(`{"time":"2029-01-01T00:00:00Z","level":"INFO","message":"hello"}`+"\n"), 0o644)
	var stderr lockedBuffer
	srv, err := newServer([]string{file}, "", "", "", &stderr)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer func() { hs.Close(); srv.Close() }()

	if err := os.Symlink(secret, filepath.Join(dir, "a-2029-06-01T00-00-00.000.jsonl")); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, file); err != nil {
		t.Fatal(err)
	}
	// Until the follower has been at the link: it says so, or (before
	// this was refused) it read the secret's line.
	want := "dynlog serve: " + file + " is a symbolic link: not read (only the files named are); skipped\n"
	for !strings.Contains(string(stderr.Bytes()), want) && srv.Lines() == 1 {
		time.Sleep(10 * time.Millisecond)
	}
	for _, p := range []string{"/api/lines", "/api/trace/5ec2e7"} {
		if _, body := get(t, nil, hs.URL+p); bytes.Contains(body, []byte("SECRET")) {
			t.Errorf("%s: the linked file's line is served: %s", p, body)
		}
	}
	if n := srv.Lines(); n != 1 {
		t.Errorf("%d lines, want the 1 of the file named; stderr: %s", n, stderr.Bytes())
	}
}

// TestServeDirLinks: a symbolic link with a log file's name in a DIR is
// not served, and said, rather than left out silently (or taken for an
// empty directory).
func TestServeDirLinks(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(t.TempDir(), "x.jsonl"), filepath.Join(dir, "current.jsonl")); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"serve", "--addr", "127.0.0.1:0", dir}, &out, &errOut)
	link := filepath.Join(dir, "current.jsonl")
	want := "dynlog serve: " + link + " is a symbolic link: not served (name it to serve it)\n" +
		"dynlog serve: no .jsonl, .json or .log file in " + dir + " (try dynlog serve --help)\n"
	if code != 2 || errOut.String() != want {
		t.Errorf("a DIR holding a link: exit %d, stderr %q; want 2, %q", code, errOut.String(), want)
	}
}

// TestServeEveryInterface: on every interface, serve says the address to
// open with the machine's name, not http://[::]:PORT/, which no browser
// opens.
func TestServeEveryInterface(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a.jsonl")
	os.WriteFile(file, nil, 0o644)
	addr, _ := hookServe(t, true)
	var out, errOut bytes.Buffer
	if code := run([]string{"serve", "--addr", "0.0.0.0:0", "--token", "t", file}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	_, port, _ := net.SplitHostPort(<-addr)
	name, err := os.Hostname()
	if err != nil {
		t.Skip(err)
	}
	want := "; serving them at http://" + net.JoinHostPort(name, port) + "/ (every interface) (open it once with ?token=… to have the page keep the token)\n"
	if got := errOut.String(); !strings.HasPrefix(got, "dynlog serve: 0 lines of 1 files indexed in ") || !strings.HasSuffix(got, want) || strings.Count(got, "\n") != 1 {
		t.Errorf("stderr %q, want one line ending %q", got, want)
	}
}

// TestServeCrossSite: the API answers no request a browser marks as sent
// by another site's page, which could time a search through the logs;
// the page itself, a typed address and clients that are not browsers
// are answered.
func TestServeCrossSite(t *testing.T) {
	files, _ := serveFiles(t, t.TempDir())
	hs := startServe(t, files, "")
	for _, tc := range []struct {
		path, site string
		want       int
	}{
		{"/api/lines?q=secret", "cross-site", 403},
		{"/api/trace/abc", "same-site", 403},
		{"/api/tail?after=0.0", "cross-site", 403},
		{"/api/info", "same-origin", 200},
		{"/api/info", "none", 200},
		{"/api/info", "", 200},
		{"/?q=secret", "cross-site", 200}, // a link to the page, opened
	} {
		var hdr []string
		if tc.site != "" {
			hdr = []string{"Sec-Fetch-Site", tc.site}
		}
		resp, body := get(t, nil, hs.URL+tc.path, hdr...)
		if resp.StatusCode != tc.want {
			t.Errorf("%s, Sec-Fetch-Site %q: %s %s, want %d", tc.path, tc.site, resp.Status, body, tc.want)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("%s: a CORS header", tc.path)
		}
	}
}

// TestServeHugeRecordFiltered: a record longer than a line is read with
// cannot be checked against a filter: with one, the page gets a line
// saying so in its place, not nothing.
func TestServeHugeRecordFiltered(t *testing.T) {
	file := filepath.Join(t.TempDir(), "a.jsonl")
	huge := `{"time":"2030-01-01T00:00:01Z","level":"ERROR","message":"` + strings.Repeat("x", 17<<20) + `"}`
	os.WriteFile(file, []byte(`{"time":"2030-01-01T00:00:00Z","level":"INFO","message":"small"}`+"\n"+huge+"\n"), 0o644)
	hs := startServe(t, []string{file}, "")
	p := getPage(t, hs.URL, "/api/lines?filter=warn")
	want := fmt.Sprintf("a %d-byte record at line 2 of %s, longer than the 16 MiB a record is read with: the filters could not be checked on it", len(huge), file)
	if len(p.Lines) != 1 || p.Lines[0].text() != want || p.Lines[0].Segs[0][0] != "note" {
		t.Errorf("filter=warn: %d lines %+v, want one note %q", len(p.Lines), p.Lines, want)
	}
}

// TestServeTokenFile: --token-file's first line is the token, kept out of
// the command line that ps shows every local user; a request needs it as
// it needs --token's. A missing or empty file, both flags, and a token a
// cookie cannot carry are usage errors.
func TestServeTokenFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a.jsonl")
	os.WriteFile(file, nil, 0o644)
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte("  s3cret-Token_1  \nsecond line\n"), 0o600)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, []byte("\n"), 0o600)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--token", "t", "--token-file", tokenFile}, "give --token or --token-file, not both"},
		{[]string{"--token-file", filepath.Join(dir, "missing")}, "--token-file: open " + filepath.Join(dir, "missing") + ": no such file or directory"},
		{[]string{"--token-file", empty}, "--token-file: " + empty + ": the first line is empty"},
		{[]string{"--token", "a;b"}, `the token holds ";", which a cookie cannot carry: use letters, digits and punctuation other than " , ; \`},
		{[]string{"--token", "a\x7fb"}, `the token holds "\x7f", which a cookie cannot carry: use letters, digits and punctuation other than " , ; \`},
	} {
		var out, errOut bytes.Buffer
		code := run(append(append([]string{"serve"}, tc.args...), file), &out, &errOut)
		want := "dynlog serve: " + tc.want + " (try dynlog serve --help)\n"
		if code != 2 || errOut.String() != want {
			t.Errorf("%q: exit %d, stderr %q; want 2, %q", tc.args, code, errOut.String(), want)
		}
	}

	addr, cancel := hookServe(t, false)
	done := make(chan int)
	var errOut bytes.Buffer
	go func() {
		done <- run([]string{"serve", "--addr", "127.0.0.1:0", "--token-file", tokenFile, file}, io.Discard, &errOut)
	}()
	base := "http://" + <-addr
	for _, tc := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer second line", http.StatusUnauthorized},
		{"Bearer s3cret-Token_1", http.StatusOK},
	} {
		req, _ := http.NewRequest("GET", base+"/api/info", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("Authorization %q: status %d, want %d", tc.auth, resp.StatusCode, tc.want)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
	if strings.Contains(errOut.String(), "can be read by other users") {
		t.Errorf("a token file of mode 0600 reported as readable: %q", errOut.String())
	}

	// A token file others can read is said, and used (serve returns at
	// once: its context is done).
	os.Chmod(tokenFile, 0o644)
	var out bytes.Buffer
	errOut.Reset()
	code := run([]string{"serve", "--addr", "127.0.0.1:0", "--token-file", tokenFile, file}, &out, &errOut)
	want := "dynlog serve: --token-file " + tokenFile + " can be read by other users (mode 0644): chmod 600 it\n"
	if first, _, _ := strings.Cut(errOut.String(), "\n"); code != 0 || first+"\n" != want {
		t.Errorf("exit %d, stderr %q; want 0, starting %q", code, errOut.String(), want)
	}
}
