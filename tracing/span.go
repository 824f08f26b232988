package tracing

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dynlog/dynlog/encoder/vocab"
	targets "github.com/dynlog/dynlog/internal/target"
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
	otel     trace.Span
	id       trace.SpanID // the OTel span's, to know it again in a context
	starting startingCtx  // the context the span started in, holding the record
	name     string
	events   *spanEvents // nil when span events are off
	request  *request
	// ctxLog is the logger WithLogger put in the context the span started
	// in, nil if none: startingCtx answers with it, so that a child's
	// lookup stops here instead of walking the rest of the context.
	ctxLog   *zap.Logger
	fields   []zap.Field
	parent   *Span                       // the parent's record, when in the same trace
	parentID trace.SpanID                // else the parent's ID, when only its context is known
	keys     atomic.Pointer[vocab.Spans] // computed on first use
	bound    atomic.Pointer[boundLogger] // Bind's, newest first, made on first use
	level    zapcore.Level

	mu    sync.Mutex
	ended bool
	// requestInCtx is whether request is what Extract or the middleware
	// stored in the context the span started in (else it is the parent's,
	// or nil); startingCtx answers with it, as it does ctxLog.
	requestInCtx bool
	depth        int32 // Enter minus Exit; busy while positive
	start        time.Time
	busy         time.Duration
	enteredAt    time.Duration // since start
}

// startingCtx is the context a span started in, as given to the SDK and
// kept under every context made from the one Start returns: it answers
// recordKey with the span's record, which is how Ctx and child spans find
// the record without a context layer of its own. The span processor knows
// Start's spans by it and leaves them alone.
type startingCtx struct {
	context.Context
	s *Span
}

// Value answers recordKey with the span; and requestKey and loggerKey with
// what the context below holds for them, as found when the span started
// (contexts do not change), so that lookups from the span's children stop
// here rather than walk to the bottom of the context.
func (c *startingCtx) Value(key any) any {
	switch key {
	case any(recordKey):
		return c.s
	case any(requestKey):
		if c.s.requestInCtx {
			return c.s.request
		}
		return (*request)(nil)
	case any(loggerKey):
		return c.s.ctxLog
	}
	return c.Context.Value(key)
}

// testClock, when tests set it, gives the times of span starts, ends,
// enters and exits, and is handed to the SDK for its spans' times. It is
// nil in every program: a test hook, global because the SDK's span times
// have no clock option to carry it.
var testClock func() time.Time

// now is the clock of Enter and Exit, and of starts and ends the SDK does
// not time (spans it does not record).
func now() time.Time {
	if testClock != nil {
		return testClock()
	}
	return time.Now()
}

// timedSpan is an SDK span that was recorded: its start and end times are
// the ones busy and idle are measured from, so that the exported span and
// time.duration_us agree, and the clock is read once for both.
type timedSpan interface {
	StartTime() time.Time
	EndTime() time.Time
}

// ScopeName is the instrumentation scope of this package's OpenTelemetry
// tracer, which makes the spans of [Start], and of the log records
// package otlp exports for lines with no target.
const ScopeName = "github.com/dynlog/dynlog/tracing"

// Start begins a span named name at INFO, a child of the span in ctx (made
// here or by the OpenTelemetry API, local or received from another
// service), with fields as its own fields: on its lifecycle events, on
// every line inside it ([Ctx]) and as the OpenTelemetry span's attributes.
// It returns a context holding the span; lines given Ctx of that context
// carry its keys.
//
// The span's target is the name of the logger its events go to (see
// [WithLogger]); its call site is Start's caller. SPAN_FIRST_ENTRY is
// written now and SPAN_CLOSED at End when span events are on for that
// logger (see [NewCore]).
func Start(ctx context.Context, name string, fields ...zap.Field) (context.Context, *Span) {
	return startTarget(ctx, zapcore.InfoLevel, "", name, fields, trace.SpanKindInternal)
}

// StartAt is [Start] at the given level: the level of the span's lifecycle
// events, which the filter passes or drops like any line's.
func StartAt(ctx context.Context, level zapcore.Level, name string, fields ...zap.Field) (context.Context, *Span) {
	return startTarget(ctx, level, "", name, fields, trace.SpanKindInternal)
}

// startServer is Start for the span of a request a server received: of
// kind server for OpenTelemetry.
// Its events go under target, if not empty, instead of the logger's name.
func startServer(ctx context.Context, target, name string, fields ...zap.Field) (context.Context, *Span) {
	return startTarget(ctx, zapcore.InfoLevel, target, name, fields, trace.SpanKindServer)
}

// startTarget is Start, StartAt and startServer, the span's events under
// target when it is not empty; it must be called directly by them, for the
// call site (their caller).
func startTarget(ctx context.Context, level zapcore.Level, target, name string, fields []zap.Field, kind trace.SpanKind) (context.Context, *Span) {
	if ctx == nil {
		ctx = context.Background()
	}
	parentSC := trace.SpanContextFromContext(ctx)
	parent := recordOf(ctx, parentSC)
	s := &Span{name: name, level: level, depth: 1}
	// As requestFrom: what Extract stored wins over the parent's.
	if r, _ := ctx.Value(requestKey).(*request); r != nil {
		s.request, s.requestInCtx = r, true
	} else if parent != nil {
		s.request = parent.request
	}
	s.ctxLog, _ = ctx.Value(loggerKey).(*zap.Logger)

	s.starting = startingCtx{Context: ctx, s: s}
	var opts []trace.SpanStartOption // nil, and no allocation, in the usual case
	if len(fields) > 0 {
		opts = append(opts, trace.WithAttributes(attributes(fields)...))
	}
	if kind != trace.SpanKindInternal {
		opts = append(opts, trace.WithSpanKind(kind))
	}
	if testClock != nil {
		opts = append(opts, trace.WithTimestamp(testClock()))
	}
	log := loggerFrom(&s.starting) // answered by s.ctxLog, else zap.L()
	if target != "" && target != log.Name() {
		log = log.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return targets.Fixed(c, target) }))
	}
	events := newSpanEvents(log, level)
	if events != nil {
		// runtime.Callers, callSite, startTarget, then Start, StartAt or
		// startServer
		events.caller = callSite(3)
	}
	ctx, s.otel = currentTracer().Start(&s.starting, name, opts...)
	if events != nil {
		// Busy and idle time are for SPAN_CLOSED only: a span without
		// events reads no clock of its own.
		if ts, ok := s.otel.(timedSpan); ok {
			s.start = ts.StartTime()
		} else {
			s.start = now()
		}
	}
	s.id = s.otel.SpanContext().SpanID()
	s.setParent(parent, parentSC, fields)

	if events != nil {
		s.events = events
		s.opened()
	}
	return ctx, s
}

// setParent records what the span's keys are computed from: its parent's
// record, or only the parent's span context (a span from another service,
// or from a provider without this package's processor); and its fields.
func (s *Span) setParent(parent *Span, parentSC trace.SpanContext, fields []zap.Field) {
	s.fields = fields
	sc := s.otel.SpanContext()
	switch {
	case parent != nil && parent.otel.SpanContext().TraceID() == sc.TraceID():
		s.parent = parent
	case parentSC.IsValid() && parentSC.TraceID() == sc.TraceID():
		s.parentID = parentSC.SpanID()
	}
}

// spans is the keys every line inside the span carries, computed on first
// use (a span nobody logs in costs none of it) and then shared; nil when the
// span has no valid IDs.
func (s *Span) spans() *vocab.Spans {
	if s == nil {
		return nil
	}
	if k := s.keys.Load(); k != nil {
		return k
	}
	sc := s.otel.SpanContext()
	if !sc.IsValid() {
		return nil
	}
	k := &vocab.Spans{SpanID: sc.SpanID().String()}
	self := vocab.Span{Name: s.name, Fields: s.fields}
	if up := s.parent.spans(); up != nil {
		k.TraceID, k.ParentID = up.TraceID, up.SpanID
		k.Chain = append(up.Chain[:len(up.Chain):len(up.Chain)], self)
	} else {
		k.TraceID = sc.TraceID().String()
		k.Chain = []vocab.Span{self}
		if s.parentID.IsValid() {
			k.ParentID = s.parentID.String()
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
	if s.keys.CompareAndSwap(nil, k) {
		return k
	}
	return s.keys.Load()
}

// End closes the span: it ends the OpenTelemetry span and, when span events
// are on, writes SPAN_CLOSED with time.busy_us, time.idle_us and
// time.duration_us (busy + idle, exactly).
func (s *Span) End() {
	if s == nil {
		return
	}
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	if s.events == nil {
		s.endOTel()
		s.mu.Unlock()
		return
	}
	// Under the lock, so that times are in the order of the calls.
	t := s.endOTel()
	total := t.Sub(s.start)
	if s.depth > 0 {
		s.busy += total - s.enteredAt
	}
	busy := s.busy
	s.mu.Unlock()

	s.closedAt(busy, total)
}

// endOTel ends the OpenTelemetry span and returns its end time when span
// events need one: the SDK's, for a span it recorded, so that the exported
// span and time.duration_us agree; else the clock's.
func (s *Span) endOTel() time.Time {
	ts, timed := s.otel.(timedSpan)
	if !timed {
		// A span the SDK does not record has no times of its own.
		var t time.Time
		if s.events != nil {
			t = now()
		}
		s.otel.End()
		return t
	}
	if testClock != nil {
		s.otel.End(trace.WithTimestamp(testClock()))
	} else {
		s.otel.End()
	}
	if s.events == nil {
		return time.Time{}
	}
	return ts.EndTime()
}

// Enter marks the span busy again after Exit. Enters and Exits nest: the
// span is busy while it has been entered more often than exited.
func (s *Span) Enter() {
	if s == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ended {
		return
	}
	if s.depth == 0 && s.events != nil {
		// Under the lock, so that times are in the order of the calls.
		s.enteredAt = now().Sub(s.start)
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
	defer s.mu.Unlock()
	if s.ended || s.depth == 0 {
		return
	}
	s.depth--
	if s.depth == 0 && s.events != nil {
		// Under the lock, so that times are in the order of the calls.
		s.busy += now().Sub(s.start) - s.enteredAt
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
	return s.otel.SpanContext()
}

// OTel is the OpenTelemetry span, for what this package does not wrap
// (status, events, links).
func (s *Span) OTel() trace.Span {
	if s == nil {
		return trace.SpanFromContext(context.Background())
	}
	return s.otel
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
