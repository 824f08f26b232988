package filter

import (
	"math"
	"sync"
	"sync/atomic"

	"go.uber.org/zap/zapcore"
)

// suppressed is the highest level being suppressed process-wide; lines at or
// below it are dropped by every filter core. math.MinInt8: none. Global as
// vLLM's suppress_logging is: Suppress takes no logger.
var suppressed atomic.Int32

func init() { suppressed.Store(math.MinInt8) }

// suppressedBelow is the lowest level that suppression lets through.
func suppressedBelow() zapcore.Level {
	// Clamped at OffLevel: Suppress(127) must not wrap round to "none".
	return zapcore.Level(min(suppressed.Load()+1, int32(OffLevel)))
}

// Suppress drops lines at or below level in every filter core of the
// process, as vLLM's suppress_logging does, until restore is called. Calls
// nest: restore puts back what was in force before this call. restore is
// safe to call more than once; only the first call acts.
func Suppress(level zapcore.Level) (restore func()) {
	prev := suppressed.Swap(int32(level))
	epoch.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			suppressed.Store(prev)
			epoch.Add(1)
		})
	}
}

// Suppressed runs fn with lines at or below level suppressed, and restores
// the previous state when fn returns or panics.
func Suppressed(level zapcore.Level, fn func()) {
	restore := Suppress(level)
	defer restore()
	fn()
}
