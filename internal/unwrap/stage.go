package unwrap

import (
	"cmp"
	"sync"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

// Stage is a wrapping core of this module (the filter, once-only and
// tracing cores, and package core's held core inside them). Stacked, they take a line in one pass: a stage that
// decides at Write hands what it keeps to the stage inside it through
// Pass, a method call, and only the first core that is not a stage gets a
// Check and a nested checked entry ([StageOf], [CheckedWrite]). A line through the filter,
// once-only and tracing cores thus meets at most one nested
// CheckedEntry.Write, the sink's; none when the innermost stage is package
// core's held core over core's own sink, whose Check it knows to be a level
// test, and which it writes directly.
type Stage interface {
	zapcore.Core
	// Pass is the core's Check and, if Check would have kept the entry,
	// its Write: the decisions of both, then the entry passed on to the
	// stage inside or the inner core's Check. It returns the write errors
	// of the cores that wrote.
	Pass(ent zapcore.Entry, fields []zapcore.Field) error
	// Held is what this stage and the stages inside it hold, the same for
	// every core derived from it with With.
	Held() *Held
	// Open reports whether Enabled is true at every level, for this core
	// and every core derived from it with With: a stage that passes
	// Enabled on to the stage inside says what that one says. The filter
	// core then leaves the inner core out of its own Enabled.
	Open() bool
}

// StageOf is c as a stage, nil if it is not one. A stage keeps its inner
// core's, found when it is built or derived with With, so that passing a
// line on costs no type assertion: to the stage inside through Pass, else
// through the inner core's Check ([CheckedWrite]).
func StageOf(c zapcore.Core) Stage {
	s, _ := c.(Stage)
	return s
}

// Held is what the stages of one stack hold that a call on a logger needs
// (a span's start, a once-only helper, the filter's handle), so that the
// outermost stage answers in O(1) instead of a walk. Each field is the
// outermost stage's of its kind, nil when the stack has none; the walk
// ([Find]) would find the same.
type Held struct {
	// Filter is the outermost filter core's *filter.Atomic.
	Filter any
	// Once is the outermost once-only core's memory (package dedup's).
	Once any
	// Tracing is the outermost tracing core's settings (package
	// tracing's).
	Tracing any
	// Logger is what the builder of the logger keeps with it (package
	// core's state: its layout, file, export), given by a [Holder] inside
	// the stages.
	Logger any
}

// Holder is a core that holds what its stack holds without being a stage:
// every [Stage], and package core's innermost core, which holds the
// logger's own state. The stages outside it copy what it holds when they
// are built.
type Holder interface {
	Held() *Held
}

// HeldBy is what the stages of c's stack hold: c's own when c is a stage;
// else, when c implements [vocab.Unwrapper] (the module's other wrapping
// cores: a log file's, a bridge's target), the stage it wraps; nil
// otherwise. It never walks: behind a wrapper of zap's (zap.Hooks, the
// sampler, a tee) or one of the user's without Unwrap, it answers nil, and
// the caller does without the lookup. Call it on a per-call path.
func HeldBy(c zapcore.Core) *Held {
	if s, ok := c.(Holder); ok {
		return s.Held()
	}
	if u, ok := c.(vocab.Unwrapper); ok {
		if s, ok := u.Unwrap().(Holder); ok {
			return s.Held()
		}
	}
	return nil
}

// Collect is the Held of a stage being built over inner, which holds own
// itself (the non-nil fields of own win): the rest is inner's, through
// [HeldBy], or, behind a foreign wrapper, found by the walk, which runs
// here, when the stage is built, never on a line.
func Collect(own Held, inner zapcore.Core) *Held {
	h := own
	if in := HeldBy(inner); in != nil {
		h.Filter = cmp.Or(h.Filter, in.Filter)
		h.Once = cmp.Or(h.Once, in.Once)
		h.Tracing = cmp.Or(h.Tracing, in.Tracing)
		h.Logger = cmp.Or(h.Logger, in.Logger)
		return &h
	}
	field := func(get func(*Held) any) any {
		v, _ := Find(inner, func(c zapcore.Core) (any, bool) {
			if s, ok := c.(Holder); ok {
				v := get(s.Held())
				return v, v != nil
			}
			return nil, false
		})
		return v
	}
	if h.Filter == nil {
		h.Filter = field(func(h *Held) any { return h.Filter })
	}
	if h.Once == nil {
		h.Once = field(func(h *Held) any { return h.Once })
	}
	if h.Tracing == nil {
		h.Tracing = field(func(h *Held) any { return h.Tracing })
	}
	if h.Logger == nil {
		h.Logger = field(func(h *Held) any { return h.Logger })
	}
	return &h
}

// probeLevel is a probe's level: above zap's FatalLevel, so that zap's
// sampler neither counts nor drops it, and every level gate lets it
// through.
const probeLevel = zapcore.FatalLevel + 1

// probe is a probe's error output, which the first stage that sees the
// probe fills in. zap sets a checked entry's ErrorOutput only after Check,
// so inside Check it is the probe's alone.
type probe struct {
	ce   zapcore.CheckedEntry
	held *Held
}

func (*probe) Write(p []byte) (int, error) { return len(p), nil }
func (*probe) Sync() error                 { return nil }

var probePool = sync.Pool{New: func() any { return new(probe) }}

// Probe is [HeldBy] for a core that hides the module's cores behind a
// wrapper of zap's or the user's (zap.Hooks, the sampler, a tee,
// zap.WithLazy, a zap.WrapCore wrapper): it asks c's Check with a probe
// entry, which every wrapper hands down to the cores it wraps as zap's Core
// contract asks, and the first stage it reaches answers with its Held
// ([Answer]) and lets it go no further. nil when no stage answers. It costs
// a Check down the wrappers, no reflection, and writes nothing: the
// once-only helpers call it per call when HeldBy cannot answer.
func Probe(c zapcore.Core) *Held {
	p := probePool.Get().(*probe)
	p.ce.ErrorOutput = p
	c.Check(zapcore.Entry{Level: probeLevel}, &p.ce)
	h := p.held
	// Wrappers may have added themselves (zap.Hooks does): the probe is
	// never written, and keeps none of them.
	p.ce, p.held = zapcore.CheckedEntry{}, nil
	probePool.Put(p)
	return h
}

// Answer is the first thing a stage's Check does: when lvl and ce are a
// [Probe]'s, it answers with h, the stage's Held, unless a stage before it
// has, and reports true; the stage then returns ce unchanged.
func Answer(lvl zapcore.Level, ce *zapcore.CheckedEntry, h *Held) bool {
	if lvl != probeLevel || ce == nil {
		return false
	}
	p, ok := ce.ErrorOutput.(*probe)
	if !ok {
		return false
	}
	if p.held == nil {
		p.held = h
	}
	return true
}
