// Package alone_test tests package core in a program that links it alone,
// without core/service: what such a program links, and what core says when
// the configuration asks for what it leaves out.
package alone_test

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap/zapcore"
)

// TestCoreLinksNoExporter: a program that calls core.New, core.Init or
// the bridges of package core links neither gRPC nor an OTLP exporter;
// core/service does, and only a program that imports it.
func TestCoreLinksNoExporter(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH to list the imports with: %v", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", "github.com/dynlog/dynlog/core", "github.com/dynlog/dynlog/core/config").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "google.golang.org/grpc") ||
			strings.HasPrefix(pkg, "go.opentelemetry.io/otel/exporters/") ||
			pkg == "github.com/dynlog/dynlog/tracing/otlp" ||
			pkg == "github.com/dynlog/dynlog/core/service" {
			t.Errorf("package core imports %s", pkg)
		}
	}
}

// TestLogsExportNotLinked: OTEL_LOGS_EXPORTER=otlp in a program without
// core/service gives a logger that logs, and one report that says what to
// import.
func TestLogsExportNotLinked(t *testing.T) {
	var out, errOut bytes.Buffer
	vars := map[string]string{"DYN_LOGGING_JSONL": "1", "OTEL_LOGS_EXPORTER": "otlp"}
	log, err := core.New(core.WithSystemConfig(""), core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithOutput(zapcore.AddSync(&out)), core.WithErrorOutput(zapcore.AddSync(&errOut)))
	if err != nil {
		t.Fatal(err)
	}
	log.Info("still logged")
	if !strings.Contains(out.String(), `"message":"still logged"`) {
		t.Errorf("output %q, want the line", out.String())
	}
	want := `"message":"OTEL_LOGS_EXPORTER=otlp asks for OTLP log export, which this program does not link: import github.com/dynlog/dynlog/core/service (its Init, or a blank import before core.Init) to have it; lines are not exported"`
	if lines := strings.Split(strings.TrimSpace(errOut.String()), "\n"); len(lines) != 1 || !strings.Contains(lines[0], want) ||
		!strings.Contains(lines[0], `"level":"WARN"`) || !strings.Contains(lines[0], `"target":"dynlog"`) {
		t.Errorf("error output %q, want one WARN line of target dynlog holding %s", errOut.String(), want)
	}
}

// TestInitNotLinked: core.Init with OTEL_EXPORT_ENABLED, or
// OTEL_LOGS_EXPORTER, in a program without core/service logs on, says once
// what to import, and writes Dynamo's line for export off.
func TestInitNotLinked(t *testing.T) {
	if os.Getenv("DYNLOG_ALONE_CHILD") == "1" {
		log := core.Init()
		log.Info("hello")
		if err := core.Shutdown(t.Context()); err != nil {
			t.Fatal(err)
		}
		return
	}
	const importIt = ", which this program does not link: import github.com/dynlog/dynlog/core/service (its Init, or a blank import before core.Init) to have it; "
	for _, tc := range []struct {
		variable string
		want     []string
	}{
		{"OTEL_EXPORT_ENABLED=1", []string{
			"OTEL_EXPORT_ENABLED asks for OTLP export of spans" + importIt + "spans stay local",
			"OpenTelemetry OTLP export disabled, traces local only",
			"hello",
		}},
		{"OTEL_LOGS_EXPORTER=otlp", []string{
			"OTEL_LOGS_EXPORTER=otlp asks for OTLP log export" + importIt + "lines are not exported",
			"OpenTelemetry OTLP export disabled, traces local only",
			"hello",
		}},
	} {
		t.Run(tc.variable, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestInitNotLinked$", "-test.count=1")
			cmd.Env = append(os.Environ(), "DYNLOG_ALONE_CHILD=1", "DYN_LOGGING_JSONL=1", tc.variable, "DYN_LOGGING_CONFIG_PATH=", "DYN_LOG=")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("child: %v\n%s", err, stderr.String())
			}
			var msgs []string
			for _, l := range strings.Split(strings.TrimSpace(stderr.String()), "\n") {
				_, msg, _ := strings.Cut(l, `"message":"`)
				msg, _, _ = strings.Cut(msg, `"`)
				msgs = append(msgs, msg)
			}
			if strings.Join(msgs, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("messages\n%q\nwant\n%q\nstderr:\n%s", msgs, tc.want, stderr.String())
			}
		})
	}
}
