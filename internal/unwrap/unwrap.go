// Package unwrap is how the module's wrapping cores stack and find each
// other.
//
// The filter, once-only and tracing cores are stages ([Stage]): a stage
// that decides at Write hands the line to the stage inside by a method call
// ([Stage.Pass]), so that only the first core that is not a stage gets a Check
// and a nested checked entry ([CheckedWrite], the way zap's Core contract
// asks). Each stage holds, from when it is built and through With, what
// the stages inside it hold ([Held]): a call on a logger (a span's start, a
// once-only helper, filter.AtomicOf) reads it from the logger's core in
// O(1) ([HeldBy]), or through the core's Check behind a wrapper of zap's
// ([Probe]).
//
// The walk ([Find], [As]) finds a core of a given kind inside the cores
// that wrap it. It runs where a wrapper outside the module hides the
// module's cores, and only when a logger or core is set up: when a stage is
// built over such a wrapper ([Collect]), in filter.AtomicOf and
// filter.Named, in core's Close, Reload and StartTracing. Never on a log line, a span's start or a
// once-only helper's call.
//
// A core is looked into, in this order, when it
//
//   - implements [vocab.Unwrapper], Unwrap() zapcore.Core: every wrapping
//     core of this module does, and a wrapper of the user's should;
//   - is a struct, or a pointer to one, with an exported embedded field
//     Core of type zapcore.Core, as zap's hooked core (zap.Hooks,
//     zapcore.RegisterHooks) and sampler (zapcore.NewSamplerWithOptions)
//     are, and as a wrapper given to zap.WrapCore usually is;
//   - is a slice of zapcore.Core, as zapcore.NewTee's result is: its
//     cores are looked into in order, the first match winning.
//
// The last two are the only way into zap's own wrappers, which have no
// Unwrap method: the reflection reads exported fields and slice elements
// only, never an unexported field. What keeps its inner core in an
// unexported field is opaque to the walk: zap.IncreaseLevel's core, and a
// wrapper of the user's without an Unwrap method (zap.WithLazy's too, which
// [Probe] sees through). The reflection is paid on these lookups only; a
// core of this module answers through Unwrap without it.
package unwrap

import (
	"reflect"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

// maxDepth bounds the walk, so that a core that wraps itself ends it.
const maxDepth = 64

var coreType = reflect.TypeFor[zapcore.Core]()

// Find returns the first core in c, or inside it, for which match reports
// true, with match's value; ok is false when there is none.
func Find[T any](c zapcore.Core, match func(zapcore.Core) (T, bool)) (_ T, ok bool) {
	return find(c, match, 0)
}

func find[T any](c zapcore.Core, match func(zapcore.Core) (T, bool), depth int) (T, bool) {
	var zero T
	for ; c != nil && depth < maxDepth; depth++ {
		if v, ok := match(c); ok {
			return v, true
		}
		if u, ok := c.(vocab.Unwrapper); ok {
			c = u.Unwrap()
			continue
		}
		inner := Inner(c)
		switch len(inner) {
		case 0:
			return zero, false
		case 1:
			c = inner[0]
			continue
		}
		for _, ic := range inner {
			if v, ok := find(ic, match, depth+1); ok {
				return v, true
			}
		}
		return zero, false
	}
	return zero, false
}

// Inner is what c wraps as the walk sees it, by reflection alone: the
// embedded Core of a struct (or pointer to one), or the elements of a slice
// of cores. nil if c wraps nothing it can see.
func Inner(c zapcore.Core) []zapcore.Core {
	v := reflect.ValueOf(c)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Struct:
		f, ok := v.Type().FieldByName("Core")
		if !ok || !f.Anonymous || !f.IsExported() || f.Type != coreType || len(f.Index) != 1 {
			return nil
		}
		if ic, ok := v.FieldByIndex(f.Index).Interface().(zapcore.Core); ok && ic != nil {
			return []zapcore.Core{ic}
		}
	case reflect.Slice:
		if v.Type().Elem() != coreType {
			return nil
		}
		out := make([]zapcore.Core, 0, v.Len())
		for i := range v.Len() {
			if ic, ok := v.Index(i).Interface().(zapcore.Core); ok && ic != nil {
				out = append(out, ic)
			}
		}
		return out
	}
	return nil
}

// As is Find for a core of type T itself.
func As[T zapcore.Core](c zapcore.Core) (T, bool) {
	return Find(c, func(c zapcore.Core) (T, bool) {
		t, ok := c.(T)
		return t, ok
	})
}
