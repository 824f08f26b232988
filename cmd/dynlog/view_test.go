package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/internal/logtest"
)

// The readable lines of the golden JSONL as the readable layout lays
// them out: a JSONL line knows only its innermost span. The request
// span's method, uri and version are Display values (bare), x_request_id
// a string (quoted), after the line's own fields; the file holds the 2025
// layout (SPAN_CREATED), so its SPAN_CLOSED stays as it is.
var goldenReadable = []string{
	`2025-09-02T16:38:06.656503Z  INFO http-request: dynamo_runtime::logging: SPAN_CREATED method=POST uri=/v1/chat/completions version=HTTP/1.1`,
	`2025-09-02T16:38:06.666672Z  INFO handle_payload: dynamo_runtime::pipeline::network::ingress::push_endpoint: SPAN_CREATED component="backend" endpoint="generate" instance_id="7587888160958627596" namespace="dynamo"`,
	`2025-09-02T16:38:06.685333Z  WARN cudagraph_dispatcher.dispatch: cudagraph dispatching keys are not initialized. No cudagraph will be used.`,
	`2025-09-02T16:38:08.787232Z  INFO handle_payload: dynamo_runtime::pipeline::network::ingress::push_endpoint: SPAN_CLOSED component="backend" endpoint="generate" instance_id="7587888160958627596" namespace="dynamo" time.busy_us=1090 time.duration_us=2121090 time.idle_us=2120000`,
	`2025-09-02T16:38:08.788268Z  INFO http-request: dynamo_runtime::logging: SPAN_CLOSED time.busy_us=13000 time.duration_us=2133000 time.idle_us=2120000 method=POST uri=/v1/chat/completions version=HTTP/1.1`,
	`2025-09-02T17:01:46.306801Z  INFO http-request: dynamo_runtime::logging: SPAN_CREATED method=POST uri=/v1/chat/completions version=HTTP/1.1 x_request_id="8372eac7-5f43-4d76-beca-0a94cfb311d0"`,
	`2025-09-02T15:53:31.943377Z  INFO main.init: VllmWorker for Qwen/Qwen3-0.6B has been initialized`,
	`2025-10-31T20:52:10.745264Z DEBUG http-request: dynamo_llm::kv_router::prefill_router: Prefill succeeded, using disaggregated params for decode method=POST uri=/v1/chat/completions version=HTTP/1.1`,
}

func readable(idx ...int) string {
	var b strings.Builder
	for _, i := range idx {
		b.WriteString(goldenReadable[i] + "\n")
	}
	return b.String()
}

func TestView(t *testing.T) {
	golden, err := os.ReadFile(goldenJSONL)
	if err != nil {
		t.Fatal(err)
	}
	mixed := writeFile(t, "mixed.log", "starting up\n"+string(golden)+"[node-0] INFO 01-02 03:04:05 [x.py:1] plain\n{\"not\":\"a record\"}\n")
	for _, tc := range []struct {
		name   string
		args   []string
		stdout string
	}{
		{"readable", []string{goldenJSONL}, readable(0, 1, 2, 3, 4, 5, 6, 7)},
		{"mixed input passes through", []string{mixed},
			"starting up\n" + readable(0, 1, 2, 3, 4, 5, 6, 7) + "[node-0] INFO 01-02 03:04:05 [x.py:1] plain\n{\"not\":\"a record\"}\n"},
		{"--trace", []string{"--trace", "425ef761ca5b44c795b4c912f1d84b39", goldenJSONL}, readable(0, 1, 3, 4)},
		{"--request-id", []string{"--request-id", "8372eac7-5f43-4d76-beca-0a94cfb311d0", goldenJSONL}, readable(5)},
		{"--level warn", []string{"--level", "warn", goldenJSONL}, readable(2)},
		{"--level debug", []string{"--level=debug", goldenJSONL}, readable(0, 1, 2, 3, 4, 5, 6, 7)},
		{"--filter by target", []string{"--filter", "warn,dynamo_runtime::logging=info", goldenJSONL}, readable(0, 2, 4, 5)},
		{"--filter by log.target", []string{"--filter", "main=info", goldenJSONL}, readable(6)},
		{"--filter by span", []string{"--filter", "info,[http-request]=debug", goldenJSONL}, readable(0, 1, 2, 3, 4, 5, 6, 7)},
		{"--filter off", []string{"--filter", "off", goldenJSONL}, ""},
		{"colour", []string{"--color", "always", "--level", "info", "--filter", "main=info", goldenJSONL},
			"\x1b[2m2025-09-02T15:53:31.943377Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mmain.init\x1b[0m\x1b[2m:\x1b[0m VllmWorker for Qwen/Qwen3-0.6B has been initialized\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(append([]string{"view"}, tc.args...), &out, &errOut); code != 0 {
				t.Errorf("exit %d; stderr %q", code, errOut.String())
			}
			if out.String() != tc.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), tc.stdout)
			}
		})
	}
}

func TestViewVLLMAndStdin(t *testing.T) {
	golden, err := os.ReadFile(goldenJSONL)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := view([]string{"--format", "vllm", "--level", "warn"}, bytes.NewReader(golden), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	// The date is local time, so only its shape is checked.
	s := out.String()
	if !strings.HasPrefix(s, "WARNING ") || !strings.HasSuffix(s, " [cudagraph_dispatcher.py:101] cudagraph dispatching keys are not initialized. No cudagraph will be used.\n") || strings.Count(s, "\n") != 1 {
		t.Errorf("stdout %q", s)
	}
}

func TestViewUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"view", "--nope"}, "dynlog view: flag provided but not defined: -nope (try dynlog view --help)\n"},
		{[]string{"view", "--format", "json"}, "dynlog view: --format \"json\": want readable or vllm (try dynlog view --help)\n"},
		{[]string{"view", "--color", "sometimes"}, "dynlog view: --color \"sometimes\": want auto, always or never (try dynlog view --help)\n"},
		{[]string{"view", "--level", "loud"}, "dynlog view: --level: unknown level \"loud\" (want off, error, warn, info, debug, trace or 0-5) (try dynlog view --help)\n"},
		{[]string{"view", "--filter", "a=b=c"}, ""},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2", tc.args, code)
		}
		if strings.Count(errOut.String(), "\n") != 1 || tc.stderr != "" && errOut.String() != tc.stderr {
			t.Errorf("%v: stderr %q, want %q", tc.args, errOut.String(), tc.stderr)
		}
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"view", "--help"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "Usage: dynlog view") || !strings.Contains(out.String(), "-request-id") {
		t.Errorf("--help: exit %d, stdout %q", code, out.String())
	}
	if code := run([]string{"view", "/nonexistent/x"}, &out, &errOut); code != 1 {
		t.Errorf("missing file: exit %d", code)
	}
}

// TestViewHostileInput: no panic; what is not a record comes out as it
// went in, what is a record comes out as one line.
func TestViewHostileInput(t *testing.T) {
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i*7919) | 1 // no NUL-free guarantee needed, but no "\n" either
		if garbage[i] == '\n' {
			garbage[i] = 'n'
		}
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"binary garbage", string(garbage) + "\n", string(appendSafeLine(nil, garbage)) + "\n"},
		{"truncated JSON", okLine[:40] + "\n", okLine[:40] + "\n"},
		{"invalid UTF-8 in a record", "{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"target\":\"x\",\"message\":\"a\xffb\",\"k\":\"\xfe\"}\n",
			"2025-09-02T16:38:06.656503Z  INFO x: a\ufffdb k=\"\ufffd\"\n"},
		{"escape in message", `{"time":"2025-09-02T16:38:06.656503Z","level":"ERROR","target":"x","message":"\u001b[31mred"}` + "\n",
			"2025-09-02T16:38:06.656503Z ERROR x: \\x1b[31mred\n"},
		{"wrong types", `{"time":12,"level":3,"message":"m","line":"x","n":1.5,"o":{"a":[1,null]},"b":true}` + "\n",
			"0001-01-01T00:00:00.000000Z  INFO : m time=12 level=3 line=\"x\" n=1.5 o={\"a\":[1,null]} b=true\n"},
		{"1 MB message", `{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"` + strings.Repeat("a", 1<<20) + `"}` + "\n",
			"2025-09-02T16:38:06.656503Z  INFO x: " + strings.Repeat("a", 1<<20) + "\n"},
		{"CRLF", okLine + "\r\nplain\r\n", "2025-09-02T16:38:06.656503Z  INFO x: m\nplain\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := view(nil, strings.NewReader(tc.in), &out, &errOut); code != 0 {
				t.Errorf("exit %d: %s", code, errOut.String())
			}
			if out.String() != tc.want {
				t.Errorf("stdout %q, want %q", trim(out.String()), trim(tc.want))
			}
		})
	}
}

func trim(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// TestViewFollow appends to a file that view -f follows and sees each
// line come out, then stops view as an interrupt would.
func TestViewFollow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.jsonl")
	if err := os.WriteFile(path, []byte(okLine+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	old := viewContext
	viewContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
	defer func() { viewContext = old }()

	var out logtest.Buffer
	done := make(chan int)
	go func() { done <- run([]string{"view", "-f", path}, &out, io.Discard) }()

	waitFor := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for out.String() != want {
			if time.Now().After(deadline) {
				t.Fatalf("stdout %q, want %q", out.String(), want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	first := "2025-09-02T16:38:06.656503Z  INFO x: m\n"
	waitFor(first)
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString("not json\n" + strings.Replace(okLine, `"m"`, `"second"`, 1) + "\n")
	waitFor(first + "not json\n2025-09-02T16:38:06.656503Z  INFO x: second\n")
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("view -f did not stop")
	}
}

// TestViewTooLongRecord: a record longer than the 16 MiB a line is read
// with cannot be decoded, so no filter can be checked on it. With
// filters, it is skipped and stderr says so; with none, its first 16 MiB
// are passed through, as any line that is not a record, and stderr says
// that it was cut. A long line that is not a JSON object passes through
// cut whatever the filters, as a short one passes through whole.
func TestViewTooLongRecord(t *testing.T) {
	const size = 20 << 20
	const traceID = "425ef761ca5b44c795b4c912f1d84b39"
	head := `{"time":"2025-09-02T16:38:06.656503Z","level":"DEBUG","target":"x","trace_id":"0af7651916cd43dd8448eb211c80319c","message":"`
	tail := `"}`
	big := head + strings.Repeat("a", size-len(head)-len(tail)) + tail
	match := `{"time":"2025-09-02T16:38:06.656503Z","level":"ERROR","target":"x","trace_id":"` + traceID + `","message":"m"}`
	path := writeFile(t, "big.jsonl", match+"\n"+big+"\n"+match+"\n")
	text := strings.Repeat("t", 17<<20) // not a record: passes through, whatever the filters
	textPath := writeFile(t, "big.log", text+"\n")
	printed := "2025-09-02T16:38:06.656503Z ERROR x: m\n" // trace_id is not part of the readable line

	for _, tc := range []struct {
		name           string
		args           []string
		stdout, stderr string
	}{
		{"--level and --trace", []string{"--level", "error", "--trace", traceID, path}, printed + printed,
			"dynlog view: skipped a 20971520-byte record in " + path + " at line 2: longer than the 16 MiB a record may be read with, so --level/--trace could not be checked\n"},
		{"no filter", []string{path}, printed + big[:16<<20] + "\n" + printed,
			"dynlog view: printed only the first 16 MiB of a 20971520-byte line in " + path + " at line 2: longer than the 16 MiB a line may be read with\n"},
		{"not a record, --level", []string{"--level", "error", textPath}, text[:16<<20] + "\n",
			"dynlog view: printed only the first 16 MiB of a 17825792-byte line in " + textPath + " at line 1: longer than the 16 MiB a line may be read with\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := run(append([]string{"view"}, tc.args...), &out, &errOut); code != 0 {
				t.Errorf("exit %d", code)
			}
			if out.String() != tc.stdout {
				t.Errorf("stdout (%d bytes) %q, want (%d bytes) %q", out.Len(), trim(out.String()), len(tc.stdout), trim(tc.stdout))
			}
			if errOut.String() != tc.stderr {
				t.Errorf("stderr %q, want %q", errOut.String(), tc.stderr)
			}
		})
	}
}
