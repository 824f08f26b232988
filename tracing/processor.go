package tracing

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// spanProcessor gives spans made directly through the OpenTelemetry API
// (otelhttp, otelgrpc, tracer.Start) what Start gives its own: a record, so
// that Ctx and child spans know their name, chain and fields, and the
// SPAN_FIRST_ENTRY / SPAN_CLOSED events. Spans made by Start are
// left alone.
type spanProcessor struct{}

var _ sdktrace.SpanProcessor = spanProcessor{}

// NewSpanProcessor returns the span processor to register on an OpenTelemetry
// SDK tracer provider of your own, so that the spans other libraries start on
// it get lifecycle events and their names in lines. The local provider of
// [Start] and those of package tracing/otlp have it already.
//
// Such a span's target is the name of the logger in its parent context (see
// [WithLogger]), or zap.L()'s; its level is INFO; it has no call site; its
// fields are its attributes at start, as strings. It is busy for its whole
// duration: the OpenTelemetry API has no notion of waiting.
func NewSpanProcessor() sdktrace.SpanProcessor { return spanProcessor{} }

func (spanProcessor) OnStart(parent context.Context, rw sdktrace.ReadWriteSpan) {
	if parent == nil {
		parent = context.Background()
	}
	if _, ok := parent.(*startingCtx); ok {
		return // Start's own span, which has its record
	}
	sc := rw.SpanContext()
	up := spanFrom(parent)
	s := &Span{name: rw.Name(), level: zapcore.InfoLevel, start: rw.StartTime()}
	s.otel, s.id = rw, sc.SpanID()
	s.request = requestFrom(parent)
	s.setParent(up, rw.Parent(), stringFields(rw.Attributes()))
	if s.events = newSpanEvents(loggerFrom(parent), s.level); s.events != nil {
		s.opened()
	}
	live.Store(sc.SpanID(), s)
}

func (spanProcessor) OnEnd(ro sdktrace.ReadOnlySpan) {
	v, ok := live.LoadAndDelete(ro.SpanContext().SpanID())
	if !ok {
		return
	}
	s := v.(*Span)
	if s.events == nil {
		return
	}
	total := ro.EndTime().Sub(ro.StartTime())
	s.closedAt(total, total)
}

func (spanProcessor) Shutdown(context.Context) error   { return nil }
func (spanProcessor) ForceFlush(context.Context) error { return nil }

// stringFields renders attributes as the string fields of a span record.
func stringFields(attrs []attribute.KeyValue) []zap.Field {
	if len(attrs) == 0 {
		return nil
	}
	out := make([]zap.Field, len(attrs))
	for i, kv := range attrs {
		out[i] = zap.String(string(kv.Key), kv.Value.String())
	}
	return out
}
