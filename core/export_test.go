package core

import (
	"os"
	"sync"
	"testing"

	"github.com/dynlog/dynlog/core/internal/env"
	"github.com/dynlog/dynlog/tracing"
	"github.com/dynlog/dynlog/tracing/otlp"
	"go.opentelemetry.io/otel"
	logglobal "go.opentelemetry.io/otel/log/global"
)

// What the external tests (package core_test) share with the internal ones.

// KeepTracingGlobals is keepTracingGlobals, for package core_test.
var KeepTracingGlobals = keepTracingGlobals

// keepTracingGlobals restores, when t ends, what StartTracing installs.
func keepTracingGlobals(t *testing.T) {
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

// CountConfigReads counts, from the call on, the reads of each TOML
// configuration file, by path; the count of path is reads(path).
func CountConfigReads() (reads func(path string) int) {
	var mu sync.Mutex
	n := map[string]int{}
	env.ReadFile = func(path string) ([]byte, error) {
		mu.Lock()
		n[path]++
		mu.Unlock()
		return os.ReadFile(path)
	}
	return func(path string) int {
		mu.Lock()
		defer mu.Unlock()
		return n[path]
	}
}
