// Package coretest holds what the tests of package core and its
// subpackages share: a logger built from given variables into buffers at
// a pinned time, JSONL parsing, and the restoring of what tracing installs
// process-wide.
package coretest

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/tracing"
	"github.com/dynlog/dynlog/tracing/otlp"
	"go.opentelemetry.io/otel"
	logglobal "go.opentelemetry.io/otel/log/global"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Clock is a zapcore.Clock stopped at one instant.
type Clock time.Time

func (c Clock) Now() time.Time                         { return time.Time(c) }
func (c Clock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// Pinned is the time of Build's loggers.
var Pinned = time.Date(2026, 1, 2, 3, 4, 5, 656503999, time.UTC)

// Env is a lookup of vars, for config.WithEnv.
func Env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// Built is Build's logger and the buffers of its output and error output.
type Built struct {
	Log      *zap.Logger
	Out, Err *bytes.Buffer
}

// Build makes a logger with the preset newLogger (core.New, core.NewVLLM)
// from vars, writing to buffers, at Pinned in UTC (extra options may say
// otherwise).
func Build(t testing.TB, newLogger func(...config.Option) (*zap.Logger, error), vars map[string]string, extra ...config.Option) Built {
	t.Helper()
	var out, errOut bytes.Buffer
	opts := []config.Option{config.WithEnv(Env(vars)), config.WithOutput(zapcore.AddSync(&out)), config.WithSystemConfig(""),
		config.WithErrorOutput(zapcore.AddSync(&errOut)), config.WithClock(Clock(Pinned)), config.WithLocation(time.UTC)}
	log, err := newLogger(append(opts, extra...)...)
	if err != nil {
		t.Fatalf("new logger with %v: %v", vars, err)
	}
	return Built{log, &out, &errOut}
}

// Here returns the caller's file and line.
func Here() (string, int) {
	_, file, line, _ := runtime.Caller(1)
	return file, line
}

// JSONLines parses JSONL output, one object per line.
func JSONLines(t testing.TB, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, s := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if s == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", s, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// KeepTracingGlobals restores, when t ends, what starting tracing
// installs process-wide.
func KeepTracingGlobals(t testing.TB) {
	t.Helper()
	tracers := tracing.TracerProvider()
	tp := otel.GetTracerProvider()
	prop := otel.GetTextMapPropagator()
	handler := otel.GetErrorHandler()
	lp := logglobal.GetLoggerProvider()
	t.Cleanup(func() {
		tracing.SetTracerProvider(tracers)
		otlp.SetLoggerProvider(nil)
		if otel.GetTracerProvider() == tp {
			return
		}
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(prop)
		otel.SetErrorHandler(handler)
		if logglobal.GetLoggerProvider() != lp {
			logglobal.SetLoggerProvider(lp)
		}
	})
}
