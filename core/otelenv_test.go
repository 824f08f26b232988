package core

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dynlog/dynlog/internal/otlptest"
	"github.com/dynlog/dynlog/tracing"
	"github.com/dynlog/dynlog/tracing/otlp"
	"go.opentelemetry.io/otel"
	logglobal "go.opentelemetry.io/otel/log/global"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func TestExportConfig(t *testing.T) {
	ratio := func(r float64) *float64 { return &r }
	tests := []struct {
		name string
		env  map[string]string
		want otlp.ExportConfig
		errs []string // substrings, one per expected error, in order
	}{
		{name: "nothing set", env: nil, want: otlp.ExportConfig{}},

		// OTEL_EXPORT_ENABLED follows Dynamo's boolean rule.
		{name: "enabled 1", env: map[string]string{"OTEL_EXPORT_ENABLED": "1"}, want: otlp.ExportConfig{Enabled: true}},
		{name: "enabled TRUE", env: map[string]string{"OTEL_EXPORT_ENABLED": " TRUE "}, want: otlp.ExportConfig{Enabled: true}},
		{name: "enabled on", env: map[string]string{"OTEL_EXPORT_ENABLED": "on"}, want: otlp.ExportConfig{Enabled: true}},
		{name: "enabled yes", env: map[string]string{"OTEL_EXPORT_ENABLED": "Yes"}, want: otlp.ExportConfig{Enabled: true}},
		{name: "enabled 0", env: map[string]string{"OTEL_EXPORT_ENABLED": "0"}, want: otlp.ExportConfig{}},
		{name: "enabled other word", env: map[string]string{"OTEL_EXPORT_ENABLED": "enabled"}, want: otlp.ExportConfig{},
			errs: []string{`dynlog: OTEL_EXPORT_ENABLED="enabled" is not a boolean (want 1, true, on, yes, 0, false, off, no or empty); taking it as false`}},
		{name: "enabled empty", env: map[string]string{"OTEL_EXPORT_ENABLED": ""}, want: otlp.ExportConfig{}},

		// Endpoints: both kept; NewProvider lets the traces one win.
		{
			name: "generic endpoint",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317"},
			want: otlp.ExportConfig{Endpoint: "http://collector:4317"},
		},
		{
			name: "traces endpoint",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "https://collector:4318/v1/traces"},
			want: otlp.ExportConfig{TracesEndpoint: "https://collector:4318/v1/traces"},
		},
		{
			name: "both endpoints",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://generic:4318",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": " http://traces:4318/custom ",
			},
			want: otlp.ExportConfig{Endpoint: "http://generic:4318", TracesEndpoint: "http://traces:4318/custom"},
		},
		{
			name: "gRPC endpoint without scheme: HOST:PORT",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4317"},
			want: otlp.ExportConfig{Endpoint: "http://collector:4317"},
		},
		{
			name: "gRPC endpoint without scheme, protocol named",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": " localhost:4317 ", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"},
			want: otlp.ExportConfig{Endpoint: "http://localhost:4317", Protocol: "grpc"},
		},
		{
			name: "http/protobuf endpoint without scheme",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "localhost:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"},
			want: otlp.ExportConfig{Protocol: "http/protobuf"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" has no scheme, which OTLP over http/protobuf needs (such as http://localhost:4318); ignoring it`},
		},
		{
			name: "endpoint neither URL nor HOST:PORT",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector"},
			want: otlp.ExportConfig{},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_ENDPOINT="collector" is not an http:// or https:// URL with a host, nor for gRPC a HOST:PORT (such as http://localhost:4317 or localhost:4317); ignoring it`},
		},
		{
			name: "bad traces endpoint leaves the generic one",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://generic:4317",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "grpc://traces:4317",
			},
			want: otlp.ExportConfig{Endpoint: "http://generic:4317"},
			errs: []string{`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="grpc://traces:4317" is not an http:// or https:// URL`},
		},
		{
			name: "endpoint without host",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://"},
			want: otlp.ExportConfig{},
			errs: []string{`OTEL_EXPORTER_OTLP_ENDPOINT="http://"`},
		},
		{
			name: "blank endpoint is unset",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "  "},
			want: otlp.ExportConfig{},
		},

		// Protocols: trimmed, any case; the traces variable wins.
		{name: "protocol grpc", env: map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, want: otlp.ExportConfig{Protocol: "grpc"}},
		{
			name: "protocol http, any case",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": " HTTP/Protobuf\n"},
			want: otlp.ExportConfig{Protocol: "http/protobuf"},
		},
		{
			name: "traces protocol wins",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "grpc",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
			},
			want: otlp.ExportConfig{Protocol: "http/protobuf"},
		},
		{
			name: "unknown protocol",
			env:  map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			want: otlp.ExportConfig{Protocol: "grpc"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_PROTOCOL="http/json" is not an OTLP protocol dynlog speaks (want grpc or http/protobuf); using grpc`},
		},
		{
			name: "unknown traces protocol",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/protobuf",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "thrift",
			},
			want: otlp.ExportConfig{Protocol: "grpc"},
			errs: []string{`OTEL_EXPORTER_OTLP_TRACES_PROTOCOL="thrift"`},
		},
		{
			name: "blank traces protocol is unset",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/protobuf",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "",
			},
			want: otlp.ExportConfig{Protocol: "http/protobuf"},
		},

		// Service name, as given.
		{name: "service name", env: map[string]string{"OTEL_SERVICE_NAME": "frontend"}, want: otlp.ExportConfig{ServiceName: "frontend"}},
		{name: "empty service name", env: map[string]string{"OTEL_SERVICE_NAME": ""}, want: otlp.ExportConfig{}},

		// Sample ratio: 0 to 1; anything else is reported and ignored.
		{name: "ratio 0", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "0"}, want: otlp.ExportConfig{SampleRatio: ratio(0)}},
		{name: "ratio 0.25", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": " 0.25 "}, want: otlp.ExportConfig{SampleRatio: ratio(0.25)}},
		{name: "ratio 1", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1"}, want: otlp.ExportConfig{SampleRatio: ratio(1)}},
		{name: "ratio 1e-3", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1e-3"}, want: otlp.ExportConfig{SampleRatio: ratio(0.001)}},
		{
			name: "ratio above 1",
			env:  map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "1.5"},
			want: otlp.ExportConfig{},
			errs: []string{`dynlog: OTEL_TRACES_SAMPLE_RATIO="1.5" is not a number from 0 to 1; ignoring it`},
		},
		{name: "ratio negative", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "-0.1"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="-0.1"`}},
		{name: "ratio NaN", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "NaN"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="NaN"`}},
		{name: "ratio word", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "half"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="half"`}},
		{name: "ratio percent", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": "50%"}, errs: []string{`OTEL_TRACES_SAMPLE_RATIO="50%"`}},
		{name: "blank ratio is unset", env: map[string]string{"OTEL_TRACES_SAMPLE_RATIO": " "}, want: otlp.ExportConfig{}},

		// OTEL_LOGS_EXPORTER: otlp turns log export on; unset, empty or
		// none leave it off; another exporter is reported and left out.
		{name: "logs otlp", env: map[string]string{"OTEL_LOGS_EXPORTER": "otlp"}, want: otlp.ExportConfig{LogsEnabled: true}},
		{name: "logs OTLP", env: map[string]string{"OTEL_LOGS_EXPORTER": " OTLP "}, want: otlp.ExportConfig{LogsEnabled: true}},
		{name: "logs none", env: map[string]string{"OTEL_LOGS_EXPORTER": "none"}, want: otlp.ExportConfig{}},
		{name: "logs empty", env: map[string]string{"OTEL_LOGS_EXPORTER": ""}, want: otlp.ExportConfig{}},
		{
			name: "logs console",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "console"},
			want: otlp.ExportConfig{},
			errs: []string{`dynlog: OTEL_LOGS_EXPORTER="console": dynlog exports logs over otlp only; ignoring "console"`},
		},
		{
			name: "logs console and otlp",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "console, otlp"},
			want: otlp.ExportConfig{LogsEnabled: true},
			errs: []string{`ignoring "console"`},
		},
		{
			name: "OTEL_EXPORT_ENABLED alone exports no logs",
			env:  map[string]string{"OTEL_EXPORT_ENABLED": "1"},
			want: otlp.ExportConfig{Enabled: true},
		},

		// The logs variables count only with log export on.
		{
			name: "logs variables, logs off",
			env: map[string]string{
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "not a URL",
				"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "http/protobuf",
			},
			want: otlp.ExportConfig{},
		},
		{
			name: "logs endpoint",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":               "otlp",
				"OTEL_EXPORTER_OTLP_ENDPOINT":      "http://generic:4318",
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": " http://logs:4318/custom ",
			},
			want: otlp.ExportConfig{LogsEnabled: true, Endpoint: "http://generic:4318", LogsEndpoint: "http://logs:4318/custom"},
		},
		{
			name: "bad logs endpoint leaves the generic one",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":               "otlp",
				"OTEL_EXPORTER_OTLP_ENDPOINT":      "http://generic:4317",
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "logs",
			},
			want: otlp.ExportConfig{LogsEnabled: true, Endpoint: "http://generic:4317"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="logs" is not an http:// or https:// URL with a host`},
		},
		{
			name: "logs protocol",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":               "otlp",
				"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "HTTP/protobuf",
			},
			want: otlp.ExportConfig{LogsEnabled: true, LogsProtocol: "http/protobuf"},
		},
		{
			name: "generic protocol for both",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"},
			want: otlp.ExportConfig{LogsEnabled: true, Protocol: "http/protobuf", LogsProtocol: "http/protobuf"},
		},
		{
			name: "traces protocol is not the logs'",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"},
			want: otlp.ExportConfig{LogsEnabled: true, Protocol: "http/protobuf", LogsProtocol: "grpc"},
		},
		{
			name: "each signal its own protocol",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":                 "otlp",
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "grpc",
				"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf",
				"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL":   "grpc",
			},
			want: otlp.ExportConfig{LogsEnabled: true, Protocol: "http/protobuf", LogsProtocol: "grpc"},
		},
		{
			name: "bad generic protocol reported once",
			env:  map[string]string{"OTEL_LOGS_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
			want: otlp.ExportConfig{LogsEnabled: true, Protocol: "grpc", LogsProtocol: "grpc"},
			errs: []string{`OTEL_EXPORTER_OTLP_PROTOCOL="http/json"`},
		},
		{
			name: "bad logs protocol",
			env: map[string]string{
				"OTEL_LOGS_EXPORTER":               "otlp",
				"OTEL_EXPORTER_OTLP_PROTOCOL":      "http/protobuf",
				"OTEL_EXPORTER_OTLP_LOGS_PROTOCOL": "thrift",
			},
			want: otlp.ExportConfig{LogsEnabled: true, Protocol: "http/protobuf", LogsProtocol: "grpc"},
			errs: []string{`dynlog: OTEL_EXPORTER_OTLP_LOGS_PROTOCOL="thrift" is not an OTLP protocol dynlog speaks (want grpc or http/protobuf); using grpc`},
		},

		// Everything at once, with two mistakes.
		{
			name: "all",
			env: map[string]string{
				"OTEL_EXPORT_ENABLED":                "true",
				"OTEL_EXPORTER_OTLP_ENDPOINT":        "http://collector:4318",
				"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "nope",
				"OTEL_EXPORTER_OTLP_PROTOCOL":        "http/protobuf",
				"OTEL_SERVICE_NAME":                  "worker",
				"OTEL_TRACES_SAMPLE_RATIO":           "2",
				"OTEL_LOGS_EXPORTER":                 "otlp",
				"OTEL_EXPORTER_OTLP_LOGS_ENDPOINT":   "http://logs:4318/v1/logs",
			},
			want: otlp.ExportConfig{
				Enabled:      true,
				Endpoint:     "http://collector:4318",
				Protocol:     "http/protobuf",
				ServiceName:  "worker",
				LogsEnabled:  true,
				LogsEndpoint: "http://logs:4318/v1/logs",
				LogsProtocol: "http/protobuf",
			},
			errs: []string{`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="nope"`, `OTEL_TRACES_SAMPLE_RATIO="2"`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := exportConfig(func(name string) (string, bool) {
				v, ok := tt.env[name]
				return v, ok
			})
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config = %s, want %s", describeExport(got), describeExport(tt.want))
			}
			if len(errs) != len(tt.errs) {
				t.Fatalf("errors = %q, want %d matching %q", errs, len(tt.errs), tt.errs)
			}
			for i, err := range errs {
				if !strings.Contains(err.Error(), tt.errs[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, err, tt.errs[i])
				}
			}
		})
	}
}

// describeExport prints a config with its ratio's value, not its address.
func describeExport(c otlp.ExportConfig) string {
	ratio := "nil"
	if c.SampleRatio != nil {
		ratio = fmt.Sprint(*c.SampleRatio)
	}
	c.SampleRatio = nil
	return fmt.Sprintf("%+v ratio=%s", c, ratio)
}

func TestLogExportCoreFromEnv(t *testing.T) {
	for _, tt := range []struct {
		value string
		set   bool
		want  bool
	}{
		{"", false, false},
		{"", true, false},
		{"none", true, false},
		{"console", true, false},
		{"otlp", true, true},
		{" OTLP,console ", true, true},
	} {
		c := newConfig([]Option{WithSystemConfig(""), WithEnv(func(name string) (string, bool) {
			if name == "OTEL_LOGS_EXPORTER" {
				return tt.value, tt.set
			}
			return "", false
		})})
		s, err := resolveDynamo(c)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.logsExport.v; got != tt.want {
			t.Errorf("OTEL_LOGS_EXPORTER=%q (set %v): export core %v, want %v", tt.value, tt.set, got, tt.want)
		}
	}
}

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

// logExportLogger is New's logger for opts, writing to out.
func logExportLogger(t *testing.T, opts []Option, out zapcore.WriteSyncer) *zap.Logger {
	t.Helper()
	log, err := New(append(opts, WithOutput(out))...)
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
	keepTracingGlobals(t)
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
			opts := []Option{WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
				WithSystemConfig(""), WithErrorOutput(zapcore.AddSync(&errOut))}
			log := logExportLogger(t, opts, zapcore.AddSync(&out))
			p, err := StartTracing(context.Background(), log, opts...)
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
	keepTracingGlobals(t)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer lis.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	vars := map[string]string{"DYN_LOGGING_JSONL": "1", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://" + lis.Addr().String()}
	var out, errOut bytes.Buffer
	opts := []Option{WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		WithSystemConfig(""), WithErrorOutput(zapcore.AddSync(&errOut))}
	if s, err := resolveDynamo(newConfig(opts)); err != nil || s.logsExport.v {
		t.Fatalf("an export core without OTEL_LOGS_EXPORTER (%v)", err)
	}
	log := logExportLogger(t, opts, zapcore.AddSync(&out))
	p, err := StartTracing(context.Background(), log, opts...)
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
	time.Sleep(50 * time.Millisecond)
	if n := accepted.Load(); n != 0 {
		t.Errorf("%d connections to the endpoint with export off", n)
	}
	if !strings.Contains(out.String(), "OpenTelemetry OTLP export disabled, traces local only") || !strings.Contains(out.String(), "not exported") {
		t.Errorf("output %q", out.String())
	}
}
