package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/internal/otlptest"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
)

// initChild is the child process of TestInit: a service that calls Init,
// traces one span, logs inside it and shuts down.
func initChild() {
	log := core.Init()
	if core.Init() != log || zap.L() != log {
		os.Exit(3)
	}
	ctx, span := tracing.Start(context.Background(), "child-op", zap.String("k", "v"))
	zap.L().Named("svc").Info("hello", tracing.Ctx(ctx))
	span.End()
	if err := core.Shutdown(context.Background()); err != nil {
		os.Exit(4)
	}
	os.Exit(0)
}

// initReadsChild is the child process of TestInitReadsConfigOnce: a
// service that calls Init and shuts down, exiting with status 5 if the
// file DYN_LOGGING_CONFIG_PATH names was not read exactly once.
func initReadsChild() {
	reads := core.CountConfigReads()
	core.Init()
	if err := core.Shutdown(context.Background()); err != nil {
		os.Exit(4)
	}
	if n := reads(os.Getenv("DYN_LOGGING_CONFIG_PATH")); n != 1 {
		os.Exit(5)
	}
	os.Exit(0)
}

func runInitChild(t *testing.T, vars ...string) (stderr string, err error) {
	t.Helper()
	return runChild(t, "1", vars...)
}

// runChild runs the test binary as Init's child process of the given kind
// (DYNLOG_INIT_CHILD), with vars added to the environment.
func runChild(t *testing.T, kind string, vars ...string) (stderr string, err error) {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append(vars, "DYNLOG_INIT_CHILD="+kind)...)
	var out bytes.Buffer
	cmd.Stderr = &out
	err = cmd.Run()
	return out.String(), err
}

// TestInit runs a real process through Init: JSONL on stderr, span events,
// Dynamo's OTLP init line, and the span exported to an OTLP receiver with
// the IDs the lines carry; then a broken TOML file makes Init exit 1 with
// Dynamo's message.
func TestInit(t *testing.T) {
	rx := otlptest.NewGRPCReceiver(t)
	stderr, err := runInitChild(t, "DYN_LOGGING_JSONL=1", "DYN_LOGGING_SPAN_EVENTS=1", "OTEL_EXPORT_ENABLED=1",
		"OTEL_EXPORTER_OTLP_ENDPOINT="+rx.Endpoint(), "OTEL_SERVICE_NAME=init-test", "DYN_LOG=info")
	if err != nil {
		t.Fatalf("child: %v\n%s", err, stderr)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("stderr line is not JSONL: %q", l)
		}
		lines = append(lines, m)
	}
	var msgs []string
	for _, l := range lines {
		msgs = append(msgs, l["message"].(string))
	}
	want := []string{"OpenTelemetry OTLP export enabled", "SPAN_FIRST_ENTRY", "hello", "SPAN_CLOSED"}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Fatalf("messages %q, want %q\n%s", msgs, want, stderr)
	}
	if lines[0]["target"] != "dynamo_runtime::logging" || lines[0]["service"] != "init-test" || lines[0]["endpoint"] != rx.Endpoint() {
		t.Errorf("init line %v", lines[0])
	}
	spans := rx.WaitSpans(1, 10*time.Second)
	if len(spans) != 1 {
		t.Fatalf("receiver has %d spans, want 1", len(spans))
	}
	got := spans[0]
	hello := lines[2]
	if got.TraceID != hello["trace_id"] || got.SpanID != hello["span_id"] || got.Name != "child-op" ||
		got.Resource["service.name"] != "init-test" || hello["target"] != "svc" {
		t.Errorf("exported %+v, logged %v", got, hello)
	}

	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("log_level = \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr, err = runInitChild(t, "DYN_LOGGING_CONFIG_PATH="+bad)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("child with a broken TOML file: %v, want exit status 1\n%s", err, stderr)
	}
	if !strings.HasPrefix(stderr, "Failed to initialize logging: ") || !strings.Contains(stderr, bad) {
		t.Errorf("stderr %q, want Dynamo's message naming the file", stderr)
	}
}

// TestInitReadsConfigOnce: Init resolves its settings once, for the logger
// and for tracing: the TOML file is read once, and its JSONL format still
// gives Dynamo's init line, in JSONL.
func TestInitReadsConfigOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logging.toml")
	if err := os.WriteFile(path, []byte("format = \"jsonl\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr, err := runChild(t, "reads", "DYN_LOGGING_CONFIG_PATH="+path)
	if err != nil {
		t.Fatalf("child: %v (status 5: the file was read more than once)\n%s", err, stderr)
	}
	var line struct{ Target, Message string }
	if err := json.Unmarshal([]byte(strings.TrimSpace(stderr)), &line); err != nil ||
		line.Message != "OpenTelemetry OTLP export disabled, traces local only" {
		t.Errorf("stderr %q (%v), want Dynamo's init line in JSONL", stderr, err)
	}
}

// TestInitReportsPointAtItsCaller: a report Init makes (here, a DYN_LOG
// directive it skips) points at the program's call of Init, as New's point
// at the call of New, not into core.
func TestInitReportsPointAtItsCaller(t *testing.T) {
	stderr, err := runInitChild(t, "DYN_LOGGING_JSONL=1", "DYN_LOG=info,foo=loud", "OTEL_EXPORT_ENABLED=0")
	if err != nil {
		t.Fatalf("child: %v\n%s", err, stderr)
	}
	src, err := os.ReadFile("init_test.go")
	if err != nil {
		t.Fatal(err)
	}
	before, _, ok := strings.Cut(string(src), "\tlog := core.Init()\n")
	if !ok {
		t.Fatal("initChild's call of Init not found in init_test.go")
	}
	wantLine := float64(strings.Count(before, "\n") + 1)
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("stderr line is not JSONL: %q", l)
		}
		if m["target"] != "dynlog" {
			continue
		}
		file, _ := m["file"].(string)
		if filepath.Base(file) != "init_test.go" || m["line"] != wantLine {
			t.Fatalf("Init's report points at %v:%v, want init_test.go:%v\n%s", m["file"], m["line"], wantLine, l)
		}
		return
	}
	t.Fatalf("no report of target dynlog for DYN_LOG=info,foo=loud:\n%s", stderr)
}
