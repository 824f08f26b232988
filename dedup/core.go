package dedup

import (
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap/zapcore"
)

// onceCore is the once-only core, between the filter and the
// tracing core. Plain lines pass through; a line that carries the [Once]
// marker prints only on the ranks its scope allows, and only the first
// time its key is seen.
//
// zap shows a core a line's fields only at Write, so the core cannot decide
// in Check: it adds itself for every level its inner core is enabled for,
// and at Write scans the fields for the marker, checks the scope, builds
// the key, inserts it (of two goroutines racing with the same key exactly
// one wins; the other drops its line) and writes the fields without the
// marker. It hands what it writes to the tracing core inside by a method
// call, or else through its inner core's Check, as zap's Core contract asks
// (internal/unwrap's CheckedWrite): a sampler, a level of a tee's member or any
// other decision of the inner core's Check holds for every line it writes,
// and the inner cores' write errors come back from Write, for zap to report
// to the logger's ErrorOutput. Loggers derived with With or Named share its
// state.
//
// The marker (see [Once]) is a zapcore.SkipType field, which every encoder,
// zap's and package encoder's, writes nothing for, told apart from
// zap.Skip() by an unexported value. Given to With it marks nothing.
type onceCore struct {
	inner zapcore.Core
	next  unwrap.Stage // inner as a stage, nil if it is not one
	state *state
}

// state is what a core and every core derived from it with With share.
type state struct {
	cache *cache
	ranks *Ranks // nil: none given, see ranksFor
	// held is what this core and the stages inside it hold; held.Once is
	// this state.
	held *unwrap.Held
}

var (
	_ unwrap.Stage    = (*onceCore)(nil)
	_ vocab.Unwrapper = (*onceCore)(nil)
)

// NewCore wraps inner with the once-only core: a line with the [Once] marker
// among its fields prints the first time its key (logger name, level,
// message, fields) is seen, on the ranks its scope allows, and never again
// while the key is remembered; the marker itself is never written. Other
// lines pass to inner untouched. Loggers derived with With and Named share
// the memory of the logger they came from.
//
// The decision needs the fields, which zap shows a core only at Write, so
// the core adds itself in Check for every entry inner is Enabled for, and
// at Write hands the lines it prints to inner's Check, whose cores write
// them: whatever inner's Check decides (a sampler, a tee member's level)
// holds as it would without the once-only core. A suppressed line never
// reaches inner's Check. Level gates such as the filter core go outside.
func NewCore(inner zapcore.Core, opts ...Option) zapcore.Core {
	c := newConfig(opts)
	st := &state{cache: newCache(c.maxKeys, c.maxBytes), ranks: c.ranks}
	st.held = unwrap.Collect(unwrap.Held{Once: st}, inner)
	return &onceCore{inner: inner, next: unwrap.StageOf(inner), state: st}
}

// Unwrap is the core inside ([vocab.Unwrapper]): the way into the cores
// inside for a lookup that starts at a wrapper outside this module.
func (c *onceCore) Unwrap() zapcore.Core { return c.inner }

// Held is what this core and the stages inside it hold ([unwrap.Stage]):
// [InfoOnce] and its kin find this core's memory there.
func (c *onceCore) Held() *unwrap.Held { return c.state.held }

func (c *onceCore) Enabled(lvl zapcore.Level) bool { return c.inner.Enabled(lvl) }

// Open is the stage inside's answer ([unwrap.Stage]).
func (c *onceCore) Open() bool { return c.next != nil && c.next.Open() }

func (c *onceCore) Level() zapcore.Level { return zapcore.LevelOf(c.inner) }

// With shares the memory: a once-only line logged through any logger of the
// family prints once for all of them. The fields given here are not part of
// any key, and a [Once] marker among them marks nothing.
func (c *onceCore) With(fields []zapcore.Field) zapcore.Core {
	inner := c.inner.With(fields)
	return &onceCore{inner: inner, next: unwrap.StageOf(inner), state: c.state}
}

// Check adds the core itself for every level inner prints: whether the line
// is once-only is known only at Write, from its fields.
func (c *onceCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if unwrap.Answer(ent.Level, ce, c.state.held) {
		return ce
	}
	if c.inner.Enabled(ent.Level) {
		return ce.AddCore(ent, c)
	}
	return ce
}

// Pass is Check and Write in one call, for a stage around this one
// ([unwrap.Stage]).
func (c *onceCore) Pass(ent zapcore.Entry, fields []zapcore.Field) error {
	if !c.inner.Enabled(ent.Level) {
		return nil
	}
	return c.Write(ent, fields)
}

// Write decides a once-only line and hands what prints to the stage inside,
// or else to the inner core's Check ([unwrap.CheckedWrite]).
func (c *onceCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	i := markerIndex(fields)
	if i < 0 {
		return c.pass(ent, fields)
	}
	if !ranksFor(c.state.ranks).Prints(Scope(fields[i].Integer)) {
		return nil
	}
	// The pooled builder, not keyOf's buffer on the stack: in this frame,
	// below which the line is encoded and written, the buffer made a
	// first-time line slower, where it made a repeated helper call faster.
	k := getKey()
	k.entry(ent.LoggerName, ent.Level, ent.Message, fields)
	first := c.state.cache.insert(k.b)
	putKey(k)
	if !first {
		return nil
	}
	return c.pass(ent, withoutMarkers(fields, i))
}

// pass hands a line the core keeps to the stage inside, or else to the
// inner core's Check.
func (c *onceCore) pass(ent zapcore.Entry, fields []zapcore.Field) error {
	if c.next != nil {
		return c.next.Pass(ent, fields)
	}
	return unwrap.CheckedWrite(c.inner, ent, fields)
}

func (c *onceCore) Sync() error { return c.inner.Sync() }

// dedupState is the state of the outermost once-only core of c's stack,
// nil if it has none: read in O(1) from c ([unwrap.HeldBy]), or, when c is
// a wrapper that hides the module's cores (zap.Hooks, zap's sampler, a tee,
// zap.WithLazy, a zap.WrapCore wrapper without Unwrap), asked through c's
// Check ([unwrap.Probe]), without the reflective walk.
func dedupState(c zapcore.Core) *state {
	h := unwrap.HeldBy(c)
	if h == nil {
		h = unwrap.Probe(c)
	}
	if h != nil {
		st, _ := h.Once.(*state)
		return st
	}
	return nil
}
