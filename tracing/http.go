package tracing

import (
	"cmp"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	"go.uber.org/zap"
)

// Middleware wraps next so that each request runs in a root span named
// http-request, as Dynamo's HTTP frontend does:
//
//   - it reads traceparent, tracestate, x-request-id and request-id from the
//     request's headers, as [Extract] does, so that the span continues the
//     caller's trace when traceparent is valid and starts a new one when
//     it is absent or invalid (the request is served either way, and
//     nothing is logged about a bad header);
//   - the span's fields are method, uri (the request target as received,
//     r.RequestURI), version (the protocol, HTTP/1.1), x_request_id when
//     the header is valid and request_id (the caller's UUID or a new one);
//     as in Dynamo, x_request_id is a string and the others are Display
//     values ([zap.Stringer]), so that the readable layout prints
//     method=POST uri=/v1/chat/completions version=HTTP/1.1
//     x_request_id="…" request_id=…;
//   - next runs with the span's context: the lines of Logger(r.Context())
//     and those given [tracing.Ctx] of r.Context() carry its keys, spans
//     started from it are its children, and outbound calls through
//     [Transport] send them on;
//   - the span ends when next returns, or when it panics: then the
//     OpenTelemetry span gets the status Error and the panic goes on;
//   - the OpenTelemetry span, not the lines, gets the response's
//     http.response.status_code and http.response.body.size (OpenTelemetry's
//     HTTP semantic conventions) and, on a 5xx, error.type and the status
//     Error; other codes, 4xx included, leave it Unset. A handler that
//     writes nothing sent 200; one that panics first, or hijacks the
//     connection, sent no code to report.
//
// The handler's ResponseWriter keeps those of http.Flusher, http.Hijacker,
// io.ReaderFrom and http.Pusher the server's has, and unwraps to it for
// http.ResponseController.
//
// The span's SPAN_FIRST_ENTRY and SPAN_CLOSED events go to the logger of the
// request's context (see [WithLogger]), else to zap.L(), under the span's
// target: the name of that logger if it has one, else the service name its
// tracing core was given ([WithServiceName]; core.New gives
// OTEL_SERVICE_NAME), else the program's name, filepath.Base(os.Args[0]),
// else [DefaultServiceName], so that an unnamed logger's span is not filed
// under its caller's package, "main". [MiddlewareWith] and [WithTarget]
// name the target outright. A server puts its logger in every
// request's context with BaseContext:
//
//	srv := &http.Server{
//		Addr:    ":8000",
//		Handler: tracing.Middleware(mux),
//		BaseContext: func(net.Listener) context.Context {
//			return tracing.WithLogger(context.Background(), log)
//		},
//	}
//
// Middleware does not write the IDs into the response ([WithRequestIDEcho]
// does) and records the query string in uri ([WithoutQuery] drops it). Its
// span is of server kind to OpenTelemetry, with the fields above as
// attributes.
func Middleware(next http.Handler) http.Handler {
	return MiddlewareWith(next)
}

// MiddlewareOption configures [MiddlewareWith].
type MiddlewareOption interface {
	apply(middlewareConfig) middlewareConfig
}

type middlewareConfig struct {
	target      string // "": the context logger's name, else the service name
	noQuery     bool   // uri without its query string
	echoRequest bool   // the kept x-request-id written into the response
}

type middlewareOptionFunc func(middlewareConfig) middlewareConfig

func (f middlewareOptionFunc) apply(c middlewareConfig) middlewareConfig { return f(c) }

// WithTarget makes target the target of the http-request span and its
// events, whatever the logger of the request's context is named ("" keeps
// the default: that logger's name, else the service name).
func WithTarget(target string) MiddlewareOption {
	return middlewareOptionFunc(func(c middlewareConfig) middlewareConfig { c.target = target; return c })
}

// WithoutQuery records the uri field without its query string (what
// follows the first "?"), where API keys and tokens often travel: a request
// for /v1/models?api_key=secret is recorded as uri=/v1/models, on its lines
// and on the OpenTelemetry span. The handler still gets the whole URL.
func WithoutQuery() MiddlewareOption {
	return middlewareOptionFunc(func(c middlewareConfig) middlewareConfig { c.noQuery = true; return c })
}

// WithRequestIDEcho writes the request's x-request-id into the response's
// X-Request-Id header, before the handler runs (which may change it), so
// that a caller can quote it. Only a header that passed the check of
// x-request-id (1 to 256 bytes of printable ASCII) is echoed, exactly as
// kept; a request without one, or with one that was dropped, gets none.
func WithRequestIDEcho() MiddlewareOption {
	return middlewareOptionFunc(func(c middlewareConfig) middlewareConfig { c.echoRequest = true; return c })
}

// DefaultServiceName is the service name when nothing names one, as in
// Dynamo: the last resort of [Middleware]'s target, and the OTLP
// provider's default service.name (package tracing/otlp).
const DefaultServiceName = "dynamo"

// programName is the program's name, filepath.Base(os.Args[0]), else
// [DefaultServiceName]: the target of an unnamed logger's request span when
// no tracing core names the service.
func programName() string {
	if len(os.Args) > 0 && os.Args[0] != "" {
		return filepath.Base(os.Args[0])
	}
	return DefaultServiceName
}

// MiddlewareWith is [Middleware] with options.
func MiddlewareWith(next http.Handler, opts ...MiddlewareOption) http.Handler {
	var c middlewareConfig
	for _, o := range opts {
		c = o.apply(c)
	}
	program := programName()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sc, req := extract(propagation.HeaderCarrier(r.Header))
		uri := r.RequestURI
		if uri == "" { // a request made in-process, not read by a server
			uri = r.URL.RequestURI()
		}
		if c.noQuery {
			uri, _, _ = strings.Cut(uri, "?")
		}
		fields := make([]zap.Field, 0, 5)
		// As Dynamo's frontend records them: x_request_id as a string, the
		// rest as Display values (unquoted in the readable layout).
		fields = append(fields,
			zap.Stringer("method", display(r.Method)),
			zap.Stringer("uri", display(uri)),
			zap.Stringer("version", display(r.Proto)))
		if req.xRequestID != "" {
			fields = append(fields, zap.String(vocab.KeyXRequestID, req.xRequestID))
		}
		fields = append(fields, zap.Stringer(vocab.KeyRequestID, display(req.requestID)))

		target := c.target
		if target == "" {
			if log := loggerFrom(r.Context()); log.Name() == "" {
				target = cmp.Or(serviceOf(log.Core()), program)
			}
		}
		if c.echoRequest && req.xRequestID != "" {
			w.Header().Set(xRequestIDHeader, req.xRequestID)
		}
		ctx, span := startServer(contextWith(r.Context(), sc, req), target, "http-request", fields...)
		resp, rw := wrapResponse(w)
		returned := false
		defer func() {
			resp.end(span.OTel(), r.Method, returned)
			if !returned {
				span.OTel().SetStatus(codes.Error, "handler panicked")
			}
			span.End()
		}()
		next.ServeHTTP(rw, r.WithContext(ctx))
		returned = true
	})
}

// display is a string recorded as a Display value (zap.Stringer), as Rust's
// %value: the text layouts print it unquoted.
type display string

func (d display) String() string { return string(d) }

// transport is the RoundTripper of Transport.
type transport struct {
	base http.RoundTripper // nil: http.DefaultTransport
}

var _ http.RoundTripper = (*transport)(nil)

// Transport returns a RoundTripper that sends the trace context and request
// IDs of each request's context (see [Inject]) as headers, through base; a
// nil base means http.DefaultTransport, looked up at each call as
// http.Client does. It leaves the caller's request untouched: the headers
// go on a clone, and a request whose context has nothing to send goes out
// as it is.
//
// It starts no span of its own: the service called makes its http-request
// span a child of the span in the request's context, so
// start one around the call if the call deserves a name:
//
//	client := &http.Client{Transport: tracing.Transport(nil)}
//	ctx, span := tracing.Start(ctx, "prefill.call")
//	defer span.End()
//	req, _ := http.NewRequestWithContext(ctx, "POST", url, body)
//	resp, err := client.Do(req)
func Transport(base http.RoundTripper) http.RoundTripper {
	return &transport{base: base}
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	h := make(http.Header, 4)
	Inject(req.Context(), propagation.HeaderCarrier(h))
	if len(h) == 0 {
		return base.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	if out.Header == nil {
		out.Header = make(http.Header, len(h))
	}
	for k, v := range h {
		out.Header[k] = v
	}
	return base.RoundTrip(out)
}

// CloseIdleConnections closes the idle connections of the base transport,
// so that http.Client.CloseIdleConnections reaches it.
func (t *transport) CloseIdleConnections() {
	base := t.base
	if base == nil {
		base = http.DefaultTransport
	}
	if c, ok := base.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
