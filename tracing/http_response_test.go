package tracing_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// useSpanExporter makes the spans of Start and Middleware go, for the rest
// of the test, to an in-memory exporter through a real SDK provider, as an
// OTLP exporter would get them; then to the processors given.
func useSpanExporter(t *testing.T, then ...sdktrace.SpanProcessor) *tracetest.InMemoryExporter {
	t.Helper()
	exp := tracetest.NewInMemoryExporter()
	opts := []sdktrace.TracerProviderOption{sdktrace.WithSyncer(exp), sdktrace.WithSpanProcessor(tracing.NewSpanProcessor())}
	for _, p := range then {
		opts = append(opts, sdktrace.WithSpanProcessor(p))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	old := tracing.TracerProvider()
	tracing.SetTracerProvider(tp)
	t.Cleanup(func() {
		tracing.SetTracerProvider(old)
		tp.Shutdown(context.Background())
	})
	return exp
}

// onEnd is a span processor that calls itself with each span that ends.
type onEnd func(sdktrace.ReadOnlySpan)

func (onEnd) OnStart(context.Context, sdktrace.ReadWriteSpan) {}
func (f onEnd) OnEnd(s sdktrace.ReadOnlySpan)                 { f(s) }
func (onEnd) Shutdown(context.Context) error                  { return nil }
func (onEnd) ForceFlush(context.Context) error                { return nil }

// spanAttributes is the exported http-request span whose uri attribute is
// uri, and its attributes as key=value in their order.
func spanAttributes(t *testing.T, exp *tracetest.InMemoryExporter, uri string) (tracetest.SpanStub, string) {
	t.Helper()
	for _, s := range exp.GetSpans() {
		var attrs []string
		found := false
		for _, kv := range s.Attributes {
			attrs = append(attrs, string(kv.Key)+"="+kv.Value.String())
			found = found || (kv.Key == "uri" && kv.Value.AsString() == uri)
		}
		if found {
			return s, strings.Join(attrs, " ")
		}
	}
	t.Fatalf("no exported span has uri=%s", uri)
	return tracetest.SpanStub{}, ""
}

// send makes a request with a fixed request-id and returns the status code
// (0 if the exchange failed, which some rows expect).
func send(t *testing.T, method, url string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("request-id", fixedRequestID)
	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

const fixedRequestID = "8372eac7-5f43-4d76-beca-0a94cfb311d0"

// TestMiddlewareResponseOutcome: the exported http-request span reports the
// status code and body size of the response, with the status Error and
// error.type for a 5xx only, and never when no status went out.
func TestMiddlewareResponseOutcome(t *testing.T) {
	tests := []struct {
		path, method string
		handler      http.HandlerFunc
		code         int    // the status the client gets; 0: none
		outcome      string // the attributes after the span's fields
		status       codes.Code
		description  string
	}{
		{"/overloaded", "GET", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		}, 503, " http.response.status_code=503 http.response.body.size=11 error.type=503", codes.Error, ""},
		{"/ok", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusOK)
			io.WriteString(w, "hello")
		}, 200, " http.response.status_code=200 http.response.body.size=5", codes.Unset, ""},
		{"/no-header", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "hello, world")
		}, 200, " http.response.status_code=200 http.response.body.size=12", codes.Unset, ""},
		{"/silent", "GET", func(w http.ResponseWriter, r *http.Request) {},
			200, " http.response.status_code=200 http.response.body.size=0", codes.Unset, ""},
		{"/missing", "GET", http.NotFound,
			404, " http.response.status_code=404 http.response.body.size=19", codes.Unset, ""},
		{"/early-hints", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints) // informational: the final code comes next
			w.WriteHeader(http.StatusBadGateway)
			io.WriteString(w, "bad gateway")
		}, 502, " http.response.status_code=502 http.response.body.size=11 error.type=502", codes.Error, ""},
		{"/flushed", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "a")
			w.(http.Flusher).Flush()
			io.WriteString(w, "bc")
		}, 200, " http.response.status_code=200 http.response.body.size=3", codes.Unset, ""},
		{"/flushed-only", "GET", func(w http.ResponseWriter, r *http.Request) {
			if err := http.NewResponseController(w).Flush(); err != nil {
				t.Errorf("flush: %v", err)
			}
		}, 200, " http.response.status_code=200 http.response.body.size=0", codes.Unset, ""},
		{"/copied", "GET", func(w http.ResponseWriter, r *http.Request) {
			// A LimitReader has no WriteTo: io.Copy goes through ReadFrom.
			io.Copy(w, io.LimitReader(strings.NewReader("0123456789"), 10))
		}, 200, " http.response.status_code=200 http.response.body.size=10", codes.Unset, ""},
		{"/head", "HEAD", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "not sent")
		}, 200, " http.response.status_code=200 http.response.body.size=0", codes.Unset, ""},
		{"/hijacked", "GET", func(w http.ResponseWriter, r *http.Request) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err != nil {
				t.Errorf("hijack: %v", err)
				return
			}
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
			conn.Close()
		}, 200, "", codes.Unset, ""},
		{"/aborted-late", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, "partial")
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}, 202, " http.response.status_code=202 http.response.body.size=7", codes.Error, "handler panicked"},
		// Aborted after the 200 went out without WriteHeader: net/http sends
		// the header once a handler has written more than it buffers (2048
		// bytes), and ReadFrom sends it after the body's first 512 bytes.
		{"/written-aborted", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, strings.Repeat("a", 4096))
			panic(http.ErrAbortHandler)
		}, 200, " http.response.status_code=200 http.response.body.size=4096", codes.Error, "handler panicked"},
		{"/copied-aborted", "GET", func(w http.ResponseWriter, r *http.Request) {
			io.Copy(w, io.LimitReader(strings.NewReader(strings.Repeat("a", 4096)), 4096))
			panic(http.ErrAbortHandler)
		}, 200, " http.response.status_code=200 http.response.body.size=4096", codes.Error, "handler panicked"},
		{"/flushed-aborted", "GET", func(w http.ResponseWriter, r *http.Request) {
			w.(http.Flusher).Flush() // sends the 200 before any write
			panic(http.ErrAbortHandler)
		}, 200, " http.response.status_code=200 http.response.body.size=0", codes.Error, "handler panicked"},
		{"/aborted-early", "GET", func(w http.ResponseWriter, r *http.Request) {
			panic(http.ErrAbortHandler)
		}, 0, "", codes.Error, "handler panicked"},
	}
	// The server's Close waits for the handlers, and so for their spans,
	// except on a hijacked connection, which it forgets: that one is waited
	// for by its span's end.
	hijackedEnded := make(chan struct{})
	exp := useSpanExporter(t, onEnd(func(s sdktrace.ReadOnlySpan) {
		for _, kv := range s.Attributes() {
			if kv.Key == "uri" && kv.Value.AsString() == "/hijacked" {
				close(hijackedEnded)
			}
		}
	}))
	sl := newServiceLog("frontend")
	mux := http.NewServeMux()
	for _, tt := range tests {
		mux.Handle(tt.path, tt.handler)
	}
	srv := serveTraced(t, sl, mux)
	for _, tt := range tests {
		if code := send(t, tt.method, srv.URL+tt.path); code != tt.code {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.path, code, tt.code)
		}
	}
	srv.Close()
	select {
	case <-hijackedEnded:
	case <-time.After(time.Minute):
		t.Fatal("the span of the hijacked request never ended")
	}

	for _, tt := range tests {
		span, attrs := spanAttributes(t, exp, tt.path)
		want := "method=" + tt.method + " uri=" + tt.path + " version=HTTP/1.1 request_id=" + fixedRequestID + tt.outcome
		if attrs != want {
			t.Errorf("%s: attributes\n%s\nwant\n%s", tt.path, attrs, want)
		}
		if span.Status.Code != tt.status || span.Status.Description != tt.description {
			t.Errorf("%s: status %v %q, want %v %q", tt.path, span.Status.Code, span.Status.Description, tt.status, tt.description)
		}
	}
	// The outcome is the exported span's: the lines keep Dynamo's fields.
	for _, l := range sl.lines(t) {
		for k := range l {
			if strings.HasPrefix(k, "http.") || k == "error.type" {
				t.Errorf("a log line has the span attribute %s: %v", k, l)
			}
		}
	}
}

// TestMiddlewareWithoutQuery: WithoutQuery drops the query string from uri,
// on the lines and on the exported span, and leaves it to the handler.
func TestMiddlewareWithoutQuery(t *testing.T) {
	exp := useSpanExporter(t)
	sl := newServiceLog("frontend")
	var query string
	srv := serveTraced(t, sl, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		query = r.URL.RawQuery
		sl.log.Info("handled", tracing.Ctx(r.Context()))
	}), tracing.WithoutQuery())
	if code := get(t, srv.URL+"/v1/models?api_key=secret&q=a?b", nil); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	srv.Close()

	lines := sl.lines(t)
	handledLines(t, lines)
	for i, l := range lines {
		if l["uri"] != "/v1/models" {
			t.Errorf("line %d: uri = %v, want /v1/models", i, l["uri"])
		}
	}
	sl.mu.Lock()
	if strings.Contains(sl.buf.String(), "secret") {
		t.Errorf("the query string reached the log:\n%s", sl.buf.String())
	}
	sl.mu.Unlock()
	if _, attrs := spanAttributes(t, exp, "/v1/models"); strings.Contains(attrs, "secret") {
		t.Errorf("the query string reached the span: %s", attrs)
	}
	if query != "api_key=secret&q=a?b" {
		t.Errorf("the handler got the query %q, want it whole", query)
	}
}

// TestMiddlewareRequestIDEcho: WithRequestIDEcho answers with the
// x-request-id Middleware kept, as kept; a header that failed the check
// comes back as nothing, not raw. Without the option nothing comes back.
func TestMiddlewareRequestIDEcho(t *testing.T) {
	tests := []struct {
		name, head string
		want       []string // the response's X-Request-Id values
	}{
		{"valid", "X-Request-Id: abc-123\r\n", []string{"abc-123"}},
		{"256 bytes", "X-Request-Id: " + strings.Repeat("a", 256) + "\r\n", []string{strings.Repeat("a", 256)}},
		{"folded, as net/http unfolds it", "X-Request-Id: abc\r\n def\r\n", []string{"abc def"}},
		{"the first of two", "X-Request-Id: first\r\nX-Request-Id: second\r\n", []string{"first"}},
		{"257 bytes", "X-Request-Id: " + strings.Repeat("a", 257) + "\r\n", nil},
		{"tab", "X-Request-Id: abc\tdef\r\n", nil},
		{"byte 0xff", "X-Request-Id: abc\xffdef\r\n", nil},
		{"UTF-8", "X-Request-Id: ab\u00e9\r\n", nil},
		{"absent", "", nil},
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	echo := serveTraced(t, newServiceLog("frontend"), handler, tracing.WithRequestIDEcho())
	plain := serveTraced(t, newServiceLog("frontend"), handler)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rawResponse(t, echo, tt.head).Header["X-Request-Id"]; !slices.Equal(got, tt.want) {
				t.Errorf("echoed %q, want %q", got, tt.want)
			}
			if got := rawResponse(t, plain, tt.head).Header["X-Request-Id"]; got != nil {
				t.Errorf("without the option, the response has X-Request-Id %q", got)
			}
		})
	}
}

// TestMiddlewareWriterInterfaces: the handler's writer has the optional
// interfaces the server's has, no more (an HTTP/2 writer cannot be
// hijacked, an HTTP/1 one cannot push), and http.ResponseController reaches
// the server's writer through it.
func TestMiddlewareWriterInterfaces(t *testing.T) {
	has := func(w http.ResponseWriter) string {
		_, f := w.(http.Flusher)
		_, h := w.(http.Hijacker)
		_, r := w.(io.ReaderFrom)
		_, p := w.(http.Pusher)
		deadline := http.NewResponseController(w).SetWriteDeadline(time.Now().Add(time.Minute))
		return fmt.Sprintf("Flusher=%v Hijacker=%v ReaderFrom=%v Pusher=%v SetWriteDeadline=%v", f, h, r, p, deadline)
	}
	// serve answers with has(w), behind Middleware or not, over HTTP/2 or not.
	serve := func(traced, http2 bool) string {
		h := http.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, has(w)) }))
		if traced {
			h = tracing.MiddlewareWith(h, tracing.WithTarget("frontend"))
		}
		srv := httptest.NewUnstartedServer(h)
		defer srv.Close()
		if http2 {
			srv.EnableHTTP2 = true
			srv.StartTLS()
		} else {
			srv.Start()
		}
		c := srv.Client()
		defer c.CloseIdleConnections()
		resp, err := c.Get(srv.URL)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if got := resp.ProtoMajor == 2; got != http2 {
			t.Fatalf("the request went over %s", resp.Proto)
		}
		body, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return string(body)
	}
	for _, tt := range []struct {
		proto  string
		http2  bool
		server string
	}{
		{"HTTP/1.1", false, "Flusher=true Hijacker=true ReaderFrom=true Pusher=false SetWriteDeadline=<nil>"},
		{"HTTP/2", true, "Flusher=true Hijacker=false ReaderFrom=false Pusher=true SetWriteDeadline=<nil>"},
	} {
		if got := serve(false, tt.http2); got != tt.server {
			t.Fatalf("%s: the server's writer has %s, want %s", tt.proto, got, tt.server)
		}
		if got := serve(true, tt.http2); got != tt.server {
			t.Errorf("%s: behind Middleware the handler's writer has\n%s\nwant, as the server's,\n%s", tt.proto, got, tt.server)
		}
	}
}
