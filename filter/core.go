package filter

import (
	"sync/atomic"

	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/target"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// filterCore is the outermost gate of the core stack: it decides by target, level and
// spans in scope, and hands what passes to the inner core.
type filterCore struct {
	inner    zapcore.Core
	next     unwrap.Stage // inner as a stage, nil if it is not one
	filter   *Atomic
	bound    *binding      // nil unless made by Named
	deferred *deferredCore // this core, deciding at Write
	// spans is the last spans field given to With, if any: the spans in
	// scope for lines that carry none of their own.
	spans *vocab.Spans
	// nested is set once With has opened a namespace: the encoders then
	// read a later spans field as a plain nested object, and so do we.
	nested bool
	// held is what this core and the stages inside it hold.
	held *unwrap.Held
	// face is the core a logger holds: this one, or the openCore whose
	// part it is.
	face zapcore.Core
}

// openCore is an unbound filter core whose inner core is enabled at every
// level ([unwrap.Stage.Open]): the cores package core builds. Its Enabled
// is the filter's alone and calls nothing, so that a disabled call costs
// what zap's costs over a core that is never enabled.
type openCore struct{ filterCore }

// derive returns a core like c over inner, bound to b, holding held: an
// openCore's part when it can be one.
func (c *filterCore) derive(inner zapcore.Core, b *binding, held *unwrap.Held) *filterCore {
	next := unwrap.StageOf(inner)
	var d *filterCore
	var face zapcore.Core
	if b == nil && next != nil && next.Open() {
		o := new(openCore)
		d, face = &o.filterCore, o
	} else {
		d = new(filterCore)
		face = d
	}
	*d = filterCore{inner: inner, next: next, filter: c.filter, bound: b, spans: c.spans, nested: c.nested, held: held, face: face}
	d.deferred = &deferredCore{d}
	return d
}

// gateOf is c as a filter core, whichever face it shows.
func gateOf(c zapcore.Core) (*filterCore, bool) {
	switch g := c.(type) {
	case *filterCore:
		return g, true
	case *openCore:
		return &g.filterCore, true
	}
	return nil, false
}

var (
	_ unwrap.Stage = (*filterCore)(nil)
	_ unwrap.Stage = (*openCore)(nil)
)

// NewCore returns a core that passes to inner only the entries f allows for
// their target (the logger's name, or for unnamed loggers the caller's
// package) and the spans in scope (an [vocab.SpansField] on the call or
// given to With), and none that [Suppress] suppresses.
func NewCore(inner zapcore.Core, f *Filter) zapcore.Core {
	return NewAtomicCore(inner, NewAtomic(f))
}

// NewAtomicCore is [NewCore] with a filter that can be replaced at run time
// through a.
func NewAtomicCore(inner zapcore.Core, a *Atomic) zapcore.Core {
	return (&filterCore{filter: a}).derive(inner, nil, unwrap.Collect(unwrap.Held{Filter: a}, inner)).face
}

// Held is what this core and the stages inside it hold ([unwrap.Stage]).
func (c *filterCore) Held() *unwrap.Held { return c.held }

// Enabled is the cheapest superset of Check: for a bound logger the lowest
// level its target or its children print at, by a target directive or, in
// the right span, a span directive; otherwise the lowest level any
// directive prints at.
func (c *filterCore) Enabled(lvl zapcore.Level) bool {
	if c.bound != nil {
		return lvl >= c.bound.enabled(c.filter) && c.inner.Enabled(lvl)
	}
	// The filter's floor first: a call below it, the usual disabled one,
	// reads nothing else.
	return int32(lvl) >= c.filter.min.Load() && lvl >= suppressedBelow() && c.inner.Enabled(lvl)
}

// Enabled is the filter core's with the inner core left out: it is
// enabled at every level.
func (c *openCore) Enabled(lvl zapcore.Level) bool {
	return int32(lvl) >= c.filter.min.Load() && lvl >= suppressedBelow()
}

// Open is false: the filter core is the gate ([unwrap.Stage]).
func (c *filterCore) Open() bool { return false }

func (c *filterCore) Level() zapcore.Level { return zapcore.LevelOf(c.inner) }

func (c *filterCore) With(fields []zapcore.Field) zapcore.Core {
	d := c.derive(c.inner.With(fields), c.bound, c.held)
	if !d.nested {
		d.spans, d.nested = scanSpans(fields, d.spans)
	}
	return d.face
}

func (c *filterCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if unwrap.Answer(ent.Level, ce, c.held) {
		return ce
	}
	if c.bound != nil && ent.LoggerName == c.bound.target {
		exact, span := c.bound.levels(c.filter)
		if ent.Level >= exact {
			return c.inner.Check(ent, ce)
		}
		if ent.Level < span {
			return ce
		}
		// Only a span directive can let it through: the spans are among
		// the fields, which Write sees.
		return ce.AddCore(ent, c.deferred)
	}
	if ent.Level < suppressedBelow() {
		return ce
	}
	f := c.filter.Load()
	if ent.LoggerName == "" && ent.Level < f.max {
		// An unnamed logger's target is its caller's package, which zap
		// finds only after Check. Decide at Write, when it is known.
		if ent.Level < f.min {
			return ce
		}
		return ce.AddCore(ent, c.deferred)
	}
	// levelsOf, with its cache's half written out: it is this call's
	// cost for a named logger.
	lv, ok := f.recentLevels(ent.LoggerName)
	if !ok {
		lv = f.lookupLevels(ent.LoggerName)
	}
	if ent.Level >= lv.own {
		return c.inner.Check(ent, ce)
	}
	if ent.Level < lv.span {
		return ce
	}
	return ce.AddCore(ent, c.deferred)
}

// Write is never called on the gate itself: Check hands entries to the
// inner core or to a deferredCore. Called directly (by a wrapper that
// writes to its inner core's Write, or as the Write zap's sampler takes
// from the core it embeds), it writes to the inner core, unfiltered.
func (c *filterCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	return c.inner.Write(ent, fields)
}

func (c *filterCore) Sync() error { return c.inner.Sync() }

// Pass is Check and Write in one call, for a stage around this one
// ([unwrap.Stage]): what Check would reject goes no further, what it would
// hand on goes on, and what it would decide at Write is decided now.
func (c *filterCore) Pass(ent zapcore.Entry, fields []zapcore.Field) error {
	if c.bound != nil && ent.LoggerName == c.bound.target {
		exact, span := c.bound.levels(c.filter)
		switch {
		case ent.Level >= exact:
			return c.pass(ent, fields)
		case ent.Level < span:
			return nil
		}
		return c.deferred.Write(ent, fields)
	}
	if ent.Level < suppressedBelow() {
		return nil
	}
	return c.deferred.Write(ent, fields)
}

// deferredCore finishes the decision at Write, where what Check could not
// know is known: an unnamed logger's caller, and the spans among the
// line's fields.
type deferredCore struct{ *filterCore }

func (d *deferredCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	f := d.filter.Load()
	tgt := target.Of(ent)
	if lv := f.levelsOf(tgt); ent.Level < lv.own {
		if ent.Level < lv.span {
			return nil
		}
		s := d.spans
		if !d.nested {
			s, _ = scanSpans(fields, s)
		}
		if s == nil || ent.Level < f.spanLevel(tgt, s.Chain) {
			return nil
		}
	}
	// On to the stage inside, or through the inner core's Check, as zap's
	// contract asks; the write errors go back to zap, which reports them
	// to the logger's ErrorOutput.
	return d.pass(ent, fields)
}

// pass hands a line the filter keeps to the stage inside, or else to the
// inner core's Check.
func (c *filterCore) pass(ent zapcore.Entry, fields []zapcore.Field) error {
	if c.next != nil {
		return c.next.Pass(ent, fields)
	}
	return unwrap.CheckedWrite(c.inner, ent, fields)
}

// scanSpans returns the spans field that the encoders of package encoder
// would take from fields, read after a context whose spans are s: the last
// vocab.SpansField before any namespace, else s. nested reports whether
// fields open a namespace, after which no spans field counts.
func scanSpans(fields []zapcore.Field, s *vocab.Spans) (_ *vocab.Spans, nested bool) {
	for i := range fields {
		switch fields[i].Type {
		case zapcore.NamespaceType:
			return s, true
		case zapcore.ObjectMarshalerType:
			if fields[i].Key != vocab.SpansKey {
				continue
			}
			if fs, ok := fields[i].Interface.(*vocab.Spans); ok {
				s = fs
			}
		}
	}
	return s, false
}

// binding ties a core to one target so that its levels are computed once per
// change of filter, not per call.
type binding struct {
	target string
	// cache holds epoch<<24 | uint8(exact)<<16 | uint8(span)<<8 |
	// uint8(enabled): the levels as of that epoch.
	cache atomic.Uint64
}

// enabled is the lowest level that the target or any longer name prints at,
// by a target directive or a span directive, suppression included: what
// Enabled lets through.
func (b *binding) enabled(a *Atomic) zapcore.Level {
	e := epoch.Load()
	if c := b.cache.Load(); c>>24 == e {
		return zapcore.Level(int8(uint8(c)))
	}
	return b.compute(a).enabled
}

// levels returns the lowest level printed for the target itself by the
// target directives (exact) and by a span directive inside the right span
// (span), suppression included.
func (b *binding) levels(a *Atomic) (exact, span zapcore.Level) {
	e := epoch.Load()
	if c := b.cache.Load(); c>>24 == e {
		return zapcore.Level(int8(uint8(c >> 16))), zapcore.Level(int8(uint8(c >> 8)))
	}
	l := b.compute(a)
	return l.exact, l.span
}

type boundLevels struct{ exact, span, enabled zapcore.Level }

func (b *binding) compute(a *Atomic) boundLevels {
	// The epoch is read before the filter, so that a change after the read
	// leaves a stale epoch in the cache, never a stale filter under a new one.
	e := epoch.Load()
	f, floor := a.Load(), suppressedBelow()
	lv := f.levelsOf(b.target)
	l := boundLevels{
		exact:   max(lv.own, floor),
		span:    max(lv.span, floor),
		enabled: max(f.subtreeLevel(b.target), floor),
	}
	b.cache.Store(e<<24 | uint64(uint8(int8(l.exact)))<<16 | uint64(uint8(int8(l.span)))<<8 | uint64(uint8(int8(l.enabled))))
	return l
}

// Named is l.Named(name) with the filter's level for the new name bound
// into the logger: a call the filter rejects then costs what zap's disabled
// call costs, one comparison. A span directive that can match the name
// lowers that level to its own; a call it alone lets past is decided at
// Write, by the spans in scope. The binding follows every change of the
// [Atomic] and [Suppress]. Names added later with zap's own Named still work,
// through the filter's per-name cache.
//
// When l's core wraps the filter core ([zap.Hooks], zap's sampler, a
// [zap.WrapCore] wrapper, a tee: see [AtomicOf]), the bound gate goes around
// the whole core, over the same [Atomic], and the inner filter core decides
// again what the bound gate lets through, with the same answer; finding
// the filter core there takes a walk of the cores, once per Named call. If
// l has no filter core, Named is l.Named(name).
func Named(l *zap.Logger, name string) *zap.Logger {
	nl := l.Named(name)
	full := nl.Name()
	return nl.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		if fc, ok := gateOf(c); ok {
			return fc.derive(fc.inner, &binding{target: full}, fc.held).face
		}
		// Behind a foreign wrapper: the walk, once per Named call.
		fc, ok := unwrap.Find(c, gateOf)
		if !ok {
			return c
		}
		return fc.derive(c, &binding{target: full}, unwrap.Collect(unwrap.Held{Filter: fc.filter}, c)).face
	}))
}
