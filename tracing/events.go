package tracing

import (
	"time"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The messages and targets of the span lifecycle events, as Dynamo and
// tracing-subscriber print them.
const (
	firstEntry = "SPAN_FIRST_ENTRY"
	created    = "SPAN_CREATED" // the 2025 guide's name for the opening event
	closed     = "SPAN_CLOSED"
	// closeMessage is tracing-subscriber's message for a span's end, in the
	// readable form; its durations follow as fields.
	closeMessage = "close"
	// spanEventTarget is the target of the readable form's opening event.
	spanEventTarget = "span_event"
)

// A span writes its events in one form, today's Dynamo JSONL one
// (SPAN_FIRST_ENTRY; SPAN_CLOSED with time.busy_us, time.idle_us and
// time.duration_us), with a mark (a Skip field, which no encoder prints)
// that says what the event is. Each tracing core the event passes through
// rewrites it into its own form (see tracingCore.Write), so that the cores
// of one logger (a zapcore.NewTee of a readable console and a JSONL file)
// each print the events their layout calls for. A logger without a tracing
// core prints the events as written.

// eventMark is what a span event is: its opening, or its close with the
// busy and total time.
type eventMark struct {
	open        bool
	busy, total time.Duration
}

func markField(m *eventMark) zap.Field {
	return zap.Field{Type: zapcore.SkipType, Interface: m}
}

// markOf finds the mark among an event's fields.
func markOf(fields []zapcore.Field) *eventMark {
	for i := len(fields) - 1; i >= 0; i-- {
		if fields[i].Type == zapcore.SkipType {
			if m, ok := fields[i].Interface.(*eventMark); ok {
				return m
			}
		}
	}
	return nil
}

// isEventMessage is whether msg may be a span event's: only such entries
// are rewritten.
func isEventMessage(msg string) bool { return msg == firstEntry || msg == closed }

// spanEvents is where a span's events go: its logger, without zap's own
// caller lookup, and the call site they report instead.
type spanEvents struct {
	log    *zap.Logger
	caller zapcore.EntryCaller // undefined for spans made through the OTel API
}

// newSpanEvents is the events of a span at level whose logger is log, or
// nil when that logger prints none at that level. The call site is left to
// the caller to fill in, so that a span without events never looks it up.
func newSpanEvents(log *zap.Logger, level zapcore.Level) *spanEvents {
	if !log.Core().Enabled(level) || eventsOf(log.Core()) == EventsOff {
		return nil
	}
	return &spanEvents{log: log.WithOptions(zap.WithCaller(false))}
}

// opened writes the event of the span's start, its first entry.
func (s *Span) opened() {
	s.event(firstEntry, markField(&eventMark{open: true}))
}

// closedAt writes the event of the span's end, given its busy and total
// time: time.busy_us + time.idle_us = time.duration_us, exactly, each
// truncated to microseconds but idle, the difference.
func (s *Span) closedAt(busy, total time.Duration) {
	busyUS, totalUS := busy.Microseconds(), total.Microseconds()
	s.event(closed,
		zap.Int64("time.busy_us", busyUS),
		zap.Int64("time.idle_us", totalUS-busyUS),
		zap.Int64("time.duration_us", totalUS),
		markField(&eventMark{busy: busy, total: total}))
}

// event writes a lifecycle event of s at its level, call site and target,
// through its logger's cores: the filter passes or drops it like any line.
func (s *Span) event(msg string, extra ...zap.Field) {
	ce := s.events.log.Check(s.level, msg)
	if ce == nil {
		return
	}
	ce.Caller = s.events.caller
	fields := make([]zap.Field, 0, 1+len(extra))
	fields = append(fields, vocab.SpansField(s.spans()))
	ce.Write(append(fields, extra...)...)
}

// rewriteEvent turns a span event, written in today's Dynamo form and
// marked m, into form. It reports false when form prints no events.
func rewriteEvent(form SpanEvents, m *eventMark, ent zapcore.Entry, fields []zapcore.Field) (zapcore.Entry, []zapcore.Field, bool) {
	switch form {
	case EventsOff:
		return ent, nil, false
	case Events2025:
		if m.open {
			ent.Message = created
		}
	case EventsReadable:
		if m.open {
			// Filtered under the span's target, as the span's other
			// event; printed under span_event, as tracing-subscriber's
			// layer in Dynamo does.
			ent.LoggerName = spanEventTarget
			return ent, fields, true
		}
		ent.Message = closeMessage
		out := make([]zapcore.Field, 0, 3)
		for _, f := range fields {
			if f.Key == vocab.SpansKey {
				out = append(out, f)
			}
		}
		fields = append(out,
			zap.Stringer("time.busy", timing(m.busy)),
			zap.Stringer("time.idle", timing(m.total-m.busy)))
	}
	return ent, fields, true
}

// timing is a duration as tracing-subscriber's span timings print it
// ([vocab.AppendSpanTiming]): "9.87ms", "25.7µs", "131µs".
type timing time.Duration

func (d timing) String() string {
	return string(vocab.AppendSpanTiming(nil, time.Duration(d)))
}
