package tracing_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// serviceLog is one service's log: a JSONL logger through the tracing core
// with span events on, writing to a buffer of its own.
type serviceLog struct {
	log *zap.Logger

	mu  sync.Mutex
	buf bytes.Buffer
}

func newServiceLog(name string) *serviceLog {
	s := &serviceLog{}
	core := zapcore.NewCore(encoder.NewJSONL(), s, zapcore.DebugLevel-1) // TRACE and up
	s.log = zap.New(tracing.NewCore(core, tracing.WithSpanEvents(tracing.EventsDynamo)), zap.AddCaller()).Named(name)
	return s
}

func (s *serviceLog) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *serviceLog) Sync() error { return nil }

// lines parses every line the service wrote. Each must be one whole JSON
// object (a value with an unescaped newline or quote would break that);
// numbers stay json.Number so that microseconds compare exactly.
func (s *serviceLog) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	text := s.buf.String()
	s.mu.Unlock()
	if text == "" {
		return nil
	}
	if !strings.HasSuffix(text, "\n") {
		t.Fatalf("log does not end with a newline: %q", text)
	}
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		dec := json.NewDecoder(strings.NewReader(line))
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil || dec.More() {
			t.Fatalf("line is not one JSON object (%v): %q", err, line)
		}
		out = append(out, m)
	}
	return out
}

// serveTraced starts a loopback server running h behind Middleware (with
// opts, if any), whose requests carry log in their context, and whose own
// error log must stay empty. Close it (or let the test end) before reading the log: Close waits
// for the handlers, and so for their SPAN_CLOSED lines (rawRequest waits
// for its own request's handler).
func serveTraced(t *testing.T, sl *serviceLog, h http.Handler, opts ...tracing.MiddlewareOption) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(tracing.MiddlewareWith(h, opts...))
	srv.Config.BaseContext = func(net.Listener) context.Context {
		return tracing.WithLogger(context.Background(), sl.log)
	}
	var errs logtest.Buffer
	srv.Config.ErrorLog = log.New(&errs, "", 0)
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		if s := errs.String(); s != "" {
			t.Errorf("the server logged errors:\n%s", s)
		}
	})
	return srv
}

// headerRecorder is a plain server (no Middleware) that records the headers
// of each request it gets: the far end of an outbound call.
type headerRecorder struct {
	*httptest.Server
	mu  sync.Mutex
	got []http.Header
}

func newHeaderRecorder(t *testing.T) *headerRecorder {
	t.Helper()
	hr := &headerRecorder{}
	hr.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hr.mu.Lock()
		hr.got = append(hr.got, r.Header.Clone())
		hr.mu.Unlock()
	}))
	t.Cleanup(hr.Close)
	return hr
}

// last is the headers of the last request received.
func (hr *headerRecorder) last(t *testing.T) http.Header {
	t.Helper()
	hr.mu.Lock()
	defer hr.mu.Unlock()
	if len(hr.got) == 0 {
		t.Fatal("the downstream server got no request")
	}
	return hr.got[len(hr.got)-1]
}

// newTracedClient is a client whose calls carry the trace through Transport.
func newTracedClient(t *testing.T) *http.Client {
	c := &http.Client{Transport: tracing.Transport(&http.Transport{})}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

// get sends a GET with the given header values (several values for a key
// go out as repeated fields) and returns the status code.
func get(t *testing.T, url string, header http.Header) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = header
	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// rawRequest sends head (the header fields, each ending in CRLF) in a GET
// over a plain TCP connection, bypassing the checks of Go's client, and
// returns the status code.
func rawRequest(t *testing.T, srv *httptest.Server, head string) int {
	t.Helper()
	return rawResponse(t, srv, head).StatusCode
}

// rawResponse is rawRequest returning the response, its body read.
func rawResponse(t *testing.T, srv *httptest.Server, head string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /raw HTTP/1.1\r\nHost: test\r\n%sConnection: close\r\n\r\n", head)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	// The server closes the connection (Connection: close) only once the
	// handler has returned, Middleware's SPAN_CLOSED included: reading up
	// to that end lets the caller read the log without closing the server.
	if _, err := io.Copy(io.Discard, br); err != nil {
		t.Fatal(err)
	}
	return resp
}

// handledLines checks the lines of one request served by a handler that
// logs "handled" once: SPAN_FIRST_ENTRY, handled, SPAN_CLOSED and nothing else,
// all INFO (a bad header is no reason for an error line), all with the same
// trace and span keys. It returns the handler's line.
func handledLines(t *testing.T, lines []map[string]any) map[string]any {
	t.Helper()
	if len(lines) != 3 {
		t.Fatalf("want 3 lines (SPAN_FIRST_ENTRY, handled, SPAN_CLOSED), got %d: %v", len(lines), lines)
	}
	for i, msg := range []string{"SPAN_FIRST_ENTRY", "handled", "SPAN_CLOSED"} {
		if lines[i]["message"] != msg || lines[i]["level"] != "INFO" {
			t.Errorf("line %d: want an INFO %s, got %v", i, msg, lines[i])
		}
		if lines[i]["span_name"] != "http-request" {
			t.Errorf("line %d: span_name = %v, want http-request", i, lines[i]["span_name"])
		}
		for _, k := range []string{"trace_id", "span_id", "parent_id", "tracestate", "x_request_id", "request_id"} {
			if lines[i][k] != lines[0][k] {
				t.Errorf("line %d: %s = %v, SPAN_FIRST_ENTRY has %v", i, k, lines[i][k], lines[0][k])
			}
		}
	}
	return lines[1]
}

const (
	tpTrace  = "4bf92f3577b34da6a3ce929d0e0e4736"
	tpParent = "00f067aa0ba902b7"
)

// sentOn is what a service makes of the header h of a request it gets, as
// Middleware does (tracing.Extract, then a span): the caller's span context,
// and the headers its own outbound calls carry (tracing.Inject). The table
// tests below check the header rules through it, without a server; one
// test, TestMiddlewareHeaders, checks that Middleware applies them.
func sentOn(h http.Header) (remote trace.SpanContext, sent propagation.MapCarrier) {
	ctx := tracing.Extract(tracing.WithLogger(context.Background(), zap.NewNop()), propagation.HeaderCarrier(h))
	remote = trace.SpanContextFromContext(ctx)
	ctx, span := tracing.Start(ctx, "http-request")
	defer span.End()
	sent = propagation.MapCarrier{}
	tracing.Inject(ctx, sent)
	return remote, sent
}

func TestTraceparentHeader(t *testing.T) {
	valid := "00-" + tpTrace + "-" + tpParent + "-01"
	tests := []struct {
		name   string
		values []string // traceparent fields sent; none: no header
		valid  bool
	}{
		{"sampled", []string{valid}, true},
		{"not sampled", []string{"00-" + tpTrace + "-" + tpParent + "-00"}, true},
		{"unknown flags", []string{"00-" + tpTrace + "-" + tpParent + "-fe"}, true},
		{"version 01, 4 fields", []string{"01-" + tpTrace + "-" + tpParent + "-01"}, true},
		{"version cc, more fields", []string{"cc-" + tpTrace + "-" + tpParent + "-01-what-the-future-holds"}, true},

		{"absent", nil, false},
		{"empty", []string{""}, false},
		{"trace id short", []string{"00-" + tpTrace[1:] + "-" + tpParent + "-01"}, false},
		{"trace id long", []string{"00-" + tpTrace + "0-" + tpParent + "-01"}, false},
		{"parent id short", []string{"00-" + tpTrace + "-" + tpParent[1:] + "-01"}, false},
		{"parent id long", []string{"00-" + tpTrace + "-" + tpParent + "0-01"}, false},
		{"flags short", []string{"00-" + tpTrace + "-" + tpParent + "-1"}, false},
		{"flags long", []string{"00-" + tpTrace + "-" + tpParent + "-011"}, false},
		{"version short", []string{"0-" + tpTrace + "-" + tpParent + "-01"}, false},
		{"upper-case trace id", []string{"00-" + strings.ToUpper(tpTrace) + "-" + tpParent + "-01"}, false},
		{"upper-case parent id", []string{"00-" + tpTrace + "-00F067AA0BA902B7-01"}, false},
		{"upper-case flags", []string{"00-" + tpTrace + "-" + tpParent + "-0F"}, false},
		{"upper-case version", []string{"0A-" + tpTrace + "-" + tpParent + "-01"}, false},
		{"all-zero trace id", []string{"00-" + strings.Repeat("0", 32) + "-" + tpParent + "-01"}, false},
		{"all-zero parent id", []string{"00-" + tpTrace + "-" + strings.Repeat("0", 16) + "-01"}, false},
		{"version ff", []string{"ff-" + tpTrace + "-" + tpParent + "-01"}, false},
		{"3 fields", []string{"00-" + tpTrace + "-" + tpParent}, false},
		{"5 fields, version 00", []string{valid + "-00"}, false},
		{"version 01, junk after flags", []string{"01-" + tpTrace + "-" + tpParent + "-01x"}, false},
		{"non-hex trace id", []string{"00-" + tpTrace[:31] + "g-" + tpParent + "-01"}, false},
		{"non-hex parent id", []string{"00-" + tpTrace + "-" + tpParent[:15] + "z-01"}, false},
		{"non-hex flags", []string{"00-" + tpTrace + "-" + tpParent + "-0x"}, false},
		{"non-hex version", []string{"zz-" + tpTrace + "-" + tpParent + "-01"}, false},
		{"wrong separator", []string{"00_" + tpTrace + "_" + tpParent + "_01"}, false},
		{"twice", []string{valid, valid}, false},
	}
	for _, tt := range tests {
		h := http.Header{}
		for _, v := range tt.values {
			h.Add("traceparent", v)
		}
		h.Set("tracestate", "vendor=abc")
		remote, sent := sentOn(h)
		sentTrace := strings.Split(sent["traceparent"], "-")[1]
		if tt.valid {
			if remote.TraceID().String() != tpTrace || remote.SpanID().String() != tpParent || sentTrace != tpTrace {
				t.Errorf("%s: parent %v, sends trace %s; want the header's %s %s", tt.name, remote, sentTrace, tpTrace, tpParent)
			}
			if sent["tracestate"] != "vendor=abc" {
				t.Errorf("%s: tracestate = %q, want vendor=abc", tt.name, sent["tracestate"])
			}
			continue
		}
		if remote.IsValid() || sentTrace == tpTrace {
			t.Errorf("%s: parent %v, sends trace %s; want a new trace", tt.name, remote, sentTrace)
		}
		// W3C: tracestate belongs to the traceparent; without one it goes.
		if ts, ok := sent["tracestate"]; ok {
			t.Errorf("%s: tracestate %q kept without a valid traceparent", tt.name, ts)
		}
	}
}

// TestMiddlewareHeaders: Middleware reads a request's headers by the rules
// the table tests above check, and its lines carry what it read: a request
// with valid headers, then one with invalid ones.
func TestMiddlewareHeaders(t *testing.T) {
	sl := newServiceLog("frontend")
	var seen []trace.SpanContext
	srv := serveTraced(t, sl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, trace.SpanContextFromContext(r.Context()))
		sl.log.Info("handled", tracing.Ctx(r.Context()))
	}))
	const id = "8372eac7-5f43-4d76-beca-0a94cfb311d0"
	for _, h := range []http.Header{
		{"Traceparent": {"00-" + tpTrace + "-" + tpParent + "-01"}, "Tracestate": {"vendor=abc"},
			"X-Request-Id": {"req 42"}, "Request-Id": {id}},
		{"Traceparent": {"00-" + strings.ToUpper(tpTrace) + "-" + tpParent + "-01"}, "Tracestate": {"vendor=abc"},
			"X-Request-Id": {strings.Repeat("a", 257)}, "Request-Id": {"not-a-uuid"}},
	} {
		if code := get(t, srv.URL, h); code != http.StatusOK {
			t.Fatalf("status %d, want 200", code)
		}
	}
	srv.Close()
	// The lines of each request, in order, by the trace they belong to.
	var traces []string
	byTrace := map[string][]map[string]any{}
	for _, l := range sl.lines(t) {
		id := fmt.Sprint(l["trace_id"])
		if byTrace[id] == nil {
			traces = append(traces, id)
		}
		byTrace[id] = append(byTrace[id], l)
	}
	if len(traces) != 2 || len(seen) != 2 {
		t.Fatalf("lines of %d traces, %d requests handled; want 2 and 2", len(traces), len(seen))
	}
	for i, want := range []map[string]any{
		{"trace_id": tpTrace, "parent_id": tpParent, "tracestate": "vendor=abc", "x_request_id": "req 42", "request_id": id},
		{"parent_id": nil, "tracestate": nil, "x_request_id": nil},
	} {
		line := handledLines(t, byTrace[traces[i]])
		if line["trace_id"] != seen[i].TraceID().String() || line["span_id"] != seen[i].SpanID().String() {
			t.Errorf("request %d: line has trace %v span %v; the handler's context has %v", i, line["trace_id"], line["span_id"], seen[i])
		}
		for k, v := range want {
			if line[k] != v {
				t.Errorf("request %d: %s = %v, want %v", i, k, line[k], v)
			}
		}
	}
	if line := handledLines(t, byTrace[traces[1]]); line["trace_id"] == tpTrace || !uuidV4.MatchString(fmt.Sprint(line["request_id"])) {
		t.Errorf("invalid headers: trace_id %v, request_id %v; want a new trace and a fresh v4 UUID", line["trace_id"], line["request_id"])
	}
}

func TestMiddlewareSpanFields(t *testing.T) {
	sl := newServiceLog("frontend")
	srv := serveTraced(t, sl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sl.log.Info("handled", tracing.Ctx(r.Context()))
	}))
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/v1/chat/completions?x=1", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-request-id", "abc-123")
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.Close()

	lines := sl.lines(t)
	line := handledLines(t, lines)
	for k, want := range map[string]string{
		"method":       "POST",
		"uri":          "/v1/chat/completions?x=1",
		"version":      "HTTP/1.1",
		"x_request_id": "abc-123",
		"target":       "frontend",
	} {
		for i, l := range lines {
			if l[k] != want {
				t.Errorf("line %d: %s = %v, want %q", i, k, l[k], want)
			}
		}
	}
	if !uuidV4.MatchString(fmt.Sprint(line["request_id"])) {
		t.Errorf("request_id = %v, want a fresh v4 UUID", line["request_id"])
	}
	if !strings.HasSuffix(fmt.Sprint(lines[0]["file"]), "/tracing/http.go") {
		t.Errorf("SPAN_FIRST_ENTRY's call site is %v, want the middleware in tracing/http.go", lines[0]["file"])
	}
}

// uuidV4 is a random UUID as this package makes them.
var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestXRequestIDHeader(t *testing.T) {
	tests := []struct {
		name, value string
		kept        bool
	}{
		{"uuid", "8372eac7-5f43-4d76-beca-0a94cfb311d0", true},
		{"printable with spaces", `req 42 ~!"#$%&'()*+,-./:;<=>?@[\]^_{|}`, true},
		{"256 bytes", strings.Repeat("a", 256), true},
		{"one byte", "x", true},
		{"257 bytes", strings.Repeat("a", 257), false},
		{"10 KB", strings.Repeat("0123456789", 1024), false},
		{"non-ASCII", "req-é-1", false},
		{"tab", "req\t1", false},
		{"absent", "", false},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.value != "" {
			h.Set("x-request-id", tt.value)
		}
		_, sent := sentOn(h)
		got, ok := sent["x-request-id"]
		switch {
		case tt.kept && got != tt.value:
			t.Errorf("%s: x-request-id = %q, want %q", tt.name, got, tt.value)
		case !tt.kept && ok:
			t.Errorf("%s: x-request-id %q kept, want it dropped", tt.name, got)
		}
	}
}

// TestMiddlewareRawHeaders sends what Go's client refuses to send. Control
// characters other than tab never reach a handler: net/http answers 400
// itself (so a newline cannot break a line of ours through HTTP; message
// planes are checked in TestExtractDropsBadValues). Tabs and bytes past
// ASCII do reach the handler, and are dropped there.
func TestMiddlewareRawHeaders(t *testing.T) {
	tests := []struct {
		name, head string
		status     int
		want       any // x_request_id; nil: absent
	}{
		{"tab", "X-Request-Id: abc\tdef\r\n", 200, nil},
		{"byte 0xff", "X-Request-Id: abc\xffdef\r\n", 200, nil},
		{"UTF-8", "X-Request-Id: ab\u00e9\r\n", 200, nil},
		{"folded line, which net/http unfolds to a space", "X-Request-Id: abc\r\n def\r\n", 200, "abc def"},
		{"newline", "X-Request-Id: abc\ndef\r\n", 400, nil},
		{"carriage return", "X-Request-Id: abc\rdef\r\n", 400, nil},
		{"NUL", "X-Request-Id: abc\x00def\r\n", 400, nil},
	}
	// One server for every row, which run one after another: rawRequest
	// returns once the server has closed the connection, so the log then
	// holds all of that request's lines, and the lines past those of the
	// rows before are this row's.
	sl := newServiceLog("frontend")
	srv := serveTraced(t, sl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sl.log.Info("handled", tracing.Ctx(r.Context()))
	}))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(sl.lines(t))
			if code := rawRequest(t, srv, tt.head); code != tt.status {
				t.Fatalf("status %d, want %d", code, tt.status)
			}
			lines := sl.lines(t)[before:]
			if tt.status != 200 {
				if len(lines) != 0 {
					t.Errorf("net/http refused the request, yet the service logged %v", lines)
				}
				return
			}
			if got := handledLines(t, lines)["x_request_id"]; got != tt.want {
				t.Errorf("x_request_id = %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestRequestIDHeader(t *testing.T) {
	const id = "8372eac7-5f43-4d76-beca-0a94cfb311d0"
	tests := []struct {
		name, value string
		kept        bool
	}{
		{"uuid", id, true},
		{"upper case, kept as given", strings.ToUpper(id), true},
		{"not a uuid", "not-a-uuid", false},
		{"braces", "{" + id + "}", false},
		{"urn", "urn:uuid:" + id, false},
		{"no hyphens", strings.ReplaceAll(id, "-", ""), false},
		{"non-hex", id[:35] + "g", false},
		{"hyphen misplaced", "8372eac75-f43-4d76-beca-0a94cfb311d0", false},
		{"one digit more", id + "0", false},
		{"absent", "", false},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		h := http.Header{}
		if tt.value != "" {
			h.Set("request-id", tt.value)
		}
		_, sent := sentOn(h)
		got := sent["request-id"]
		if tt.kept {
			if got != tt.value {
				t.Errorf("%s: request-id = %q, want %q", tt.name, got, tt.value)
			}
			continue
		}
		if !uuidV4.MatchString(got) {
			t.Errorf("%s: request-id = %q, want a fresh v4 UUID", tt.name, got)
		}
		if seen[got] {
			t.Errorf("%s: request-id %q given twice", tt.name, got)
		}
		seen[got] = true
	}
}

// TestMiddlewareTraceState: tracestate goes on the lines raw, escaped by the
// encoder, and on to the next service only when it is a sendable header.
func TestMiddlewareTraceState(t *testing.T) {
	valid := "00-" + tpTrace + "-" + tpParent + "-01"
	hostile := `a="q\"uo\\te",b=x` + "\t" + `y,c=<&>\u0000,d=}{`
	hostile += ",pad=" + strings.Repeat(`\"`, (4096-len(hostile)-5)/2)
	hostile += strings.Repeat("~", 4096-len(hostile))
	if len(hostile) != 4096 {
		t.Fatalf("hostile tracestate is %d bytes, want 4096", len(hostile))
	}
	tests := []struct {
		name        string
		traceparent string
		values      []string
		logged      string // "": absent
		forwarded   string // "": absent
	}{
		{"quotes, backslashes, tab; 4096 bytes", valid, []string{hostile}, hostile, hostile},
		{"beyond ASCII: logged, not forwarded", valid, []string{`a=é,b="\\"`}, `a=é,b="\\"`, ""},
		{"invalid UTF-8: logged with U+FFFD, not forwarded", valid, []string{"a=\xff\xfe,b=1"}, "a=\ufffd\ufffd,b=1", ""},
		{"4097 bytes: dropped", valid, []string{hostile + "x"}, "", ""},
		{"two fields, joined", valid, []string{"a=1", "b=2"}, "a=1,b=2", "a=1,b=2"},
		{"without a valid traceparent: dropped", "00-" + tpTrace + "-" + tpParent, []string{"a=1"}, "", ""},
		{"absent", valid, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			down := newHeaderRecorder(t)
			client := newTracedClient(t)
			sl := newServiceLog("frontend")
			srv := serveTraced(t, sl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				sl.log.Info("handled", tracing.Ctx(r.Context()))
				req, _ := http.NewRequestWithContext(r.Context(), http.MethodGet, down.URL, nil)
				resp, err := client.Do(req)
				if err != nil {
					t.Errorf("outbound call failed: %v", err)
					return
				}
				resp.Body.Close()
			}))
			h := http.Header{"Traceparent": {tt.traceparent}}
			for _, v := range tt.values {
				h.Add("tracestate", v)
			}
			if code := get(t, srv.URL, h); code != http.StatusOK {
				t.Fatalf("status %d, want 200", code)
			}
			srv.Close()

			for i, line := range sl.lines(t) {
				got, ok := line["tracestate"]
				if tt.logged == "" && ok || tt.logged != "" && got != tt.logged {
					t.Errorf("line %d: tracestate = %#v, want %#v", i, got, tt.logged)
				}
				if got, ok := got.(string); ok && !utf8.ValidString(got) {
					t.Errorf("line %d: tracestate is not valid UTF-8", i)
				}
			}
			fwd := down.last(t)
			if got := fwd.Values("tracestate"); tt.forwarded == "" && len(got) != 0 ||
				tt.forwarded != "" && (len(got) != 1 || got[0] != tt.forwarded) {
				t.Errorf("forwarded tracestate %q, want %q", got, tt.forwarded)
			}
			if tp := fwd.Get("traceparent"); tt.traceparent == valid && !strings.HasPrefix(tp, "00-"+tpTrace+"-") {
				t.Errorf("forwarded traceparent %q, want trace %s", tp, tpTrace)
			}
		})
	}
}

// TestMiddlewarePanic: the span ends, with its SPAN_CLOSED line, when the
// handler panics, and the panic goes on to net/http.
func TestMiddlewarePanic(t *testing.T) {
	sl := newServiceLog("frontend")
	srv := httptest.NewUnstartedServer(tracing.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sl.log.Info("handled", tracing.Ctx(r.Context()))
		panic("boom")
	})))
	srv.Config.BaseContext = func(net.Listener) context.Context {
		return tracing.WithLogger(context.Background(), sl.log)
	}
	var errs logtest.Buffer
	srv.Config.ErrorLog = log.New(&errs, "", 0)
	srv.Start()
	defer srv.Close()

	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()
	if _, err := c.Get(srv.URL); err == nil {
		t.Fatal("the request succeeded; net/http should have dropped the connection after the panic")
	}
	srv.Close()
	if !strings.Contains(errs.String(), "panic") || !strings.Contains(errs.String(), "boom") {
		t.Errorf("net/http did not see the panic; its log: %q", errs.String())
	}
	handledLines(t, sl.lines(t))
}

func TestTransport(t *testing.T) {
	down := newHeaderRecorder(t)
	sl := newServiceLog("router")
	ctx := tracing.WithLogger(context.Background(), sl.log)
	ctx = tracing.Extract(ctx, propagation.MapCarrier{
		"traceparent":  "00-" + tpTrace + "-" + tpParent + "-01",
		"tracestate":   "k=v",
		"x-request-id": "abc",
		"request-id":   "8372eac7-5f43-4d76-beca-0a94cfb311d0",
	})
	ctx, span := tracing.Start(ctx, "call")
	defer span.End()

	req, err := http.NewRequestWithContext(ctx, http.MethodPost, down.URL, strings.NewReader("body"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("traceparent", "00-"+strings.Repeat("1", 32)+"-"+strings.Repeat("1", 16)+"-01") // replaced
	before := req.Header.Clone()

	client := &http.Client{Transport: tracing.Transport(nil)} // http.DefaultTransport
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()

	sc := span.SpanContext()
	got := down.last(t)
	for k, want := range map[string]string{
		"Traceparent":  "00-" + tpTrace + "-" + sc.SpanID().String() + "-01",
		"Tracestate":   "k=v",
		"X-Request-Id": "abc",
		"Request-Id":   "8372eac7-5f43-4d76-beca-0a94cfb311d0",
		"Content-Type": "text/plain",
	} {
		if v := got.Values(k); len(v) != 1 || v[0] != want {
			t.Errorf("downstream got %s %q, want %q", k, v, want)
		}
	}
	if fmt.Sprint(req.Header) != fmt.Sprint(before) {
		t.Errorf("Transport changed the caller's request headers:\n%v\nwere\n%v", req.Header, before)
	}
}

// TestTransportNothingToSend: a context without span or request data sends
// no header, and the caller's own headers go out untouched.
func TestTransportNothingToSend(t *testing.T) {
	down := newHeaderRecorder(t)
	req, err := http.NewRequest(http.MethodGet, down.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-request-id", "set-by-caller")
	resp, err := newTracedClient(t).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	got := down.last(t)
	for _, k := range []string{"traceparent", "tracestate", "request-id"} {
		if v := got.Values(k); len(v) != 0 {
			t.Errorf("downstream got %s %q from an empty context", k, v)
		}
	}
	if v := got.Get("x-request-id"); v != "set-by-caller" {
		t.Errorf("x-request-id %q, want the caller's", v)
	}
}

// TestTransportHostileMessage: values received on a message plane, where no
// HTTP server has checked them, go on the lines escaped and never break the
// outbound HTTP call that follows.
func TestTransportHostileMessage(t *testing.T) {
	const tracestate = "a=1\r\nx-evil: 1\x00\x1b[31m\x7f,b=\"\\\""
	down := newHeaderRecorder(t)
	sl := newServiceLog("worker")
	ctx := tracing.WithLogger(context.Background(), sl.log)
	ctx = tracing.Extract(ctx, propagation.MapCarrier{
		"traceparent":  "00-" + tpTrace + "-" + tpParent + "-01",
		"tracestate":   tracestate,
		"x-request-id": "abc\r\nx-evil: 1",
		"request-id":   "8372eac7-5f43-4d76-beca-0a94cfb311d0\n",
	})
	ctx, span := tracing.Start(ctx, "handle_payload")
	sl.log.Info("received", tracing.Ctx(ctx))

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, down.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := newTracedClient(t).Do(req)
	if err != nil {
		t.Fatalf("the outbound call failed: %v", err)
	}
	resp.Body.Close()
	span.End()

	got := down.last(t)
	if tp := got.Get("traceparent"); tp != "00-"+tpTrace+"-"+span.SpanContext().SpanID().String()+"-01" {
		t.Errorf("traceparent %q", tp)
	}
	for _, k := range []string{"tracestate", "x-request-id", "x-evil"} {
		if v := got.Values(k); len(v) != 0 {
			t.Errorf("downstream got %s %q", k, v)
		}
	}
	rid := got.Get("request-id")
	if !uuidV4.MatchString(rid) {
		t.Errorf("request-id %q, want a fresh v4 UUID", rid)
	}

	lines := sl.lines(t)
	if len(lines) != 3 {
		t.Fatalf("want SPAN_FIRST_ENTRY, received, SPAN_CLOSED; got %v", lines)
	}
	for i, line := range lines {
		if line["tracestate"] != tracestate {
			t.Errorf("line %d: tracestate = %q, want %q", i, line["tracestate"], tracestate)
		}
		if v, ok := line["x_request_id"]; ok {
			t.Errorf("line %d: x_request_id %q kept", i, v)
		}
		if line["request_id"] != rid || line["parent_id"] != tpParent || line["trace_id"] != tpTrace {
			t.Errorf("line %d: request_id %v parent_id %v trace_id %v", i, line["request_id"], line["parent_id"], line["trace_id"])
		}
	}
}

// TestMiddlewareOTelSpan looks at the OpenTelemetry span behind
// http-request, as an exporter would get it: the remote parent, the fields
// as attributes in their order, then the response's, and the status after
// a panic.
func TestMiddlewareOTelSpan(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	old := tracing.TracerProvider()
	tracing.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	defer tracing.SetTracerProvider(old)

	sl := newServiceLog("frontend")
	srv := serveTraced(t, sl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic(http.ErrAbortHandler) // aborts the response without a log line
		}
	}))
	h := http.Header{
		"Traceparent":  {"00-" + tpTrace + "-" + tpParent + "-01"},
		"X-Request-Id": {"abc"},
		"Request-Id":   {"8372eac7-5f43-4d76-beca-0a94cfb311d0"},
	}
	if code := get(t, srv.URL+"/ok?a=b", h); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/panic", nil)
	if resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the aborted request succeeded")
	}
	srv.Close()

	ended := rec.Ended()
	if len(ended) != 2 {
		t.Fatalf("%d spans ended, want 2", len(ended))
	}
	ok, aborted := ended[0], ended[1]
	if ok.Name() != "http-request" || ok.Parent().TraceID().String() != tpTrace ||
		ok.Parent().SpanID().String() != tpParent || !ok.Parent().IsRemote() {
		t.Errorf("span %q has parent %v, want the remote %s %s", ok.Name(), ok.Parent(), tpTrace, tpParent)
	}
	var attrs []string
	for _, kv := range ok.Attributes() {
		attrs = append(attrs, string(kv.Key)+"="+kv.Value.String())
	}
	want := "method=GET uri=/ok?a=b version=HTTP/1.1 x_request_id=abc request_id=8372eac7-5f43-4d76-beca-0a94cfb311d0" +
		" http.response.status_code=200 http.response.body.size=0"
	if got := strings.Join(attrs, " "); got != want {
		t.Errorf("attributes\n%s\nwant\n%s", got, want)
	}
	if ok.Status().Code != codes.Unset {
		t.Errorf("status %v after a normal return", ok.Status())
	}
	if aborted.Status().Code != codes.Error {
		t.Errorf("status %v after a panic, want Error", aborted.Status())
	}
	if aborted.Parent().IsValid() {
		t.Errorf("a request without traceparent has parent %v", aborted.Parent())
	}
}

// TestMiddlewareHTTP2: over HTTP/2 (TLS), the header names arrive in lower
// case and version says HTTP/2.0.
func TestMiddlewareHTTP2(t *testing.T) {
	sl := newServiceLog("frontend")
	srv := httptest.NewUnstartedServer(tracing.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sl.log.Info("handled", tracing.Ctx(r.Context()))
	})))
	srv.EnableHTTP2 = true
	srv.Config.BaseContext = func(net.Listener) context.Context {
		return tracing.WithLogger(context.Background(), sl.log)
	}
	srv.StartTLS()
	defer srv.Close()

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/h2", nil)
	req.Header.Set("traceparent", "00-"+tpTrace+"-"+tpParent+"-01")
	req.Header.Set("x-request-id", "h2-request")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Fatalf("the request went over %s", resp.Proto)
	}
	srv.Close()
	line := handledLines(t, sl.lines(t))
	for k, want := range map[string]string{"version": "HTTP/2.0", "uri": "/h2", "trace_id": tpTrace, "parent_id": tpParent, "x_request_id": "h2-request"} {
		if line[k] != want {
			t.Errorf("%s = %v, want %s", k, line[k], want)
		}
	}
}
