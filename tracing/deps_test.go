package tracing_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportsNoExporter: package tracing, which every traced program
// imports, links neither gRPC nor an OTLP exporter; those belong to
// tracing/otlp, which only a program that exports imports. Nor does it link
// package encoder: the span types it hands the encoders are encoder/vocab's,
// so a program that traces under encoders of its own links (and registers
// with zap) none of dynlog's.
func TestImportsNoExporter(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH to list the imports with: %v", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		if strings.HasPrefix(pkg, "google.golang.org/grpc") ||
			strings.HasPrefix(pkg, "go.opentelemetry.io/otel/exporters/") ||
			strings.HasPrefix(pkg, "github.com/dynlog/dynlog/tracing/") ||
			pkg == "github.com/dynlog/dynlog/encoder" {
			t.Errorf("package tracing imports %s", pkg)
		}
	}
}
