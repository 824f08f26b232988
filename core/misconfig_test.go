package core_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/core/service"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap/zapcore"
)

// TestMisconfigurations: what a user who gets a setting wrong sees, and
// whether the program's lines still print. Every row says something; none
// is silent.
func TestMisconfigurations(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.toml")
	tests := []struct {
		name string
		vars map[string]string
		// put, if set, is sent to the logger's filter handler.
		put string
		// otlp: call StartTracing, whose reports are the ones to see.
		otlp bool
		// sees is what the user reads: the error output, then (for a
		// PUT) the status and answer, or New's error.
		sees   string
		prints bool // an INFO line of target "app" after the setting
	}{
		{name: "DYN_LOG=dbug", vars: map[string]string{"DYN_LOG": "dbug"},
			sees: diagLine(`filter: "dbug=trace" (from env DYN_LOG) reads "dbug" as a target printed at trace, not as a level, and no directive sets a default level, so lines of every other target print nothing; did you mean "debug"?`)},
		{name: "DYN_LOG=verbose", vars: map[string]string{"DYN_LOG": "verbose"},
			sees: diagLine(`filter: no directive sets a default level (a bare level such as "info"), so only lines of "verbose" print and every other target's are off`)},
		{name: "DYN_LOG=app::x=debug alone", vars: map[string]string{"DYN_LOG": "app::x=debug"},
			sees: diagLine(`filter: no directive sets a default level (a bare level such as "info"), so only lines of "app::x" print and every other target's are off`)},
		{name: "empty PUT", put: "",
			sees:   `400 {"error":"filter: spec \"\" holds no directive (send \"off\" to turn every line off, DELETE to go back to the configured filter); the filter in force stays"}` + "\n",
			prints: true},
		{name: "off PUT", put: "off",
			sees: `200 {"filter":"off","directives":[{"level":"off","source":"runtime"}],"override":true,"configured":"info,opentelemetry_sdk=error,opentelemetry=error,async_nats=error,hyper_util=error,tokenizers=error,hf_hub=error,rustls=error,tonic=error,tower=error,axum=error,grpc=error,neli=error,otel=error,h2=error","warnings":["filter: \"off\" turns every line off"]}` + "\n"},
		{name: "missing config path", vars: map[string]string{"DYN_LOGGING_CONFIG_PATH": missing},
			sees: `core: DYN_LOGGING_CONFIG_PATH="` + missing + `" names a file that does not exist; point it at a TOML file or unset it`},
		{name: "DYN_LOGGING_JSONL=y", vars: map[string]string{"DYN_LOGGING_JSONL": "y"},
			sees:   diagLine(`DYN_LOGGING_JSONL="y" is not a boolean (want 1, true, on, yes, 0, false, off, no or empty); taking it as false`),
			prints: true},
		{name: "OTEL_EXPORTER_OTLP_ENDPOINT=localhost:4317 (gRPC: HOST:PORT)", otlp: true,
			vars: map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "localhost:4317"}, sees: "", prints: true},
		{name: "OTEL_EXPORTER_OTLP_ENDPOINT=localhost:4317 over http/protobuf", otlp: true,
			vars:   map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "localhost:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf"},
			sees:   diagLine(`OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4317" has no scheme, which OTLP over http/protobuf needs (such as http://localhost:4317); ignoring it`),
			prints: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			opts := []core.Option{core.WithEnv(coretest.Env(tt.vars)), core.WithOutput(zapcore.AddSync(&out)), core.WithSystemConfig(""),
				core.WithErrorOutput(zapcore.AddSync(&errOut)), core.WithClock(coretest.Clock(coretest.Pinned)), core.WithLocation(time.UTC)}
			log, err := core.New(opts...)
			if err != nil {
				if err.Error() != tt.sees {
					t.Errorf("New: %v\nwant %s", err, tt.sees)
				}
				return
			}
			sees := errOut.String()
			if tt.otlp {
				coretest.KeepTracingGlobals(t)
				errOut.Reset()
				p, err := service.StartTracing(context.Background(), log, opts...)
				if err != nil {
					t.Fatal(err)
				}
				defer p.Shutdown(context.Background())
				sees = errOut.String()
			}
			if tt.put != "" || tt.name == "empty PUT" {
				srv := httptest.NewServer(filter.Handler(log.Core()))
				req, _ := http.NewRequest(http.MethodPut, srv.URL, strings.NewReader(tt.put))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				srv.Close()
				sees += resp.Status[:3] + " " + string(body)
			}
			if sees != tt.sees {
				t.Errorf("the user sees\n%s\nwant\n%s", sees, tt.sees)
			}
			out.Reset()
			core.Named(log, "app").Info("still here")
			if got := strings.Contains(out.String(), "still here"); got != tt.prints {
				t.Errorf("the line printed: %v, want %v (output %q)", got, tt.prints, out.String())
			}
		})
	}
}

// TestDiagnosticsInVLLMLayout: NewVLLM's reports are lines of the vLLM
// layout, target dynlog, on the error output.
func TestDiagnosticsInVLLMLayout(t *testing.T) {
	b := coretest.Build(t, core.NewVLLM, map[string]string{"DYN_LOG": "info,x=loud"})
	got := b.Err.String()
	if strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "WARNING 01-02 03:04:05 [") ||
		!strings.HasSuffix(got, `] DYN_LOG: filter: ignoring directive "x=loud": unknown level "loud" (want off, error, warn, info, debug, trace or 0-5)`+"\n") {
		t.Errorf("error output %q", got)
	}
}
