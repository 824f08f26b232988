package tracing

import (
	"context"
	"sync"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
)

type contextKey int

const (
	loggerKey  contextKey = iota // *zap.Logger: where span events go
	requestKey                   // *request: IDs received with the request
	recordKey                    // *Span: answered by a span's startingCtx
)

// Ctx returns the field that puts the span in ctx on a line: with the
// encoders of package encoder, the span keys in JSONL and the
// span chain and span fields in the readable layout. It works on a
// call (log.Info("msg", tracing.Ctx(ctx))) and on With. The span may have
// been made by [Start] or directly through the OpenTelemetry API; outside any
// span the field prints nothing.
//
// For a span made by Start, or by the OpenTelemetry API on a provider with
// this package's span processor, Ctx costs a context lookup and allocates
// nothing: the keys are computed once, when the span starts.
func Ctx(ctx context.Context) zap.Field {
	if s := spanFrom(ctx); s != nil {
		return vocab.SpansField(s.spans())
	}
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return zap.Skip()
	}
	return vocab.SpansField(foreignSpans(ctx, trace.SpanFromContext(ctx)))
}

// WithLogger returns a context whose spans write their SPAN_FIRST_ENTRY and
// SPAN_CLOSED events to log, under log's name as their target. Without it
// they go to zap.L(), which [github.com/dynlog/dynlog/core.Init] sets.
func WithLogger(ctx context.Context, log *zap.Logger) context.Context {
	return context.WithValue(ctx, loggerKey, log)
}

// loggerFrom is the logger for spans started in ctx.
func loggerFrom(ctx context.Context) *zap.Logger {
	if l, ok := ctx.Value(loggerKey).(*zap.Logger); ok && l != nil {
		return l
	}
	return zap.L()
}

// spanFrom is the span record of the context's current span: Start's, if
// the innermost span Start made in ctx is still the current one, else the
// one the span processor made for an OpenTelemetry-API span; nil if
// neither.
func spanFrom(ctx context.Context) *Span {
	return recordOf(ctx, trace.SpanContextFromContext(ctx))
}

// recordOf is spanFrom for ctx, whose current span context is sc.
func recordOf(ctx context.Context, sc trace.SpanContext) *Span {
	if !sc.IsValid() {
		return nil
	}
	if s, ok := ctx.Value(recordKey).(*Span); ok && s.id == sc.SpanID() {
		return s
	}
	if s, ok := live.Load(sc.SpanID()); ok {
		return s.(*Span)
	}
	return nil
}

// live holds the records of OpenTelemetry-API spans between their start and
// end, keyed by span ID, so that Ctx and child spans find them. A span never
// ended keeps its record here, as it keeps its state in the SDK. Global
// because such a span reaches Ctx by its span context alone, with nothing
// that leads to the processor that made its record; span IDs are random,
// so the processors of several providers share it safely.
var live sync.Map // trace.SpanID -> *Span

// request is what arrived with a request besides the traceparent: kept on
// every span of the request and sent on with outbound calls.
type request struct {
	traceState string // the tracestate header, raw
	xRequestID string // x-request-id, when valid
	requestID  string // request-id: the caller's UUID or a fresh one
}

func withRequest(ctx context.Context, r *request) context.Context {
	return context.WithValue(ctx, requestKey, r)
}

// requestFrom is the request data of ctx: as the middleware or Extract
// stored it, else the span's in ctx; nil if none. The stored value comes
// first because it is never older than the span's, which was taken from
// the context the span started in: an Extract inside a span wins.
func requestFrom(ctx context.Context) *request {
	if r, _ := ctx.Value(requestKey).(*request); r != nil {
		return r
	}
	if s := spanFrom(ctx); s != nil {
		return s.request
	}
	return nil
}

// foreignSpans builds the span keys of an OpenTelemetry span this package
// has no record of (made on a provider without its span processor).
func foreignSpans(ctx context.Context, span trace.Span) *vocab.Spans {
	sc := span.SpanContext()
	out := &vocab.Spans{
		TraceID:    sc.TraceID().String(),
		SpanID:     sc.SpanID().String(),
		TraceState: sc.TraceState().String(),
	}
	if r, _ := ctx.Value(requestKey).(*request); r != nil {
		out.XRequestID, out.RequestID = r.xRequestID, r.requestID
		if r.traceState != "" {
			out.TraceState = r.traceState
		}
	}
	if ro, ok := span.(interface {
		Name() string
		Parent() trace.SpanContext
	}); ok {
		out.Chain = []vocab.Span{{Name: ro.Name()}}
		if p := ro.Parent(); p.IsValid() {
			out.ParentID = p.SpanID().String()
		}
	}
	return out
}
