package tracing

import (
	"strings"

	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap/zapcore"
)

// SpanEvents says which lifecycle events spans print, and in which form,
// through the loggers built on a tracing core (see [NewCore]).
type SpanEvents int

const (
	// EventsOff: spans print no events. Dynamo's default.
	EventsOff SpanEvents = iota
	// EventsDynamo is today's Dynamo JSONL form: SPAN_FIRST_ENTRY when the
	// span is first entered and SPAN_CLOSED when it ends, at the span's
	// level and target; SPAN_CLOSED carries the integers time.busy_us,
	// time.idle_us and time.duration_us.
	EventsDynamo
	// EventsReadable is tracing-subscriber's form, which Dynamo's readable
	// layout prints: SPAN_FIRST_ENTRY under the target "span_event", and at
	// the end "close" under the span's target with the durations
	// time.busy and time.idle written as tracing-subscriber writes them
	// ("29.6µs", "131µs", "2.00s").
	EventsReadable
	// Events2025 is the form of Dynamo's 2025 logging guide: SPAN_CREATED
	// when the span starts and SPAN_CLOSED as in [EventsDynamo].
	Events2025
)

// String names the form: off, dynamo, readable or 2025.
func (e SpanEvents) String() string {
	switch e {
	case EventsOff:
		return "off"
	case EventsDynamo:
		return "dynamo"
	case EventsReadable:
		return "readable"
	case Events2025:
		return "2025"
	}
	return "SpanEvents(?)"
}

// tracingCore is the tracing core, between the once-only core and the
// encoder's core. Lines carry their span through Ctx; what the core adds is
// which span events the loggers built on it print.
type tracingCore struct {
	inner  zapcore.Core
	next   unwrap.Stage // inner as a stage, nil if it is not one
	events SpanEvents
	// held is what this core and the stages inside it hold; held.Tracing
	// is this core's *coreConfig.
	held *unwrap.Held
}

var (
	_ unwrap.Stage    = (*tracingCore)(nil)
	_ vocab.Unwrapper = (*tracingCore)(nil)
)

// CoreOption configures [NewCore].
type CoreOption interface {
	apply(coreConfig) coreConfig
}

type coreConfig struct {
	events  SpanEvents
	service string // "": none given
}

type coreOptionFunc func(coreConfig) coreConfig

func (f coreOptionFunc) apply(c coreConfig) coreConfig { return f(c) }

// WithSpanEvents makes the spans of the loggers built on the core print the
// events of the given form; without it they print none ([EventsOff]).
func WithSpanEvents(events SpanEvents) CoreOption {
	return coreOptionFunc(func(c coreConfig) coreConfig { c.events = events; return c })
}

// WithServiceName names the service the loggers built on the core log for
// (leading and trailing white space dropped; blank names none):
// [Middleware] files the span of a request whose context logger is unnamed
// under it. Package core passes OTEL_SERVICE_NAME, as its settings read
// it. Without it, that span goes under the program's name.
func WithServiceName(name string) CoreOption {
	name = strings.TrimSpace(name)
	return coreOptionFunc(func(c coreConfig) coreConfig { c.service = name; return c })
}

// NewCore wraps inner with the tracing core, whose loggers' spans print the
// events of the form [WithSpanEvents] gives, none without it. Spans look the
// form up when they start, so that with events off a span costs no event
// at all. A logger without a tracing core prints [EventsDynamo]. Spans find
// the core through the cores around it that implement [vocab.Unwrapper], as
// this module's filter and once-only cores do.
func NewCore(inner zapcore.Core, opts ...CoreOption) zapcore.Core {
	c := new(coreConfig)
	for _, o := range opts {
		*c = o.apply(*c)
	}
	return &tracingCore{inner: inner, next: unwrap.StageOf(inner), events: c.events, held: unwrap.Collect(unwrap.Held{Tracing: c}, inner)}
}

// Unwrap is the core inside ([vocab.Unwrapper]): the way into the cores
// inside for a lookup that starts at a wrapper outside this module.
func (c *tracingCore) Unwrap() zapcore.Core { return c.inner }

// Held is what this core and the stages inside it hold ([unwrap.Stage]):
// spans find the core's settings there when they start.
func (c *tracingCore) Held() *unwrap.Held { return c.held }

func (c *tracingCore) Enabled(lvl zapcore.Level) bool { return c.inner.Enabled(lvl) }

// Open is the stage inside's answer ([unwrap.Stage]).
func (c *tracingCore) Open() bool { return c.next != nil && c.next.Open() }

func (c *tracingCore) Level() zapcore.Level { return zapcore.LevelOf(c.inner) }

func (c *tracingCore) With(fields []zapcore.Field) zapcore.Core {
	inner := c.inner.With(fields)
	return &tracingCore{inner: inner, next: unwrap.StageOf(inner), events: c.events, held: c.held}
}

// Check hands the entry to the inner core, which adds itself; but a span
// event this core prints in another form than it is written in passes
// through the core's Write, which rewrites it.
func (c *tracingCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if unwrap.Answer(ent.Level, ce, c.held) {
		return ce
	}
	if c.events != EventsDynamo && isEventMessage(ent.Message) {
		if c.inner.Enabled(ent.Level) {
			return ce.AddCore(ent, c)
		}
		return ce
	}
	return c.inner.Check(ent, ce)
}

// Pass is Check and Write in one call, for a stage around this one
// ([unwrap.Stage]).
func (c *tracingCore) Pass(ent zapcore.Entry, fields []zapcore.Field) error {
	if c.events != EventsDynamo && isEventMessage(ent.Message) {
		if !c.inner.Enabled(ent.Level) {
			return nil
		}
		return c.Write(ent, fields)
	}
	return c.pass(ent, fields)
}

// Write rewrites a span event into the core's form (or drops it, when the
// core prints none); other lines go to the inner core unchanged.
func (c *tracingCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	if c.events != EventsDynamo && isEventMessage(ent.Message) {
		if m := markOf(fields); m != nil {
			var ok bool
			if ent, fields, ok = rewriteEvent(c.events, m, ent, fields); !ok {
				return nil
			}
		}
	}
	// The entry, rewritten or not, goes on to the stage inside, or through
	// the inner core's Check, as any entry does, so that what decides there
	// (a sampler, a tee member with a level of its own) decides for it too;
	// the inner cores' write errors come back for zap to report.
	return c.pass(ent, fields)
}

// pass hands a line on to the stage inside, or else to the inner core's
// Check.
func (c *tracingCore) pass(ent zapcore.Entry, fields []zapcore.Field) error {
	if c.next != nil {
		return c.next.Pass(ent, fields)
	}
	return unwrap.CheckedWrite(c.inner, ent, fields)
}

func (c *tracingCore) Sync() error { return c.inner.Sync() }

// eventsOf is the form of span events a logger with core c prints, read in
// O(1) from c ([unwrap.HeldBy]): the outermost tracing core's, EventsDynamo
// when c's stack has none. Behind a wrapper that hides the module's cores
// (zap.Hooks, zap's sampler, a tee, a zap.WrapCore wrapper without Unwrap)
// it is EventsDynamo too, without a walk: the span writes its events, and
// each tracing core they reach prints or drops them in its own form.
func eventsOf(c zapcore.Core) SpanEvents {
	if h := unwrap.HeldBy(c); h != nil {
		if cfg, ok := h.Tracing.(*coreConfig); ok {
			return cfg.events
		}
	}
	return EventsDynamo
}

// serviceOf is the service name of the outermost tracing core of c's stack
// ([WithServiceName]), read in O(1) from c, or asked through its Check
// behind a wrapper of zap's ([unwrap.Probe]); "" if none names one.
func serviceOf(c zapcore.Core) string {
	h := unwrap.HeldBy(c)
	if h == nil {
		h = unwrap.Probe(c)
	}
	if h != nil {
		if cfg, ok := h.Tracing.(*coreConfig); ok {
			return cfg.service
		}
	}
	return ""
}
