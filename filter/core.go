package filter

import (
	"os"
	"sync/atomic"

	"github.com/dynlog/dynlog/internal/target"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// filterCore is the gate of DESIGN §1: it decides by target and level and
// hands what passes to the inner core.
type filterCore struct {
	inner    zapcore.Core
	filter   *Atomic
	bound    *binding      // nil unless made by Named
	deferred *deferredCore // this core, deciding at Write
}

func newFilterCore(inner zapcore.Core, a *Atomic, b *binding) *filterCore {
	c := &filterCore{inner: inner, filter: a, bound: b}
	c.deferred = &deferredCore{c}
	return c
}

var _ zapcore.Core = (*filterCore)(nil)

// NewCore returns a core that passes to inner only the entries f allows for
// their target (the logger's name, or for unnamed loggers the caller's
// package), and none that Suppress suppresses.
func NewCore(inner zapcore.Core, f *Filter) zapcore.Core {
	return NewAtomicCore(inner, NewAtomic(f))
}

// NewAtomicCore is NewCore with a filter that can be replaced at run time
// through a.
func NewAtomicCore(inner zapcore.Core, a *Atomic) zapcore.Core {
	return newFilterCore(inner, a, nil)
}

// Enabled is the cheapest superset of Check: for a bound logger its
// target's level (and its children's), otherwise the lowest level any target
// prints at.
func (c *filterCore) Enabled(lvl zapcore.Level) bool {
	if c.bound != nil {
		_, subtree := c.bound.levels(c.filter)
		return lvl >= subtree && c.inner.Enabled(lvl)
	}
	return lvl >= max(c.filter.Load().min, suppressedBelow()) && c.inner.Enabled(lvl)
}

func (c *filterCore) Level() zapcore.Level { return zapcore.LevelOf(c.inner) }

func (c *filterCore) With(fields []zapcore.Field) zapcore.Core {
	return newFilterCore(c.inner.With(fields), c.filter, c.bound)
}

func (c *filterCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.bound != nil && ent.LoggerName == c.bound.target {
		if exact, _ := c.bound.levels(c.filter); ent.Level < exact {
			return ce
		}
		return c.inner.Check(ent, ce)
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
	if ent.Level < f.Level(ent.LoggerName) {
		return ce
	}
	return c.inner.Check(ent, ce)
}

// Write is never called on the gate itself: Check hands entries to the
// inner core or to a deferredCore.
func (c *filterCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	return c.inner.Write(ent, fields)
}

func (c *filterCore) Sync() error { return c.inner.Sync() }

// deferredCore finishes the decision for an unnamed logger's entry once zap
// has filled in the caller.
type deferredCore struct{ *filterCore }

func (d *deferredCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	if ent.Level < d.filter.Load().Level(target.Of(ent)) {
		return nil
	}
	ce := d.inner.Check(ent, nil)
	if ce == nil {
		return nil
	}
	// This nested entry has no logger to report write errors to; zap's
	// default error output is stderr.
	ce.ErrorOutput = stderr
	ce.Write(fields...)
	return nil
}

var stderr = zapcore.Lock(os.Stderr)

// binding ties a core to one target so that its levels are computed once per
// change of filter, not per call.
type binding struct {
	target string
	// cache holds epoch<<16 | uint8(exact)<<8 | uint8(subtree): the levels
	// as of that epoch.
	cache atomic.Uint64
}

// levels returns the lowest level printed for the target itself (exact) and
// for it or any longer name (subtree), suppression included.
func (b *binding) levels(a *Atomic) (exact, subtree zapcore.Level) {
	e := epoch.Load()
	if c := b.cache.Load(); c>>16 == e {
		return zapcore.Level(int8(uint8(c >> 8))), zapcore.Level(int8(uint8(c)))
	}
	f, floor := a.Load(), suppressedBelow()
	exact, subtree = max(f.Level(b.target), floor), max(f.subtreeLevel(b.target), floor)
	b.cache.Store(e<<16 | uint64(uint8(int8(exact)))<<8 | uint64(uint8(int8(subtree))))
	return exact, subtree
}

// Named is l.Named(name) with the filter's level for the new name bound
// into the logger: a call the filter rejects then costs what zap's disabled
// call costs, one comparison. The binding follows Atomic.Store and
// Suppress. Names added later with zap's own Named still work, through the
// filter's per-name cache. If l has no filter core, Named is l.Named(name).
func Named(l *zap.Logger, name string) *zap.Logger {
	nl := l.Named(name)
	full := nl.Name()
	return nl.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		fc, ok := c.(*filterCore)
		if !ok {
			return c
		}
		return newFilterCore(fc.inner, fc.filter, &binding{target: full})
	}))
}
