package filter

import (
	"sort"
	"strings"
	"sync/atomic"
	"unsafe"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

// Filter is a compiled set of directives: immutable, safe for concurrent use.
// Build one with [Parse] or [New]; swap filters at run time with [Atomic].
type Filter struct {
	targets []Directive // target directives, longest target first
	spans   []Directive // span directives, in the order given
	// index finds the directives that apply to a target by walking its
	// bytes, so that matching costs what the target's length does, not
	// what the number of directives does.
	index  *node
	def    zapcore.Level
	hasDef bool
	// defSource is the default directive's Source.
	defSource string
	// warnings are what Warnings reports, computed once by New.
	warnings []string
	// min is the lowest level any line can print at, by a target or a span
	// directive: what a core's Enabled, which knows no target, must let
	// through.
	min zapcore.Level
	// max is the lowest level every target prints at: at or above it no
	// target needs to be known, and no span either.
	max zapcore.Level

	// recent holds the levels of the names looked up, keyed by where a
	// name's bytes are rather than by what they say: a logger hands its
	// core the same name string on every call, so after its first call a
	// pointer comparison finds its levels. The first name at an address
	// keeps the slot; a name whose slot another holds, or made elsewhere
	// with equal bytes, walks the index, which costs what hashing its bytes
	// would.
	recent [recentSlots]atomic.Pointer[cachedLevels]
}

// recentSlots is the size of Filter.recent, a power of two.
const recentSlots = 64

// cachedLevels is a target's entry in recent: the name as it was given,
// and its levels.
type cachedLevels struct {
	name string
	targetLevels
}

// targetLevels are the two levels the filter keeps per target.
type targetLevels struct {
	// own is the lowest level the target directives print for the target
	// (Level).
	own zapcore.Level
	// span is the lowest level a span directive can print the target at,
	// inside the right span; OffLevel if none applies to the target.
	span zapcore.Level
}

// New compiles directives into a filter. A later directive for the same
// target and span replaces an earlier one; a directive with neither target
// nor span sets the default level.
func New(directives ...Directive) *Filter {
	f := &Filter{}
	type key struct{ target, span string }
	last := map[key]int{}
	for i, d := range directives {
		last[key{d.Target, d.Span}] = i
	}
	for i, d := range directives {
		if last[key{d.Target, d.Span}] != i {
			continue
		}
		switch {
		case d.Span != "":
			f.spans = append(f.spans, d)
		case d.Target == "":
			f.def, f.hasDef, f.defSource = d.Level, true, d.Source
		default:
			f.targets = append(f.targets, d)
		}
	}
	// Longest first, then by name: the order Directives lists them in (the
	// index, not this order, finds the longest match).
	sort.SliceStable(f.targets, func(i, j int) bool {
		if len(f.targets[i].Target) != len(f.targets[j].Target) {
			return len(f.targets[i].Target) > len(f.targets[j].Target)
		}
		return f.targets[i].Target < f.targets[j].Target
	})
	f.min, f.max = OffLevel, OffLevel
	if f.hasDef {
		f.min, f.max = f.def, f.def
	}
	for _, d := range f.targets {
		f.min = min(f.min, d.Level)
		f.max = max(f.max, d.Level)
	}
	for _, d := range f.spans {
		f.min = min(f.min, d.Level) // span directives only widen: max stays
	}
	if !f.hasDef {
		f.max = OffLevel // a target no directive matches prints nothing
	}
	f.index = buildIndex(f.targets, f.spans)
	f.warnings = f.check()
	return f
}

// Level is the lowest level printed for target outside any span: the level
// of the longest target directive whose target is a prefix of it, else the
// default, else [OffLevel] (nothing matches, nothing prints).
func (f *Filter) Level(target string) zapcore.Level {
	return f.levelsOf(target).own
}

// levelsOf is target's targetLevels: from recent when the same string
// took its slot, else from the index.
func (f *Filter) levelsOf(target string) targetLevels {
	if lv, ok := f.recentLevels(target); ok {
		return lv
	}
	return f.lookupLevels(target)
}

// recentLevels is target's targetLevels when the same string took its
// slot in recent. It makes no call, so that it inlines into the cores'
// Check, where an unbound logger's call is decided.
func (f *Filter) recentLevels(target string) (targetLevels, bool) {
	e := f.slotOf(target).Load()
	if e != nil && unsafe.StringData(e.name) == unsafe.StringData(target) && len(e.name) == len(target) {
		// Same bytes at the same address: the same string, as strings
		// are immutable and e keeps these bytes alive.
		return e.targetLevels, true
	}
	return targetLevels{}, false
}

// slotOf is target's slot in recent, picked by where its bytes are: heap
// strings are 8-byte aligned, so the bits above those.
func (f *Filter) slotOf(target string) *atomic.Pointer[cachedLevels] {
	return &f.recent[uintptr(unsafe.Pointer(unsafe.StringData(target)))>>3&(recentSlots-1)]
}

// lookupLevels is target's targetLevels from the index. The first name at
// an address keeps its slot in recent: at most recentSlots entries per
// filter, none made per call.
func (f *Filter) lookupLevels(target string) targetLevels {
	m := f.index.lookup(target)
	lvl := targetLevels{own: f.levelOf(m), span: m.spanFloor}
	if slot := f.slotOf(target); slot.Load() == nil {
		slot.CompareAndSwap(nil, &cachedLevels{name: target, targetLevels: lvl})
	}
	return lvl
}

// levelOf is the level that m, a target's match, gives the target outside
// any span: the longest target directive's, else the default, else
// OffLevel.
func (f *Filter) levelOf(m match) zapcore.Level {
	switch {
	case m.found:
		return m.level
	case f.hasDef:
		return f.def
	}
	return OffLevel
}

// spanLevel is the lowest level the span directives print a line of target
// at inside the chain of spans: the most permissive of the directives whose
// target is a prefix of target and whose span is named in the chain.
// OffLevel if none matches.
func (f *Filter) spanLevel(target string, chain []vocab.Span) zapcore.Level {
	return f.index.spanLevel(target, chain)
}

// Enabled reports whether a line at lvl for target passes the filter
// outside any span: the target directives alone decide.
func (f *Filter) Enabled(target string, lvl zapcore.Level) bool {
	return lvl >= f.Level(target)
}

// EnabledIn reports whether a line at lvl for target passes the filter
// inside the spans s (nil: outside any span). The line passes if the target
// directives allow it, or if a span directive does: one whose span is named
// in s.Chain and whose target, if it has one, is a prefix of target.
func (f *Filter) EnabledIn(target string, lvl zapcore.Level, s *vocab.Spans) bool {
	lv := f.levelsOf(target)
	if lvl >= lv.own {
		return true
	}
	return lvl >= lv.span && s != nil && lvl >= f.spanLevel(target, s.Chain)
}

// subtreeLevel is the lowest level printed for target or any name that
// starts with it, by the target directives or, inside the right span, by the
// span directives (those whose target is a prefix of target or starts with
// it): what a logger bound to target must let through, since zap's Named
// can extend its name without telling its core.
func (f *Filter) subtreeLevel(target string) zapcore.Level {
	m := f.index.lookup(target)
	return min(f.levelOf(m), m.spanFloor, m.below)
}

// Directives lists the directives: the default first, then targets longest
// first, then span directives in the order given.
func (f *Filter) Directives() []Directive {
	var ds []Directive
	if f.hasDef {
		ds = append(ds, Directive{Level: f.def, Source: f.defSource})
	}
	ds = append(ds, f.targets...)
	return append(ds, f.spans...)
}

// String is the filter as a DYN_LOG spec that [Parse] reads back to the same
// filter.
func (f *Filter) String() string {
	ds := f.Directives()
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return strings.Join(parts, ",")
}
