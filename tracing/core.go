package tracing

import "go.uber.org/zap/zapcore"

// tracingCore is the tracing core of DESIGN §1, between the once-only core
// and the encoder's core. Lines carry their span through Ctx; what the core
// adds is the span-event switch of DESIGN §8 (DYN_LOGGING_SPAN_EVENTS) for
// the loggers built on it.
type tracingCore struct {
	inner  zapcore.Core
	events bool
}

var _ zapcore.Core = (*tracingCore)(nil)

// NewCore wraps inner with the tracing core. Spans whose events go to a
// logger built on it (see WithLogger) print SPAN_CREATED and SPAN_CLOSED
// only if spanEvents is true; they look the switch up when they start, so
// that with events off a span costs no event at all. A logger without a
// tracing core prints span events. Spans find the core through the cores
// around it that have an Unwrap() zapcore.Core method, as this module's
// filter and once-only cores do.
func NewCore(inner zapcore.Core, spanEvents bool) zapcore.Core {
	return &tracingCore{inner: inner, events: spanEvents}
}

// Unwrap is the core inside.
func (c *tracingCore) Unwrap() zapcore.Core { return c.inner }

func (c *tracingCore) Enabled(lvl zapcore.Level) bool { return c.inner.Enabled(lvl) }

func (c *tracingCore) Level() zapcore.Level { return zapcore.LevelOf(c.inner) }

func (c *tracingCore) With(fields []zapcore.Field) zapcore.Core {
	return &tracingCore{inner: c.inner.With(fields), events: c.events}
}

// Check hands the entry to the inner core, which adds itself: the tracing
// core has nothing to do at Write.
func (c *tracingCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	return c.inner.Check(ent, ce)
}

func (c *tracingCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	return c.inner.Write(ent, fields)
}

func (c *tracingCore) Sync() error { return c.inner.Sync() }

// eventsOn reports whether spans print their events through a logger with
// core c: the switch of the first tracing core inside it, else true.
func eventsOn(c zapcore.Core) bool {
	for c != nil {
		switch t := c.(type) {
		case *tracingCore:
			return t.events
		case interface{ Unwrap() zapcore.Core }:
			c = t.Unwrap()
		default:
			return true
		}
	}
	return true
}
