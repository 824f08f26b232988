package otlp

import (
	"errors"
	"testing"

	"github.com/dynlog/dynlog/internal/logtest"
	"go.opentelemetry.io/otel"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestSetErrorLogger: with an error logger set, the reports are its lines,
// once each as on the error output, and the error output gets nothing.
func TestSetErrorLogger(t *testing.T) {
	obs, logs := observer.New(zapcore.DebugLevel)
	prev := SetErrorLogger(zap.New(obs))
	t.Cleanup(func() { SetErrorLogger(prev) })

	var out logtest.Buffer
	r := &reporter{Out: &out, Where: "OTLP export to http://collector:4317 (grpc)", Items: "spans"}
	r.Exported(2, errors.New("connection refused"))
	r.Exported(3, errors.New("connection refused"))
	r.Exported(1, nil)
	var h otel.ErrorHandler = r
	h.Handle(errors.New("partial success: 2 spans rejected"))
	h.Handle(errors.New("partial success: 2 spans rejected"))

	want := []observer.LoggedEntry{
		{Entry: zapcore.Entry{Level: zapcore.ErrorLevel, Message: "OTLP export to http://collector:4317 (grpc) failed: connection refused; dropped 2 spans and will keep trying, without reporting further failures until an export succeeds"}},
		{Entry: zapcore.Entry{Level: zapcore.WarnLevel, Message: "OTLP export to http://collector:4317 (grpc) recovered; 5 spans in 2 batches were dropped while it failed"}},
		{Entry: zapcore.Entry{Level: zapcore.ErrorLevel, Message: "OpenTelemetry: partial success: 2 spans rejected (reported once)"}},
	}
	got := logs.AllUntimed()
	if len(got) != len(want) {
		t.Fatalf("logged %d lines, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i].Level != want[i].Level || got[i].Message != want[i].Message {
			t.Errorf("line %d: %v %q, want %v %q", i, got[i].Level, got[i].Message, want[i].Level, want[i].Message)
		}
	}
	if out.String() != "" {
		t.Errorf("error output %q, want nothing while the error logger is set", out.String())
	}

	SetErrorLogger(nil)
	h.Handle(errors.New("another"))
	if want := "dynlog: OpenTelemetry: another (reported once)\n"; out.String() != want {
		t.Errorf("error output %q after SetErrorLogger(nil), want %q", out.String(), want)
	}
}

func TestNewErrorHandler(t *testing.T) {
	var out logtest.Buffer
	h := NewErrorHandler(&out)
	h.Handle(errors.New("boom"))
	h.Handle(errors.New("boom"))
	if want := "dynlog: OpenTelemetry: boom (reported once)\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
}
