package bridge_test

import (
	"bytes"
	"runtime"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The helpers of package core's tests that these tests share.

// fixedClock is a zapcore.Clock stopped at one instant.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                         { return c.t }
func (c fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

var pinned = time.Date(2026, 1, 2, 3, 4, 5, 656503999, time.UTC)

func envOf(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

type built struct {
	log      *zap.Logger
	out, err *bytes.Buffer
}

// build makes a logger with the preset newLogger from vars, writing to
// buffers, at a pinned time in UTC (extra options may say otherwise).
func build(t *testing.T, newLogger func(...core.Option) (*zap.Logger, error), vars map[string]string, extra ...core.Option) built {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := []core.Option{core.WithEnv(envOf(vars)), core.WithOutput(zapcore.AddSync(&out)), core.WithSystemConfig(""),
		core.WithErrorOutput(zapcore.AddSync(&errOut)), core.WithClock(fixedClock{pinned}), core.WithLocation(time.UTC)}
	log, err := newLogger(append(opts, extra...)...)
	if err != nil {
		t.Fatalf("new logger with %v: %v", vars, err)
	}
	return built{log, &out, &errOut}
}

// here returns the caller's file and line.
func here() (string, int) {
	_, file, line, _ := runtime.Caller(1)
	return file, line
}

const thisTarget = "github.com/dynlog/dynlog/core/bridge_test"
