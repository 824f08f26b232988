package core_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/tracing"
	"github.com/dynlog/dynlog/tracing/calltrace"
)

// TestSpanEventsSetting: which span events core.New and NewVLLM print, from
// DYN_LOGGING_SPAN_EVENTS, the TOML span_events, the layout, whether trace
// context is on (readable), and the generation
// (DYN_LOGGING_SPAN_EVENTS_LAYOUT, TOML span_events_layout).
func TestSpanEventsSetting(t *testing.T) {
	dir := t.TempDir()
	tomlOn := writeFile(t, dir, "on.toml", "span_events = true\n")
	toml2025 := writeFile(t, dir, "2025.toml", "span_events_layout = \"2025\"\n")
	tomlJSONL := writeFile(t, dir, "jsonl.toml", "format = \"jsonl\"\nspan_events = true\n")
	vllmJSON := writeFile(t, dir, "vllm.json", `{"encoding": "dynamo-jsonl"}`)

	// What a span prints: none, today's JSONL events, tracing-subscriber's
	// readable ones, or the 2025 guide's.
	const (
		none     = "none"
		today    = "SPAN_FIRST_ENTRY|SPAN_CLOSED"
		readable = "span_event: SPAN_FIRST_ENTRY|: close time.busy="
		y2025    = "SPAN_CREATED|SPAN_CLOSED"
	)
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"readable default", nil, none},
		{"jsonl default", map[string]string{"DYN_LOGGING_JSONL": "1"}, none},
		{"jsonl, variable on", map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "yes"}, today},
		{"jsonl, variable off", map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "0"}, none},
		{"readable, variable on, no trace context", map[string]string{"DYN_LOGGING_SPAN_EVENTS": "1"}, none},
		{"readable console over JSONL, variable on", map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONSOLE_FORMAT": "readable", "DYN_LOGGING_SPAN_EVENTS": "1"}, readable},
		{"readable with OTLP export, variable on", map[string]string{
			"OTEL_EXPORT_ENABLED": "true", "DYN_LOGGING_SPAN_EVENTS": "1"}, readable},
		{"readable console over TOML jsonl, TOML on", map[string]string{
			"DYN_LOGGING_CONFIG_PATH": tomlJSONL, "DYN_LOGGING_CONSOLE_FORMAT": "readable"}, readable},
		{"jsonl, TOML on", map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONFIG_PATH": tomlOn}, today},
		{"jsonl, TOML on, variable off", map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONFIG_PATH": tomlOn, "DYN_LOGGING_SPAN_EVENTS": "false"}, none},
		{"2025: jsonl default", map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS_LAYOUT": "2025"}, y2025},
		{"2025: readable default", map[string]string{"DYN_LOGGING_SPAN_EVENTS_LAYOUT": "2025"}, none},
		{"2025: readable, variable on", map[string]string{
			"DYN_LOGGING_SPAN_EVENTS_LAYOUT": "2025", "DYN_LOGGING_SPAN_EVENTS": "1"}, y2025},
		{"2025: jsonl, variable off", map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS_LAYOUT": " 2025 ", "DYN_LOGGING_SPAN_EVENTS": "off"}, none},
		{"2025 from TOML: jsonl default", map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONFIG_PATH": toml2025}, y2025},
		{"variable over TOML layout", map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONFIG_PATH": toml2025, "DYN_LOGGING_SPAN_EVENTS_LAYOUT": "Dynamo"}, none},
		{"vLLM off by default", map[string]string{"vllm": ""}, none},
		{"vLLM, variable on", map[string]string{"vllm": "", "DYN_LOGGING_SPAN_EVENTS": "1"}, today},
		{"vLLM, variable on, 2025", map[string]string{
			"vllm": "", "DYN_LOGGING_SPAN_EVENTS": "1", "DYN_LOGGING_SPAN_EVENTS_LAYOUT": "2025"}, y2025},
		{"vLLM config file", map[string]string{"vllm": "", "VLLM_LOGGING_CONFIG_PATH": vllmJSON}, none},
		{"vLLM config file, variable on", map[string]string{
			"vllm": "", "VLLM_LOGGING_CONFIG_PATH": vllmJSON, "DYN_LOGGING_SPAN_EVENTS": "1"}, today},
	} {
		t.Run(tc.name, func(t *testing.T) {
			newLogger := core.New
			if _, ok := tc.vars["vllm"]; ok {
				newLogger = core.NewVLLM
			}
			b := coretest.Build(t, newLogger, tc.vars)
			ctx, span := tracing.Start(tracing.WithLogger(context.Background(), b.Log), "op")
			b.Log.Info("inside", tracing.Ctx(ctx))
			span.End()
			out := b.Out.String()
			got, matched := none, 0
			for _, kind := range []string{today, readable, y2025} {
				open, close, _ := strings.Cut(kind, "|")
				if strings.Count(out, open) == 1 && strings.Count(out, close) == 1 {
					got, matched = kind, matched+1
				}
			}
			// One form or none, and nothing but the events and the line.
			if lines := strings.Count(out, "\n"); matched > 1 || got == none && lines != 1 || got != none && lines != 3 {
				got = "an unexpected form"
			}
			if got == none && strings.Contains(out, "SPAN_") {
				got = "an unexpected form"
			}
			if got != tc.want || !strings.Contains(out, "inside") {
				t.Errorf("span events: %s, want %s; output:\n%s", got, tc.want, out)
			}
		})
	}
}

// TestSpanEventsLayoutTypo: a DYN_LOGGING_SPAN_EVENTS_LAYOUT that is not a
// layout is reported, and today's layout is used; a bad TOML value is an
// error naming the file, line and column.
func TestSpanEventsLayoutTypo(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{
		"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "1", "DYN_LOGGING_SPAN_EVENTS_LAYOUT": "2024"})
	// One JSONL line of target dynlog, pointing at the call of New in build.
	want := `"target":"dynlog","message":"DYN_LOGGING_SPAN_EVENTS_LAYOUT=\"2024\" is neither \"dynamo\" nor \"2025\"; using \"dynamo\""}` + "\n"
	if !strings.HasPrefix(b.Err.String(), `{"time":"2026-01-02T03:04:05.656503Z","level":"WARN","file":`) ||
		!strings.HasSuffix(b.Err.String(), want) || strings.Count(b.Err.String(), "\n") != 1 {
		t.Errorf("error output %q, want %q", b.Err.String(), want)
	}
	ctx, span := tracing.Start(tracing.WithLogger(context.Background(), b.Log), "op")
	_ = ctx
	span.End()
	if !strings.Contains(b.Out.String(), `"message":"SPAN_FIRST_ENTRY"`) {
		t.Errorf("today's events missing after a bad layout: %s", b.Out.String())
	}

	path := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(path, []byte("log_level = \"info\"\nspan_events_layout = \"2024\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := core.New(core.WithSystemConfig(""), core.WithEnv(func(k string) (string, bool) {
		if k == "DYN_LOGGING_CONFIG_PATH" {
			return path, true
		}
		return "", false
	}))
	wantErr := path + `:2:22: span_events_layout: unknown layout "2024" (want dynamo or 2025)`
	if err == nil || !strings.Contains(err.Error(), wantErr) {
		t.Errorf("error %v, want one containing %q", err, wantErr)
	}
}

// TestVLLMTraceFunction: VLLM_TRACE_FUNCTION non-zero turns call tracing on
// with vLLM's two lines; zero or junk leaves it off.
func TestVLLMTraceFunction(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	t.Cleanup(func() { calltrace.Disable() })

	b := coretest.Build(t, core.NewVLLM, map[string]string{"VLLM_TRACE_FUNCTION": "0"})
	if p := calltrace.Path(); p != "" || b.Out.Len() != 0 {
		t.Fatalf("VLLM_TRACE_FUNCTION=0 turned call tracing on (%q) or printed %q", p, b.Out.String())
	}
	b = coretest.Build(t, core.NewVLLM, map[string]string{"VLLM_TRACE_FUNCTION": "x"})
	if p := calltrace.Path(); p != "" || !strings.Contains(b.Err.String(), `VLLM_TRACE_FUNCTION="x" is not an integer`) {
		t.Fatalf("VLLM_TRACE_FUNCTION=x: path %q, error output %q", p, b.Err.String())
	}

	b = coretest.Build(t, core.NewVLLM, map[string]string{"VLLM_TRACE_FUNCTION": "1"})
	path := calltrace.Path()
	if path == "" || filepath.Dir(path) != os.Getenv("TMPDIR") {
		t.Fatalf("call trace file %q, want one in TMPDIR %s", path, os.Getenv("TMPDIR"))
	}
	want := "WARNING 01-02 03:04:05 [vllm.go:" // the two lines come from core
	lines := strings.Split(strings.TrimSuffix(b.Out.String(), "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], want) ||
		!strings.HasSuffix(lines[0], "VLLM_TRACE_FUNCTION is enabled. It will record every function that calls defer calltrace.Call()(). This will slow down the code. It is suggested to be used for debugging hang or crashes only.") ||
		!strings.HasSuffix(lines[1], "] Trace frame log is saved to "+path) {
		t.Errorf("output:\n%s", b.Out.String())
	}
	traced()
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "Call to github.com/dynlog/dynlog/core_test.traced in ") {
		t.Errorf("trace file %s: %v\n%s", path, err, data)
	}
}

func traced() { defer calltrace.Call()() }
