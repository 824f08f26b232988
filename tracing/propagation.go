package tracing

import (
	"context"
	"crypto/rand"
	"encoding/hex"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// The headers that travel, lowercase: the form HTTP/2 sends and the
// keys Inject writes and Extract reads in a propagation.MapCarrier, whose
// keys, unlike http.Header's, are case-sensitive.
const (
	traceparentHeader = "traceparent"
	tracestateHeader  = "tracestate"
	xRequestIDHeader  = "x-request-id"
	requestIDHeader   = "request-id"
)

const (
	// maxTraceState caps the tracestate kept from a request: eight times
	// the 512 characters W3C asks every vendor to propagate, and still
	// small enough to go on every line of the request. A longer value is
	// dropped whole, from the lines and from outbound calls: cutting it
	// would leave a list that is not the one the caller sent.
	maxTraceState = 4096
	// maxXRequestID is the longest x-request-id kept.
	maxXRequestID = 256
)

// Inject writes the trace context and request IDs of ctx to carrier, for a
// call to another service: an http.Header through [propagation.HeaderCarrier]
// ([Transport] does that), or the headers of a message on a message plane
// through [propagation.MapCarrier]. It writes
//
//   - traceparent, 00-<trace id>-<span id>-<flags>, from the span in ctx
//     (made by [Start], by the OpenTelemetry API, or received by [Extract]),
//     with flags 01 if it is sampled and 00 if not; nothing if ctx has no
//     valid span;
//   - tracestate, as it was received, and only with a traceparent. It is
//     left out when it is not a valid HTTP field value of visible ASCII,
//     spaces and tabs (RFC 9110 without the obsolete obs-text): Go's HTTP
//     client refuses to send control characters, and a hostile inbound
//     value must not break the outbound call. Without a received
//     tracestate, the span context's own is written, if any;
//   - x-request-id and request-id, as [Middleware] or Extract kept them.
//
// Values in ctx replace the carrier's values of the same keys; a key for
// which ctx has nothing is left as it is. Keys are written in lower case.
func Inject(ctx context.Context, carrier propagation.TextMapCarrier) {
	if ctx == nil {
		return
	}
	r := requestFrom(ctx)
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		carrier.Set(traceparentHeader, formatTraceparent(sc))
		ts := sc.TraceState().String()
		if r != nil && r.traceState != "" {
			ts = r.traceState
		}
		if ts != "" && sendable(ts) {
			carrier.Set(tracestateHeader, ts)
		}
	}
	if r == nil {
		return
	}
	if r.xRequestID != "" {
		carrier.Set(xRequestIDHeader, r.xRequestID)
	}
	if r.requestID != "" {
		carrier.Set(requestIDHeader, r.requestID)
	}
}

// Extract reads the headers [Inject] writes from carrier and returns a copy
// of ctx that holds them, so that a span started in it continues the caller's
// trace (its parent_id is the caller's span) and carries the request IDs.
// [Middleware] calls it for each request; call it yourself for a message
// received on a message plane.
//
// The values are checked as the package doc says, and a value that fails is
// dropped without a word (an inbound header is not this service's error):
//
//   - traceparent must follow W3C Trace Context: a version of two lowercase
//     hex digits other than ff; for version 00 exactly four fields,
//     version-traceid-parentid-flags, and for a later version at least
//     these four, followed by '-' if there is more; a trace ID of 32 and a
//     parent ID of 16 lowercase hex digits, not all zero; flags of two
//     lowercase hex digits, of which only the sampled bit is kept. A
//     carrier with several traceparent values (an http.Header can have
//     them) has none that is valid. Without a valid traceparent, ctx keeps
//     the span context it has (as with OpenTelemetry's propagator): from a
//     server's request context, none, so the next span starts a new trace.
//   - tracestate is kept raw, as received (several values joined with ','),
//     when traceparent is valid and the value is at most 4096 bytes; the
//     encoders escape it on each line. It is not checked against the W3C
//     grammar, so that lines show what the caller sent; OpenTelemetry's
//     span context gets the parsed form when it parses, so that exported
//     spans have it too.
//   - x-request-id is kept as given when it is 1 to 256 bytes of printable
//     ASCII (0x20 to 0x7e), else dropped.
//   - request-id is kept as given when it is a UUID in its 36-character
//     form, 8-4-4-4-12 hex digits of either case (upper-case digits are
//     kept upper-case, so that the ID matches the caller's own logs);
//     otherwise, or when absent, a new random (version 4) UUID in lower
//     case takes its place. Every extracted request therefore has one.
//
// For x-request-id and request-id the carrier's first value counts.
func Extract(ctx context.Context, carrier propagation.TextMapCarrier) context.Context {
	if ctx == nil {
		ctx = context.Background()
	}
	sc, r := extract(carrier)
	return contextWith(ctx, sc, r)
}

// contextWith is ctx with the remote span context sc, if valid, and the
// request data r.
func contextWith(ctx context.Context, sc trace.SpanContext, r *request) context.Context {
	if sc.IsValid() {
		ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
	}
	return withRequest(ctx, r)
}

// extract is Extract without the context: the remote span context (invalid
// if there is none) and the request data, never nil.
func extract(carrier propagation.TextMapCarrier) (trace.SpanContext, *request) {
	r := &request{}
	sc, ok := parseTraceparent(only(carrier, traceparentHeader))
	if ok {
		if ts, ok := traceState(carrier); ok {
			r.traceState = ts
			if parsed, err := trace.ParseTraceState(ts); err == nil {
				sc = sc.WithTraceState(parsed)
			}
		}
	}
	if v := carrier.Get(xRequestIDHeader); validXRequestID(v) {
		r.xRequestID = v
	}
	if v := carrier.Get(requestIDHeader); isUUID(v) {
		r.requestID = v
	} else {
		r.requestID = newRequestID()
	}
	return sc, r
}

// only is the value of key in carrier when it has exactly one, and "" when
// it has several: two traceparents say nothing certain.
func only(carrier propagation.TextMapCarrier, key string) string {
	if vg, ok := carrier.(propagation.ValuesGetter); ok {
		if vs := vg.Values(key); len(vs) == 1 {
			return vs[0]
		}
		return ""
	}
	return carrier.Get(key)
}

// traceState is the tracestate of carrier, its values joined with ',' as
// HTTP combines repeated fields and W3C allows for this header; ok is false
// when it is longer than maxTraceState.
func traceState(carrier propagation.TextMapCarrier) (ts string, ok bool) {
	vg, isVG := carrier.(propagation.ValuesGetter)
	if !isVG {
		ts = carrier.Get(tracestateHeader)
		return ts, len(ts) <= maxTraceState
	}
	vs := vg.Values(tracestateHeader)
	n := len(vs) - 1
	for _, v := range vs {
		n += len(v)
	}
	switch {
	case len(vs) == 0:
		return "", true
	case n > maxTraceState:
		return "", false
	case len(vs) == 1:
		return vs[0], true
	}
	b := make([]byte, 0, n)
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, v...)
	}
	return string(b), true
}

// parseTraceparent parses a traceparent header by the W3C rules that
// Extract lists.
func parseTraceparent(h string) (trace.SpanContext, bool) {
	const size = 55 // 00-<32 hex>-<16 hex>-<2 hex>
	if len(h) < size || h[2] != '-' || h[35] != '-' || h[52] != '-' {
		return trace.SpanContext{}, false
	}
	var version, flags [1]byte
	if !decodeLowerHex(version[:], h[0:2]) || version[0] == 0xff {
		return trace.SpanContext{}, false
	}
	if (version[0] == 0 && len(h) != size) || (len(h) > size && h[size] != '-') {
		return trace.SpanContext{}, false
	}
	var scc trace.SpanContextConfig
	if !decodeLowerHex(scc.TraceID[:], h[3:35]) || !decodeLowerHex(scc.SpanID[:], h[36:52]) ||
		!decodeLowerHex(flags[:], h[53:55]) {
		return trace.SpanContext{}, false
	}
	scc.TraceFlags = trace.TraceFlags(flags[0]) & trace.FlagsSampled
	scc.Remote = true
	sc := trace.NewSpanContext(scc)
	return sc, sc.IsValid() // IsValid: neither ID is all zero
}

// decodeLowerHex decodes src, lowercase hex digits only, into dst.
func decodeLowerHex(dst []byte, src string) bool {
	if len(src) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := lowerHexDigit(src[2*i])
		lo, ok2 := lowerHexDigit(src[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

func lowerHexDigit(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// formatTraceparent is sc as a version 00 traceparent.
func formatTraceparent(sc trace.SpanContext) string {
	var b [55]byte
	tid, sid := sc.TraceID(), sc.SpanID()
	b[0], b[1], b[2] = '0', '0', '-'
	hex.Encode(b[3:35], tid[:])
	b[35] = '-'
	hex.Encode(b[36:52], sid[:])
	b[52], b[53], b[54] = '-', '0', '0'
	if sc.IsSampled() {
		b[54] = '1'
	}
	return string(b[:])
}

// sendable reports whether v can go out as an HTTP field value: visible
// ASCII, spaces and tabs.
func sendable(v string) bool {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < 0x20 && c != '\t') || c > 0x7e {
			return false
		}
	}
	return true
}

// validXRequestID reports whether v is an x-request-id to keep: 1 to 256
// bytes of printable ASCII.
func validXRequestID(v string) bool {
	if len(v) == 0 || len(v) > maxXRequestID {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	return true
}

// isUUID reports whether v is a UUID in its 36-character form, hex digits of
// either case.
func isUUID(v string) bool {
	if len(v) != 36 {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// newRequestID is a random (version 4) UUID, lowercase, as RFC 9562 writes
// them.
func newRequestID() string {
	var u [16]byte
	// Since Go 1.24, crypto/rand's Read never returns an error: it crashes
	// the program if the system's generator fails.
	rand.Read(u[:])
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // variant 10
	var b [36]byte
	hex.Encode(b[0:8], u[0:4])
	b[8] = '-'
	hex.Encode(b[9:13], u[4:6])
	b[13] = '-'
	hex.Encode(b[14:18], u[6:8])
	b[18] = '-'
	hex.Encode(b[19:23], u[8:10])
	b[23] = '-'
	hex.Encode(b[24:36], u[10:16])
	return string(b[:])
}
