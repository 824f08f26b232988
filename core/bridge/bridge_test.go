package bridge_test

import (
	"fmt"
	"log"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/bridge"
	"github.com/dynlog/dynlog/core/internal/coretest"
)

// origin is where a bridged record comes from: its level, log.target,
// log.file and log.line (file "" and line 0: none) and message.
type origin struct {
	level, target, file string
	line                int
	message             string
}

// wantBridged checks that the JSONL lines in out are bridged records
// (target "log", no file or line, the log.* fields) from want,
// in order.
func wantBridged(t *testing.T, out string, want ...origin) {
	t.Helper()
	lines := coretest.JSONLines(t, out)
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		m := lines[i]
		got := origin{level: str(m["level"]), target: str(m["log.target"]), file: str(m["log.file"]), message: str(m["message"])}
		if n, ok := m["log.line"].(float64); ok {
			got.line = int(n)
		}
		if got != w {
			t.Errorf("line %d: %+v, want %+v\n%s", i, got, w, out)
		}
		if m["target"] != "log" {
			t.Errorf("line %d: target %v, want \"log\"", i, m["target"])
		}
		if _, ok := m["file"]; ok {
			t.Errorf("line %d has file: %v", i, m)
		}
		if _, ok := m["line"]; ok {
			t.Errorf("line %d has line: %v", i, m)
		}
		if _, ok := m["log.line"]; ok == (w.file == "") {
			t.Errorf("line %d: log.line present %v, want %v", i, ok, w.file != "")
		}
	}
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

// recovered runs fn and returns what it panicked with.
func recovered(fn func()) (v any) {
	defer func() { v = recover() }()
	fn()
	return nil
}

// logOutput logs msg as its caller's line, as log wrappers do.
func logOutput(msg string) { _ = log.Output(2, msg) }

func TestRedirectStdLogJSONL(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	defer bridge.RedirectStdLog(b.Log)()

	file, line := coretest.Here()
	log.Printf("hello %d", 1)
	_, viaLine := coretest.Here()
	logOutput("through a wrapper")
	_, panicLine := coretest.Here()
	p := recovered(func() { log.Panicf("oops %s", "x") })
	if p != "oops x" {
		t.Errorf("log.Panicf panicked with %v, want its message", p)
	}
	std := log.New(log.Writer(), "", log.Flags()) // a Logger of its own on the bridge
	_, ownLine := coretest.Here()
	std.Println("own logger")

	wantBridged(t, b.Out.String(),
		origin{"INFO", thisTarget, file, line + 1, "hello 1"},
		origin{"INFO", thisTarget, file, viaLine + 1, "through a wrapper"},
		origin{"ERROR", thisTarget, file, panicLine + 1, "oops x"},
		origin{"INFO", thisTarget, file, ownLine + 1, "own logger"},
	)
}

func TestRedirectStdLogReadable(t *testing.T) {
	b := coretest.Build(t, core.New, nil)
	defer bridge.RedirectStdLog(b.Log)()
	log.Print("multi\nline")
	log.Println("with", "spaces")
	want := "2026-01-02T03:04:05.656503Z  INFO " + thisTarget + ": multi\nline\n" +
		"2026-01-02T03:04:05.656503Z  INFO " + thisTarget + ": with spaces\n"
	if b.Out.String() != want {
		t.Errorf("output\n%q, want\n%q", b.Out.String(), want)
	}
}

func TestRedirectStdLogVLLM(t *testing.T) {
	b := coretest.Build(t, core.NewVLLM, nil)
	defer bridge.RedirectStdLog(b.Log)()
	file, line := coretest.Here()
	log.Print("hello")
	want := fmt.Sprintf("INFO 01-02 03:04:05 [%s:%d] hello\n", filepath.Base(file), line+1)
	if b.Out.String() != want {
		t.Errorf("output %q, want %q", b.Out.String(), want)
	}
}

// TestRedirectStdLogFilter: DYN_LOG matches a std log line by its
// log.target, the calling package.
func TestRedirectStdLogFilter(t *testing.T) {
	for _, tc := range []struct {
		dynLog      string
		info, panic bool
	}{
		{"", true, true},
		{"warn", false, true},
		{"error," + thisTarget + "=info", true, true},
		{"info," + thisTarget + "=warn", false, true},
		{"info," + thisTarget + "=off", false, false},
		{"github.com/dynlog/dynlog/core=info", true, true}, // a plain prefix of core/bridge_test
		{"github.com/acme=info", false, false},             // no default: other targets are off
	} {
		t.Run(tc.dynLog, func(t *testing.T) {
			vars := map[string]string{"DYN_LOGGING_JSONL": "1"}
			if tc.dynLog != "" {
				vars["DYN_LOG"] = tc.dynLog
			}
			b := coretest.Build(t, core.New, vars)
			defer bridge.RedirectStdLog(b.Log)()
			log.Print("info line")
			recovered(func() { log.Panic("panic line") })
			out := b.Out.String()
			if got := strings.Contains(out, "info line"); got != tc.info {
				t.Errorf("info line printed %v, want %v:\n%s", got, tc.info, out)
			}
			if got := strings.Contains(out, "panic line"); got != tc.panic {
				t.Errorf("panic line printed %v, want %v:\n%s", got, tc.panic, out)
			}
		})
	}
}

func TestRedirectStdLogRestore(t *testing.T) {
	var w strings.Builder
	saved, flags, prefix := log.Writer(), log.Flags(), log.Prefix()
	defer func() { log.SetOutput(saved); log.SetFlags(flags); log.SetPrefix(prefix) }()
	log.SetOutput(&w)
	log.SetFlags(log.Lmsgprefix)
	log.SetPrefix("app: ")

	b := coretest.Build(t, core.New, nil)
	restore := bridge.RedirectStdLog(b.Log)
	log.Print("bridged")
	restore()
	restore() // twice is once
	log.Print("plain")
	if log.Writer() != &w || log.Flags() != log.Lmsgprefix || log.Prefix() != "app: " {
		t.Errorf("after restore: writer %T, flags %d, prefix %q; want the ones before", log.Writer(), log.Flags(), log.Prefix())
	}
	if w.String() != "app: plain\n" {
		t.Errorf("log's own output %q, want only the line after restore", w.String())
	}
	if !strings.Contains(b.Out.String(), "bridged") || strings.Contains(b.Out.String(), "plain") {
		t.Errorf("bridge output %q, want only the line before restore", b.Out.String())
	}
}
