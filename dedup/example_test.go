package dedup_test

import (
	"errors"
	"os"

	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// A line marked with Once prints the first time its key (logger name,
// level, message, fields) is seen: other fields, another level or another
// logger name make another key.
func ExampleOnce() {
	inner := zapcore.NewCore(encoder.NewVLLM(encoder.WithBareMessages()), zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	log := zap.New(dedup.NewCore(inner, dedup.WithRanks(dedup.Ranks{})))
	for _, worker := range []int{1, 2, 1, 2, 1} {
		log.Warn("worker is slow", zap.Int("worker", worker), dedup.Once())
	}
	log.Named("router").Warn("worker is slow", zap.Int("worker", 1), dedup.Once())
	log.Error("worker is slow", zap.Int("worker", 1), dedup.Once())
	// Output:
	// worker is slow worker=1
	// worker is slow worker=2
	// worker is slow worker=1
	// worker is slow worker=1
}

// The helpers log once at their level, with their caller as the line's
// file and line; a repeated call costs a lookup and allocates nothing.
// Without a once-only core in the logger they remember in a process-wide
// cache.
func ExampleWarnOnce() {
	inner := zapcore.NewCore(encoder.NewVLLM(encoder.WithBareMessages()), zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	log := zap.New(dedup.NewCore(inner, dedup.WithRanks(dedup.Ranks{})))
	err := errors.New("no such kernel")
	for range 3 {
		dedup.WarnOnce(log, "falling back to the slow path", zap.Error(err))
	}
	// Output:
	// falling back to the slow path error=no such kernel
}
