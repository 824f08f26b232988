package tracing_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestMiddlewareTarget: the http-request span's events take the target the
// application gives, else the context logger's name, else the service
// name: never the calling package ("main" in a program), never empty.
func TestMiddlewareTarget(t *testing.T) {
	tests := []struct {
		name        string
		loggerName  string
		serviceName string // the tracing core's WithServiceName; "-" none
		opts        []tracing.MiddlewareOption
		want        string
	}{
		{"unnamed logger: the service name", "", " frontend ", nil, "frontend"},
		{"unnamed logger, no service name: the program", "", "-", nil, filepath.Base(os.Args[0])},
		{"blank service name: the program", "", "  ", nil, filepath.Base(os.Args[0])},
		{"named logger: its name", "dynamo_llm::http", "frontend", nil, "dynamo_llm::http"},
		{"WithTarget over a named logger", "dynamo_llm::http", "frontend", []tracing.MiddlewareOption{tracing.WithTarget("edge")}, "edge"},
		{"WithTarget over an unnamed logger", "", "frontend", []tracing.MiddlewareOption{tracing.WithTarget("edge")}, "edge"},
		{"WithTarget empty: the default", "", "frontend", []tracing.MiddlewareOption{tracing.WithTarget("")}, "frontend"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := []tracing.CoreOption{tracing.WithSpanEvents(tracing.EventsDynamo)}
			if tt.serviceName != "-" {
				opts = append(opts, tracing.WithServiceName(tt.serviceName))
			}
			sl := &serviceLog{}
			core := zapcore.NewCore(encoder.NewJSONL(), sl, zapcore.DebugLevel)
			log := zap.New(tracing.NewCore(core, opts...), zap.AddCaller())
			if tt.loggerName != "" {
				log = log.Named(tt.loggerName)
			}
			wantSpanTarget(t, sl, log, tt.want, tt.opts...)
		})
	}
}

// TestMiddlewareServiceNameWrapped: the service name of the context
// logger's tracing core is found behind zap's wrappers too, whose cores
// hide it from a type assertion.
func TestMiddlewareServiceNameWrapped(t *testing.T) {
	for name, opt := range map[string]zap.Option{
		"zap.Hooks": zap.Hooks(func(zapcore.Entry) error { return nil }),
		"tee": zap.WrapCore(func(c zapcore.Core) zapcore.Core {
			return zapcore.NewTee(zapcore.NewNopCore(), c)
		}),
	} {
		t.Run(name, func(t *testing.T) {
			sl := &serviceLog{}
			core := zapcore.NewCore(encoder.NewJSONL(), sl, zapcore.DebugLevel)
			log := zap.New(tracing.NewCore(core, tracing.WithSpanEvents(tracing.EventsDynamo), tracing.WithServiceName("frontend"))).WithOptions(opt)
			wantSpanTarget(t, sl, log, "frontend")
		})
	}
}

// wantSpanTarget serves one request through MiddlewareWith(opts) with log
// as the context logger, and wants its two span events, read from sl, of
// target want.
func wantSpanTarget(t *testing.T, sl *serviceLog, log *zap.Logger, want string, opts ...tracing.MiddlewareOption) {
	t.Helper()
	h := tracing.MiddlewareWith(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}), opts...)
	req := httptest.NewRequest("GET", "/health", nil)
	h.ServeHTTP(httptest.NewRecorder(), req.WithContext(tracing.WithLogger(context.Background(), log)))
	lines := sl.lines(t)
	if len(lines) != 2 {
		t.Fatalf("%d lines, want SPAN_FIRST_ENTRY and SPAN_CLOSED: %v", len(lines), lines)
	}
	for _, l := range lines {
		if l["target"] != want {
			t.Errorf("%v: target %v, want %q", l["message"], l["target"], want)
		}
	}
}
