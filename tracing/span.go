package tracing

import (
	"context"
	"runtime"
	"sync"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Span is a span of work: an OpenTelemetry span plus what the logs need of
// it (name, target, level, call site, fields, the keys its lines carry) and
// the time it was entered, which splits its duration into busy and idle.
//
// A span is entered when it starts. Exit and Enter carve out the time it
// waits (for a queue, a worker, a network reply); Wait runs a function as
// waiting time. End closes it. All methods are safe for concurrent use and
// do nothing after End; a nil *Span does nothing.
type Span struct {
	view     otelView    // what contexts hold: the OTel span, pointing back here
	starting startingCtx // the parent context, while the OTel span starts
	name     string
	log      *zap.Logger // events go here; nil when they are off
	level    zapcore.Level
	caller   zapcore.EntryCaller
	keys     encoder.Spans  // the keys of lines inside this span
	spans    *encoder.Spans // &keys, or nil when the span has no valid IDs
	self     [1]encoder.Span
	request  *request

	mu        sync.Mutex
	start     time.Time
	busy      time.Duration
	enteredAt time.Time
	depth     int // Enter minus Exit; busy while positive
	ended     bool
}

// otelView is the span as OpenTelemetry sees it in a context: the SDK's
// span, with End going through Span.End so that code ending the context's
// span through the OpenTelemetry API still closes the record. Child spans,
// of this package or of the OpenTelemetry API, find their parent through it.
type otelView struct {
	trace.Span
	s *Span
}

// End ends the span as Span.End does; options are ignored (the end time is
// the one busy and idle are measured to).
func (v *otelView) End(...trace.SpanEndOption) { v.s.End() }

// startingCtx marks the parent context given to the SDK by Start, so that
// the span processor leaves Start's spans alone.
type startingCtx struct{ context.Context }

// now is the clock of busy and idle time; tests replace it.
var now = time.Now

// instrumentation is the name of this package's OpenTelemetry tracer.
const instrumentation = "github.com/dynlog/dynlog/tracing"

// Start begins a span named name at INFO, a child of the span in ctx (made
// here or by the OpenTelemetry API, local or received from another
// service), with fields as its own fields: on its lifecycle events, on
// every line inside it (Ctx) and as the OpenTelemetry span's attributes.
// It returns a context holding the span; lines given Ctx of that context
// carry its keys.
//
// The span's target is the name of the logger its events go to (see
// WithLogger); its call site is Start's caller. SPAN_CREATED is written
// now and SPAN_CLOSED at End when span events are on for that logger (see
// NewCore).
func Start(ctx context.Context, name string, fields ...zap.Field) (context.Context, *Span) {
	return start(ctx, zapcore.InfoLevel, name, fields, trace.SpanKindInternal)
}

// StartAt is Start at the given level: the level of the span's lifecycle
// events, which the filter passes or drops like any line's.
func StartAt(ctx context.Context, level zapcore.Level, name string, fields ...zap.Field) (context.Context, *Span) {
	return start(ctx, level, name, fields, trace.SpanKindInternal)
}

// startServer is Start for the span of a request a server received: of
// kind server for OpenTelemetry.
func startServer(ctx context.Context, name string, fields ...zap.Field) (context.Context, *Span) {
	return start(ctx, zapcore.InfoLevel, name, fields, trace.SpanKindServer)
}

// start is Start, StartAt and startServer; it must be called directly by
// them, for the call site (their caller).
func start(ctx context.Context, level zapcore.Level, name string, fields []zap.Field, kind trace.SpanKind) (context.Context, *Span) {
	if ctx == nil {
		ctx = context.Background()
	}
	parent, parentSC := spanFrom(ctx), trace.SpanContextFromContext(ctx)
	s := &Span{name: name, level: level, start: now(), request: requestFrom(ctx)}
	s.enteredAt, s.depth = s.start, 1

	// The OTel span starts and ends at the times busy and idle are measured
	// from, so its exported duration is the logged time.duration_us.
	s.starting.Context = ctx
	var otelSpan trace.Span
	switch {
	case kind != trace.SpanKindInternal:
		_, otelSpan = currentTracer().Start(&s.starting, name,
			trace.WithTimestamp(s.start), trace.WithAttributes(attributes(fields)...), trace.WithSpanKind(kind))
	case len(fields) > 0:
		_, otelSpan = currentTracer().Start(&s.starting, name,
			trace.WithTimestamp(s.start), trace.WithAttributes(attributes(fields)...))
	default:
		_, otelSpan = currentTracer().Start(&s.starting, name, trace.WithTimestamp(s.start))
	}
	s.view = otelView{Span: otelSpan, s: s}
	ctx = trace.ContextWithSpan(ctx, &s.view)

	s.setKeys(parentSC, parent, fields)

	if log := loggerFrom(ctx); log.Core().Enabled(level) && eventsOn(log.Core()) {
		s.log = log.WithOptions(zap.WithCaller(false))
		s.caller = callSite(3) // runtime.Callers, callSite, start, Start (or StartAt, startServer)
		s.event(created)
	}
	return ctx, s
}

// setKeys computes once the keys every line inside the span carries. The
// parent is parent when this package has a record of it, else only its span
// context parentSC (a span from another service, or from a provider without
// this package's processor).
func (s *Span) setKeys(parentSC trace.SpanContext, parent *Span, fields []zap.Field) {
	sc := s.view.SpanContext()
	if !sc.IsValid() {
		return
	}
	k := &s.keys
	k.SpanID = sc.SpanID().String()
	s.self[0] = encoder.Span{Name: s.name, Fields: fields}
	if parent != nil && parent.spans == nil {
		parent = nil
	}
	if parent != nil && parent.view.SpanContext().TraceID() == sc.TraceID() {
		k.TraceID = parent.keys.TraceID
		k.ParentID = parent.keys.SpanID
		chain := parent.keys.Chain
		k.Chain = append(chain[:len(chain):len(chain)], s.self[0])
	} else {
		k.TraceID = sc.TraceID().String()
		k.Chain = s.self[:]
		if parentSC.IsValid() && parentSC.TraceID() == sc.TraceID() {
			k.ParentID = parentSC.SpanID().String()
		}
	}
	if ts := sc.TraceState(); ts.Len() > 0 {
		k.TraceState = ts.String()
	}
	if r := s.request; r != nil {
		k.XRequestID, k.RequestID = r.xRequestID, r.requestID
		if r.traceState != "" {
			k.TraceState = r.traceState
		}
	}
	s.spans = k
}

// End closes the span: it ends the OpenTelemetry span and, when span events
// are on, writes SPAN_CLOSED with time.busy_us, time.idle_us and
// time.duration_us (busy + idle, exactly).
func (s *Span) End() {
	if s == nil {
		return
	}
	s.mu.Lock()
	t := now() // under the lock, so that times are in the order of the calls
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	if s.depth > 0 {
		s.busy += t.Sub(s.enteredAt)
	}
	busy, total := s.busy, t.Sub(s.start)
	s.mu.Unlock()

	s.view.Span.End(trace.WithTimestamp(t))
	if s.log != nil {
		busyUS, totalUS := busy.Microseconds(), total.Microseconds()
		s.event(closed,
			zap.Int64("time.busy_us", busyUS),
			zap.Int64("time.idle_us", totalUS-busyUS),
			zap.Int64("time.duration_us", totalUS))
	}
}

// Enter marks the span busy again after Exit. Enters and Exits nest: the
// span is busy while it has been entered more often than exited.
func (s *Span) Enter() {
	if s == nil {
		return
	}
	s.mu.Lock()
	t := now() // under the lock, so that times are in the order of the calls
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	if s.depth == 0 {
		s.enteredAt = t
	}
	s.depth++
}

// Exit marks the span idle: time until the matching Enter counts as
// waiting.
func (s *Span) Exit() {
	if s == nil {
		return
	}
	s.mu.Lock()
	t := now() // under the lock, so that times are in the order of the calls
	defer s.mu.Unlock()
	if s.ended || s.depth == 0 {
		return
	}
	s.depth--
	if s.depth == 0 {
		s.busy += t.Sub(s.enteredAt)
	}
}

// Wait runs fn as idle time: Exit, fn, Enter (even if fn panics).
func (s *Span) Wait(fn func()) {
	s.Exit()
	defer s.Enter()
	fn()
}

// SpanContext is the OpenTelemetry span context: the IDs that lines inside
// the span print and that export sends.
func (s *Span) SpanContext() trace.SpanContext {
	if s == nil {
		return trace.SpanContext{}
	}
	return s.view.SpanContext()
}

// OTel is the OpenTelemetry span, for what this package does not wrap
// (status, events, links).
func (s *Span) OTel() trace.Span {
	if s == nil {
		return trace.SpanFromContext(context.Background())
	}
	return s.view.Span
}

// callSite is the caller skip frames up, as zap reports callers.
func callSite(skip int) zapcore.EntryCaller {
	var pcs [1]uintptr
	if runtime.Callers(skip+1, pcs[:]) < 1 {
		return zapcore.EntryCaller{}
	}
	frame, _ := runtime.CallersFrames(pcs[:]).Next()
	if frame.PC == 0 {
		return zapcore.EntryCaller{}
	}
	return zapcore.EntryCaller{
		Defined:  true,
		PC:       frame.PC,
		File:     frame.File,
		Line:     frame.Line,
		Function: frame.Function,
	}
}
