package tracing

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"

	"go.opentelemetry.io/otel/codes"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
)

// response is the http.ResponseWriter Middleware hands the handler: it
// passes every call on to w and notes what the span reports of the
// response, the final status code and the body bytes written.
type response struct {
	w        http.ResponseWriter
	status   int   // the final status code sent; 0 until one is
	size     int64 // body bytes w accepted
	hijacked bool  // the handler took the connection over
}

var _ http.ResponseWriter = (*response)(nil)

func (rw *response) Header() http.Header { return rw.w.Header() }

// WriteHeader notes code if it is the first final one: a 1xx other than
// 101 is informational and more may follow, as net/http allows, and net/http
// ignores a second final code or one after a hijack.
func (rw *response) WriteHeader(code int) {
	rw.w.WriteHeader(code) // panics on an invalid code, noting nothing
	if rw.status == 0 && !rw.hijacked && (code < 100 || code > 199 || code == http.StatusSwitchingProtocols) {
		rw.status = code
	}
}

func (rw *response) Write(p []byte) (int, error) {
	rw.implicitOK()
	n, err := rw.w.Write(p)
	rw.size += int64(n)
	return n, err
}

// Unwrap is the server's writer, for http.ResponseController.
func (rw *response) Unwrap() http.ResponseWriter { return rw.w }

// implicitOK notes the 200 that net/http sends when the handler writes or
// flushes before any WriteHeader.
func (rw *response) implicitOK() {
	if rw.status == 0 && !rw.hijacked {
		rw.status = http.StatusOK
	}
}

// end puts the outcome on the server span: http.response.status_code,
// http.response.body.size and, for a 5xx, error.type and the status
// Error (a server span leaves 4xx and the rest Unset). A handler that
// returned without writing got net/http's empty 200; one that panicked
// before writing, or took the connection over, sent no status the span
// can report. A HEAD response carries no body, whatever the handler wrote.
func (rw *response) end(span trace.Span, method string, returned bool) {
	if !span.IsRecording() {
		return
	}
	status := rw.status
	if status == 0 && returned && !rw.hijacked {
		status = http.StatusOK
	}
	if status == 0 {
		return
	}
	size := rw.size
	if method == http.MethodHead {
		size = 0
	}
	if status < 500 {
		span.SetAttributes(semconv.HTTPResponseStatusCode(status), semconv.HTTPResponseBodySize(int(size)))
		return
	}
	span.SetAttributes(semconv.HTTPResponseStatusCode(status), semconv.HTTPResponseBodySize(int(size)),
		semconv.ErrorTypeKey.String(strconv.Itoa(status)))
	// No description: the status code says it.
	span.SetStatus(codes.Error, "")
}

// The optional interfaces of the server's writer, each given to the
// handler's writer only when the server's has it, so that a handler that
// asks (w.(http.Hijacker), w.(http.Pusher)) gets the server's answer: an
// HTTP/2 writer cannot be hijacked and an HTTP/1 one cannot push.
type (
	flushWriter  struct{ *response }
	hijackWriter struct{ *response }
	readerFrom   struct{ *response }
	pushWriter   struct{ *response }
	// flushErrorer is http.Flusher with the FlushError that
	// http.ResponseController prefers, so that its error comes through.
	flushErrorer interface {
		http.Flusher
		FlushError() error
	}
)

func (f flushWriter) Flush() { _ = f.FlushError() }

func (f flushWriter) FlushError() error {
	f.implicitOK()
	return http.NewResponseController(f.w).Flush()
}

func (h hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := h.w.(http.Hijacker).Hijack()
	if err == nil {
		h.hijacked = true
	}
	return conn, brw, err
}

func (r readerFrom) ReadFrom(src io.Reader) (int64, error) {
	r.implicitOK()
	n, err := r.w.(io.ReaderFrom).ReadFrom(src)
	r.size += n
	return n, err
}

func (p pushWriter) Push(target string, opts *http.PushOptions) error {
	return p.w.(http.Pusher).Push(target, opts)
}

// wrapResponse returns the response that notes what w sends, and the
// writer to hand the handler: that response with whichever of
// http.Flusher, http.Hijacker, io.ReaderFrom and http.Pusher w has.
func wrapResponse(w http.ResponseWriter) (*response, http.ResponseWriter) {
	rw := &response{w: w}
	const (
		flush = 1 << iota
		hijack
		readFrom
		push
	)
	var has int
	if _, ok := w.(http.Flusher); ok {
		has |= flush
	}
	if _, ok := w.(http.Hijacker); ok {
		has |= hijack
	}
	if _, ok := w.(io.ReaderFrom); ok {
		has |= readFrom
	}
	if _, ok := w.(http.Pusher); ok {
		has |= push
	}
	f, h, r, p := flushWriter{rw}, hijackWriter{rw}, readerFrom{rw}, pushWriter{rw}
	switch has {
	case flush:
		return rw, struct {
			*response
			flushErrorer
		}{rw, f}
	case hijack:
		return rw, struct {
			*response
			http.Hijacker
		}{rw, h}
	case flush | hijack:
		return rw, struct {
			*response
			flushErrorer
			http.Hijacker
		}{rw, f, h}
	case readFrom:
		return rw, struct {
			*response
			io.ReaderFrom
		}{rw, r}
	case flush | readFrom:
		return rw, struct {
			*response
			flushErrorer
			io.ReaderFrom
		}{rw, f, r}
	case hijack | readFrom:
		return rw, struct {
			*response
			http.Hijacker
			io.ReaderFrom
		}{rw, h, r}
	case flush | hijack | readFrom: // net/http's HTTP/1 writer
		return rw, struct {
			*response
			flushErrorer
			http.Hijacker
			io.ReaderFrom
		}{rw, f, h, r}
	case push:
		return rw, struct {
			*response
			http.Pusher
		}{rw, p}
	case flush | push: // net/http's HTTP/2 writer
		return rw, struct {
			*response
			flushErrorer
			http.Pusher
		}{rw, f, p}
	case hijack | push:
		return rw, struct {
			*response
			http.Hijacker
			http.Pusher
		}{rw, h, p}
	case flush | hijack | push:
		return rw, struct {
			*response
			flushErrorer
			http.Hijacker
			http.Pusher
		}{rw, f, h, p}
	case readFrom | push:
		return rw, struct {
			*response
			io.ReaderFrom
			http.Pusher
		}{rw, r, p}
	case flush | readFrom | push:
		return rw, struct {
			*response
			flushErrorer
			io.ReaderFrom
			http.Pusher
		}{rw, f, r, p}
	case hijack | readFrom | push:
		return rw, struct {
			*response
			http.Hijacker
			io.ReaderFrom
			http.Pusher
		}{rw, h, r, p}
	case flush | hijack | readFrom | push:
		return rw, struct {
			*response
			flushErrorer
			http.Hijacker
			io.ReaderFrom
			http.Pusher
		}{rw, f, h, r, p}
	}
	return rw, rw
}
