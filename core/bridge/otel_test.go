package bridge_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/bridge"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/tracing"
	"github.com/dynlog/dynlog/tracing/otlp"
	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// otelDefaultHandler is OpenTelemetry's own error handler: nothing sets
// another before this package's variables are initialised.
var otelDefaultHandler = otel.GetErrorHandler()

// withOTelDefaultHandler puts OpenTelemetry's default error handler in
// force for t (a test before may have left a provider's).
func withOTelDefaultHandler(t *testing.T) {
	t.Helper()
	saved := otel.GetErrorHandler()
	if saved != otelDefaultHandler {
		otel.SetErrorHandler(otelDefaultHandler)
	}
	t.Cleanup(func() {
		if otel.GetErrorHandler() != saved {
			otel.SetErrorHandler(saved)
		}
	})
}

// TestRedirectOTelLogger: the SDK's internal logger prints at target otel,
// from the SDK's call site, at error unless DYN_LOG says otherwise.
func TestRedirectOTelLogger(t *testing.T) {
	for _, tc := range []struct {
		dynLog string
		want   bool
	}{
		{"", false},
		{"info", false},
		{"otel=warn", true},
		{"error,otel=info", true},
	} {
		t.Run(tc.dynLog, func(t *testing.T) {
			vars := map[string]string{"DYN_LOGGING_JSONL": "1"}
			if tc.dynLog != "" {
				vars["DYN_LOG"] = tc.dynLog
			}
			b := coretest.Build(t, core.New, vars)
			restore := bridge.RedirectOTel(b.Log)
			sdktrace.NewSimpleSpanProcessor(nil) // warns: not for production
			restore()
			if !tc.want {
				if b.Out.Len() != 0 {
					t.Errorf("output %s, want none", b.Out.String())
				}
				return
			}
			lines := coretest.JSONLines(t, b.Out.String())
			if len(lines) != 1 {
				t.Fatalf("%d lines, want 1: %s", len(lines), b.Out.String())
			}
			m := lines[0]
			if m["level"] != "WARN" || m["target"] != "log" || m["log.target"] != "otel" ||
				!strings.HasPrefix(str(m["message"]), "SimpleSpanProcessor is not recommended") {
				t.Errorf("line %v", m)
			}
			if file := str(m["log.file"]); !strings.HasSuffix(file, "/trace/simple_span_processor.go") || m["log.line"] == nil {
				t.Errorf("call site %v:%v, want the SDK's", m["log.file"], m["log.line"])
			}
		})
	}
}

func TestRedirectOTelLoggerReadable(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOG": "otel=warn"})
	defer bridge.RedirectOTel(b.Log)()
	sdktrace.NewSimpleSpanProcessor(nil)
	want := "2026-01-02T03:04:05.656503Z  WARN otel: SimpleSpanProcessor is not recommended for production use, consider using BatchSpanProcessor instead.\n"
	if b.Out.String() != want {
		t.Errorf("output %q, want %q", b.Out.String(), want)
	}
}

// TestRedirectOTelErrorHandler: over OpenTelemetry's default handler,
// RedirectOTel reports each distinct error once, at target otel, level
// ERROR; restore puts the default back.
func TestRedirectOTelErrorHandler(t *testing.T) {
	withOTelDefaultHandler(t)
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	restore := bridge.RedirectOTel(b.Log)
	if otel.GetErrorHandler() == otelDefaultHandler {
		t.Fatal("RedirectOTel left OpenTelemetry's default error handler")
	}
	otel.Handle(errors.New("exporter: queue full"))
	otel.Handle(errors.New("exporter: queue full"))
	otel.Handle(errors.New("metric: bad instrument"))
	restore()
	wantBridged(t, b.Out.String(),
		origin{"ERROR", "otel", "", 0, "OpenTelemetry: exporter: queue full (reported once)"},
		origin{"ERROR", "otel", "", 0, "OpenTelemetry: metric: bad instrument (reported once)"},
	)
	if otel.GetErrorHandler() != otelDefaultHandler {
		t.Errorf("restore left %T as the error handler", otel.GetErrorHandler())
	}
}

// TestRedirectOTelErrorHandlerReadable: the same in the readable layout,
// and DYN_LOG=otel=off silences it.
func TestRedirectOTelErrorHandlerReadable(t *testing.T) {
	withOTelDefaultHandler(t)
	for _, tc := range []struct{ dynLog, want string }{
		{"", "2026-01-02T03:04:05.656503Z ERROR otel: OpenTelemetry: boom (reported once)\n"},
		{"info,otel=off", ""},
	} {
		vars := map[string]string{}
		if tc.dynLog != "" {
			vars["DYN_LOG"] = tc.dynLog
		}
		b := coretest.Build(t, core.New, vars)
		restore := bridge.RedirectOTel(b.Log)
		otel.Handle(errors.New("boom"))
		restore()
		if b.Out.String() != tc.want {
			t.Errorf("DYN_LOG=%q: output %q, want %q", tc.dynLog, b.Out.String(), tc.want)
		}
	}
}

// TestRedirectOTelKeepsProviderHandler: an otlp.Provider's error handler
// stays in force under RedirectOTel, and its reports go through the bridge
// instead of its error output.
func TestRedirectOTelKeepsProviderHandler(t *testing.T) {
	withOTelDefaultHandler(t)
	tracers, tp, prop := tracing.TracerProvider(), otel.GetTracerProvider(), otel.GetTextMapPropagator()
	t.Cleanup(func() {
		tracing.SetTracerProvider(tracers)
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(prop)
	})
	var errOut strings.Builder
	p, err := otlp.NewProvider(context.Background(), otlp.ExportConfig{ErrorOutput: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	defer func() { _ = p.Shutdown(context.Background()) }()
	handler := otel.GetErrorHandler()

	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	restore := bridge.RedirectOTel(b.Log)
	if otel.GetErrorHandler() != handler {
		t.Errorf("RedirectOTel replaced the provider's error handler")
	}
	otel.Handle(errors.New("partial success: 2 spans rejected"))
	otel.Handle(errors.New("partial success: 2 spans rejected"))
	restore()
	if otel.GetErrorHandler() != handler {
		t.Errorf("restore replaced the provider's error handler")
	}
	otel.Handle(errors.New("after restore"))

	wantBridged(t, b.Out.String(), origin{"ERROR", "otel", "", 0, "OpenTelemetry: partial success: 2 spans rejected (reported once)"})
	if want := "dynlog: OpenTelemetry: after restore (reported once)\n"; errOut.String() != want {
		t.Errorf("provider's error output %q, want only the error after restore, %q", errOut.String(), want)
	}
}

// TestRedirectOTelBeforeProvider: a provider made after RedirectOTel
// replaces its error handler and reports through the bridge all the same.
func TestRedirectOTelBeforeProvider(t *testing.T) {
	withOTelDefaultHandler(t)
	tracers, tp, prop := tracing.TracerProvider(), otel.GetTracerProvider(), otel.GetTextMapPropagator()
	t.Cleanup(func() {
		tracing.SetTracerProvider(tracers)
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(prop)
	})
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	restore := bridge.RedirectOTel(b.Log)
	var errOut strings.Builder
	p, err := otlp.NewProvider(context.Background(), otlp.ExportConfig{ErrorOutput: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	defer func() { _ = p.Shutdown(context.Background()) }()
	handler := otel.GetErrorHandler()
	otel.Handle(errors.New("late"))
	restore()
	if otel.GetErrorHandler() != handler {
		t.Errorf("restore replaced the provider's error handler")
	}
	wantBridged(t, b.Out.String(), origin{"ERROR", "otel", "", 0, "OpenTelemetry: late (reported once)"})
	if errOut.Len() != 0 {
		t.Errorf("provider's error output %q, want nothing", errOut.String())
	}
}

// TestRedirectOTelKeepsOthersHandler: a handler someone else installed
// stays and sees the errors.
func TestRedirectOTelKeepsOthersHandler(t *testing.T) {
	withOTelDefaultHandler(t)
	var seen []error
	mine := otel.ErrorHandlerFunc(func(err error) { seen = append(seen, err) })
	otel.SetErrorHandler(mine)
	b := coretest.Build(t, core.New, nil)
	restore := bridge.RedirectOTel(b.Log)
	otel.Handle(errors.New("mine"))
	restore()
	if len(seen) != 1 || b.Out.Len() != 0 {
		t.Errorf("handler saw %v, bridge printed %q; want the handler to see the error", seen, b.Out.String())
	}
}
