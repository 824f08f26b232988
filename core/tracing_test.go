package core_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/tracing"
)

// TestSpanEventsSetting: DYN_LOGGING_SPAN_EVENTS, then the TOML
// span_events, then the layout (on in JSONL, off in readable).
func TestSpanEventsSetting(t *testing.T) {
	dir := t.TempDir()
	tomlOn := filepath.Join(dir, "on.toml")
	if err := os.WriteFile(tomlOn, []byte("span_events = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vllmJSON := filepath.Join(dir, "vllm.json")
	if err := os.WriteFile(vllmJSON, []byte(`{"encoding": "dynamo-jsonl"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		vars map[string]string
		want bool
	}{
		{"readable default", nil, false},
		{"jsonl default", map[string]string{"DYN_LOGGING_JSONL": "1"}, true},
		{"readable, variable on", map[string]string{"DYN_LOGGING_SPAN_EVENTS": "yes"}, true},
		{"jsonl, variable off", map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "0"}, false},
		{"readable, TOML on", map[string]string{"DYN_LOGGING_CONFIG_PATH": tomlOn}, true},
		{"TOML on, variable off", map[string]string{"DYN_LOGGING_CONFIG_PATH": tomlOn, "DYN_LOGGING_SPAN_EVENTS": "false"}, false},
		{"vLLM off by default", map[string]string{"vllm": ""}, false},
		{"vLLM, variable on", map[string]string{"vllm": "", "DYN_LOGGING_SPAN_EVENTS": "1"}, true},
		{"vLLM config file", map[string]string{"vllm": "", "VLLM_LOGGING_CONFIG_PATH": vllmJSON}, false},
		{"vLLM config file, variable on", map[string]string{"vllm": "", "VLLM_LOGGING_CONFIG_PATH": vllmJSON, "DYN_LOGGING_SPAN_EVENTS": "1"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			newLogger := core.New
			if _, ok := tc.vars["vllm"]; ok {
				newLogger = core.NewVLLM
			}
			b := build(t, newLogger, tc.vars)
			ctx, span := tracing.Start(tracing.WithLogger(context.Background(), b.log), "op")
			b.log.Info("inside", tracing.Ctx(ctx))
			span.End()
			got := strings.Count(b.out.String(), "SPAN_CREATED") == 1 && strings.Count(b.out.String(), "SPAN_CLOSED") == 1
			if got != tc.want || !strings.Contains(b.out.String(), "inside") {
				t.Errorf("span events printed: %v, want %v; output:\n%s", got, tc.want, b.out.String())
			}
		})
	}
}

// TestVLLMTraceFunction: VLLM_TRACE_FUNCTION non-zero turns call tracing on
// with vLLM's two lines; zero or junk leaves it off.
func TestVLLMTraceFunction(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	t.Cleanup(func() { tracing.DisableCallTrace() })

	b := build(t, core.NewVLLM, map[string]string{"VLLM_TRACE_FUNCTION": "0"})
	if p := tracing.CallTracePath(); p != "" || b.out.Len() != 0 {
		t.Fatalf("VLLM_TRACE_FUNCTION=0 turned call tracing on (%q) or printed %q", p, b.out.String())
	}
	b = build(t, core.NewVLLM, map[string]string{"VLLM_TRACE_FUNCTION": "x"})
	if p := tracing.CallTracePath(); p != "" || !strings.Contains(b.err.String(), `VLLM_TRACE_FUNCTION="x" is not an integer`) {
		t.Fatalf("VLLM_TRACE_FUNCTION=x: path %q, error output %q", p, b.err.String())
	}

	b = build(t, core.NewVLLM, map[string]string{"VLLM_TRACE_FUNCTION": "1"})
	path := tracing.CallTracePath()
	if path == "" || filepath.Dir(path) != os.Getenv("TMPDIR") {
		t.Fatalf("call trace file %q, want one in TMPDIR %s", path, os.Getenv("TMPDIR"))
	}
	want := "WARNING 01-02 03:04:05 [vllm.go:" // the two lines come from core
	lines := strings.Split(strings.TrimSuffix(b.out.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], want) ||
		!strings.HasSuffix(lines[0], "VLLM_TRACE_FUNCTION is enabled. It will record every function that calls defer tracing.Call()(). This will slow down the code. It is suggested to be used for debugging hang or crashes only.") ||
		!strings.HasSuffix(lines[1], "] Trace frame log is saved to "+path) {
		t.Errorf("output:\n%s", b.out.String())
	}
	traced()
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "Call to github.com/dynlog/dynlog/core_test.traced in ") {
		t.Errorf("trace file %s: %v\n%s", path, err, data)
	}
}

func traced() { defer tracing.Call()() }
