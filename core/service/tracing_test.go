package service_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/core/service"
	"github.com/dynlog/dynlog/internal/otlptest"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// isolated runs the test t in a child process of its own, unless this is
// that process; it reports whether to run the test's body here. The tests
// that talk OTLP in-process need it: other tests of this package set
// time.Local, which races with the OTLP clients' and receivers' goroutines
// (they read the clock and outlive the test that started them).
func isolated(t *testing.T) bool {
	t.Helper()
	if os.Getenv("DYNLOG_ISOLATED_TEST") == t.Name() {
		return true
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "DYNLOG_ISOLATED_TEST="+t.Name())
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: "+t.Name())) {
		t.Errorf("%s in a child process: %v\n%s", t.Name(), err, out)
	}
	return false
}

// logExportLogger is New's logger for opts, writing to out.
func logExportLogger(t *testing.T, opts []core.Option, out zapcore.WriteSyncer) *zap.Logger {
	t.Helper()
	log, err := core.New(append(opts, core.WithOutput(out))...)
	if err != nil {
		t.Fatal(err)
	}
	return log
}

// TestLogExportWiring: OTEL_LOGS_EXPORTER=otlp, the export core in the
// chain and StartTracing export the lines the filter passes, Dynamo's init
// line among them, worded for traces and logs.
func TestLogExportWiring(t *testing.T) {
	if !isolated(t) {
		return
	}
	coretest.KeepTracingGlobals(t)
	for _, proto := range []string{"grpc", "http/protobuf"} {
		t.Run(proto, func(t *testing.T) {
			newReceiver := otlptest.NewGRPCReceiver
			if proto == "http/protobuf" {
				newReceiver = otlptest.NewHTTPReceiver
			}
			rcv := newReceiver(t)
			vars := map[string]string{
				"DYN_LOGGING_JSONL": "1", "DYN_LOG": "info,quiet=warn",
				"OTEL_EXPORT_ENABLED": "1", "OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": proto,
				"OTEL_EXPORTER_OTLP_ENDPOINT": rcv.Endpoint(), "OTEL_SERVICE_NAME": "wiring",
			}
			var out, errOut bytes.Buffer
			opts := []core.Option{core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
				core.WithSystemConfig(""), core.WithErrorOutput(zapcore.AddSync(&errOut))}
			log := logExportLogger(t, opts, zapcore.AddSync(&out))
			p, err := service.StartTracing(context.Background(), log, opts...)
			if err != nil {
				t.Fatal(err)
			}
			ctx, span := tracing.Start(context.Background(), "op")
			log.Named("svc").Info("hello", tracing.Ctx(ctx))
			log.Named("quiet").Info("filtered out")
			log.Named("quiet").Warn("passes")
			span.End()
			if err := p.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}

			var bodies []string
			for _, r := range rcv.Logs() {
				bodies = append(bodies, r.Body)
				if r.Body == "hello" && (r.TraceID != span.SpanContext().TraceID().String() || r.SpanID != span.SpanContext().SpanID().String()) {
					t.Errorf("hello: trace %s span %s, want the span's %v", r.TraceID, r.SpanID, span.SpanContext())
				}
				if r.Resource["service.name"] != "wiring" {
					t.Errorf("record %q: resource %v", r.Body, r.Resource)
				}
			}
			want := []string{"OpenTelemetry OTLP export enabled (traces and logs)", "hello", "passes"}
			if strings.Join(bodies, "|") != strings.Join(want, "|") {
				t.Errorf("exported %q, want %q", bodies, want)
			}
			if len(rcv.Spans()) != 1 {
				t.Errorf("exported spans %v, want op", rcv.Spans())
			}
			if errOut.Len() != 0 {
				t.Errorf("error output %q", errOut.String())
			}
		})
	}
}

// TestLogExportOffByDefault: with no OTEL_LOGS_EXPORTER there is no export
// core, and with no OTEL_EXPORT_ENABLED either nothing is dialled, even
// with an endpoint set.
func TestLogExportOffByDefault(t *testing.T) {
	if !isolated(t) {
		return
	}
	coretest.KeepTracingGlobals(t)
	endpoint, accepted := otlptest.CountingListener(t)
	vars := map[string]string{"DYN_LOGGING_JSONL": "1", "OTEL_EXPORTER_OTLP_ENDPOINT": endpoint}
	var out, errOut bytes.Buffer
	opts := []core.Option{core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""), core.WithErrorOutput(zapcore.AddSync(&errOut))}
	if s, err := config.Load(opts...); err != nil || s.LogsExport.Value {
		t.Fatalf("an export core without OTEL_LOGS_EXPORTER (%v)", err)
	}
	log := logExportLogger(t, opts, zapcore.AddSync(&out))
	p, err := service.StartTracing(context.Background(), log, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if p.LoggerProvider() != nil || p.LogsEndpoint() != "" {
		t.Errorf("log export on by default: %v %q", p.LoggerProvider(), p.LogsEndpoint())
	}
	log.Error("not exported")
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := otlptest.Dialled(t, endpoint, accepted); n != 0 {
		t.Errorf("%d connections to the endpoint with export off", n)
	}
	// Two lines: StartTracing's, which says export is off, and the ERROR.
	var got []string
	for _, line := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		var rec struct{ Level, Target, Message string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		got = append(got, rec.Level+" "+rec.Target+": "+rec.Message)
	}
	want := []string{"INFO dynamo_runtime::logging: OpenTelemetry OTLP export disabled, traces local only", "ERROR github.com/dynlog/dynlog/core/service_test: not exported"}
	if !slices.Equal(got, want) {
		t.Errorf("lines %q\nwant %q", got, want)
	}
	if errOut.Len() > 0 {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestStartTracingReadsNoFile: StartTracing learns the layout from the
// settings New resolved for the logger, not from the TOML files as they
// are later: a file that said JSONL when New read it and says readable now
// still gets Dynamo's init line, in JSONL.
func TestStartTracingReadsNoFile(t *testing.T) {
	coretest.KeepTracingGlobals(t)
	path := filepath.Join(t.TempDir(), "logging.toml")
	if err := os.WriteFile(path, []byte("format = \"jsonl\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	opts := []core.Option{core.WithSystemConfig(""), core.WithErrorOutput(zapcore.AddSync(&errOut)),
		core.WithEnv(func(k string) (string, bool) {
			if k == "DYN_LOGGING_CONFIG_PATH" {
				return path, true
			}
			return "", false
		})}
	log, err := core.New(append(opts, core.WithOutput(zapcore.AddSync(&out)))...)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("format = \"readable\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := service.StartTracing(context.Background(), log, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	var line struct{ Target, Message string }
	if err := json.Unmarshal(out.Bytes(), &line); err != nil || line.Message != "OpenTelemetry OTLP export disabled, traces local only" {
		t.Errorf("output %q (%v), want Dynamo's init line in JSONL", out.String(), err)
	}
	if errOut.Len() != 0 {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestStartTracingWithoutSettings: a logger New did not build has no
// layout StartTracing knows, and gets no Dynamo init line, whatever the
// variables say.
func TestStartTracingWithoutSettings(t *testing.T) {
	coretest.KeepTracingGlobals(t)
	var out bytes.Buffer
	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zapcore.EncoderConfig{MessageKey: "msg"}),
		zapcore.AddSync(&out), zapcore.DebugLevel))
	p, err := service.StartTracing(context.Background(), log, core.WithSystemConfig(""),
		core.WithEnv(func(k string) (string, bool) { return "1", k == "DYN_LOGGING_JSONL" }))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	if out.Len() != 0 {
		t.Errorf("output %q, want nothing", out.String())
	}
}

// TestLogExportWithoutStartTracing: a logger New built with
// OTEL_LOGS_EXPORTER=otlp exports the lines its filter passes through a
// provider of its own, with no StartTracing; Close sends them.
func TestLogExportWithoutStartTracing(t *testing.T) {
	if !isolated(t) {
		return
	}
	rcv := otlptest.NewGRPCReceiver(t)
	vars := map[string]string{
		"DYN_LOGGING_JSONL": "1", "OTEL_LOGS_EXPORTER": "otlp",
		"OTEL_EXPORTER_OTLP_ENDPOINT": rcv.Endpoint(), "OTEL_SERVICE_NAME": "own",
	}
	var out, errOut bytes.Buffer
	opts := []core.Option{core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""), core.WithErrorOutput(zapcore.AddSync(&errOut))}
	log := logExportLogger(t, opts, zapcore.AddSync(&out))
	log.Named("svc").Info("hello")
	log.Named("svc").Debug("filtered out")
	if err := core.Close(log); err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, r := range rcv.Logs() {
		bodies = append(bodies, r.Body)
		if r.Resource["service.name"] != "own" {
			t.Errorf("record %q: resource %v", r.Body, r.Resource)
		}
	}
	if strings.Join(bodies, "|") != "hello" {
		t.Errorf("exported %q, want [hello]", bodies)
	}
	if errOut.Len() != 0 {
		t.Errorf("error output %q", errOut.String())
	}
}
