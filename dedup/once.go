package dedup

import (
	"sync"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// onceMarker tells the Once field from zap.Skip(), which has the same type.
// A zero-size value in an interface costs no allocation.
type onceMarker struct{}

// Once marks a line as once-only, with the given scope ([Local] if none; only
// the first counts):
//
//	log.Warn("falling back to the slow kernel", dedup.Once())
//	log.Info("model loaded", zap.String("model", name), dedup.Once(dedup.Global))
//
// It is a [zapcore.SkipType] field, which every encoder, ours and zap's,
// writes nothing for: without a once-only core in the logger the line
// prints as if the field were not there, every time.
func Once(scope ...Scope) zap.Field {
	s := Local
	if len(scope) > 0 {
		s = scope[0]
	}
	return zap.Field{Type: zapcore.SkipType, Integer: int64(s), Interface: onceMarker{}}
}

func isMarker(f *zapcore.Field) bool {
	if f.Type != zapcore.SkipType {
		return false
	}
	_, ok := f.Interface.(onceMarker)
	return ok
}

// markerIndex is the index of the first Once marker in fields, or -1.
func markerIndex(fields []zapcore.Field) int {
	for i := range fields {
		if isMarker(&fields[i]) {
			return i
		}
	}
	return -1
}

// withoutMarkers is fields without its Once markers, the first at first.
// The usual places, last (as the helpers put it) or first, cost a
// reslice; elsewhere a copy, not pooled, since a core may keep what it is
// given.
func withoutMarkers(fields []zapcore.Field, first int) []zapcore.Field {
	rest := fields[first+1:]
	if markerIndex(rest) < 0 {
		switch first {
		case len(fields) - 1:
			return fields[:first:first]
		case 0:
			return rest
		}
	}
	out := make([]zapcore.Field, 0, len(fields)-1)
	out = append(out, fields[:first]...)
	for i := range rest {
		if !isMarker(&rest[i]) {
			out = append(out, rest[i])
		}
	}
	return out
}

// DebugOnce logs msg at debug level once, as l.Debug(msg, dedup.Once(),
// fields...) would, with the caller of DebugOnce as the line's caller. A
// [Once] marker among fields gives the scope ([Local] otherwise).
func DebugOnce(l *zap.Logger, msg string, fields ...zap.Field) {
	logOnce(l, zapcore.DebugLevel, msg, fields)
}

// InfoOnce logs msg at info level once; see [DebugOnce].
//
//	dedup.InfoOnce(log, "using the FlashAttention backend")
//	dedup.InfoOnce(log, "weights loaded", zap.Int("shards", n), dedup.Once(dedup.Global))
func InfoOnce(l *zap.Logger, msg string, fields ...zap.Field) {
	logOnce(l, zapcore.InfoLevel, msg, fields)
}

// WarnOnce logs msg at warn level once; see [DebugOnce].
func WarnOnce(l *zap.Logger, msg string, fields ...zap.Field) {
	logOnce(l, zapcore.WarnLevel, msg, fields)
}

// ErrorOnce logs msg at error level once; see [DebugOnce].
func ErrorOnce(l *zap.Logger, msg string, fields ...zap.Field) {
	logOnce(l, zapcore.ErrorLevel, msg, fields)
}

// fallback is the memory of the helpers for loggers without a once-only
// core, shared by all of them, with the default bounds. Global because
// such a logger has nowhere to keep one.
var fallback = sync.OnceValue(func() *cache { return newCache(DefaultCap, DefaultMaxKeyBytes) })

// helperSkip skips logOnce and the exported helper that called it.
var helperSkip = zap.AddCallerSkip(2)

// logOnce is the helpers' common path. A key already seen returns before
// zap's Check, which reads the clock and finds the caller: a suppressed call
// costs the key and one lookup, and allocates nothing. Only the
// first-time path pays for the logger that reports the helper's caller.
func logOnce(l *zap.Logger, lvl zapcore.Level, msg string, fields []zap.Field) {
	core := l.Core()
	if !core.Enabled(lvl) {
		return
	}
	st := dedupState(core)
	var c *cache
	var ranks *Ranks
	if st != nil {
		c, ranks = st.cache, st.ranks
	} else {
		c = fallback()
	}
	scope := Local
	marked := markerIndex(fields)
	if marked >= 0 {
		scope = Scope(fields[marked].Integer)
	}
	if !ranksFor(ranks).Prints(scope) {
		return
	}

	var buf [keyBufSize]byte
	key, ok := keyOf(buf[:], l.Name(), lvl, msg, fields)
	if !ok {
		k := getKey()
		defer putKey(k)
		k.entry(l.Name(), lvl, msg, fields)
		key = k.b
	}
	if c.seen(key) {
		return
	}
	ce := l.WithOptions(helperSkip).Check(lvl, msg)
	if ce == nil {
		return // below the level: not remembered
	}
	// The fields are copied, never passed on as they are, so that the
	// caller's variadic slice does not escape and a suppressed call does
	// not allocate it.
	out := make([]zap.Field, 0, len(fields)+1)
	for i := range fields {
		if !isMarker(&fields[i]) {
			out = append(out, fields[i])
		}
	}
	if st != nil {
		// The once-only core decides, so that the helpers and Once share
		// one memory and one race winner.
		ce.Write(append(out, Once(scope))...)
		return
	}
	// No once-only core: the helper remembers the line once zap's Check
	// has accepted it.
	if c.insert(key) {
		ce.Write(out...)
	}
}
