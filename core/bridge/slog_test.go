package bridge_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"testing/slogtest"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/bridge"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/tracing"
)

// slogTime is a record's own time at the start of a line; slog stamps
// records with time.Now, not the logger's clock.
var slogTime = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z`)

func TestRedirectSlogJSONL(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	defer bridge.RedirectSlog(b.Log)()

	file, line := coretest.Here()
	slog.Info("hello", "n", 1, slog.Group("req", "id", "r-7", slog.Bool("ok", true)), "err", errors.New("bad"))
	slog.Debug("not at the default level")
	slog.Default().With("svc", "router").WithGroup("kv").With("worker", 3).Warn("select", "score", 0.5)

	wantBridged(t, b.Out.String(),
		origin{"INFO", thisTarget, file, line + 1, "hello"},
		origin{"WARN", thisTarget, file, line + 3, "select"},
	)
	lines := coretest.JSONLines(t, b.Out.String())
	if len(lines) != 2 {
		return
	}
	for _, tc := range []struct {
		line int
		key  string
		want string
	}{
		{0, "n", `1`},
		{0, "req", `{"id":"r-7","ok":true}`},
		{0, "err", `"bad"`},
		{1, "svc", `"router"`},
		{1, "kv", `{"worker":3,"score":0.5}`},
	} {
		got, _ := json.Marshal(lines[tc.line][tc.key])
		if !jsonEqual(string(got), tc.want) {
			t.Errorf("line %d: %s = %s, want %s", tc.line, tc.key, got, tc.want)
		}
	}
}

// jsonEqual reports whether a and b are the same JSON value.
func jsonEqual(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	ja, _ := json.Marshal(x)
	jb, _ := json.Marshal(y)
	return bytes.Equal(ja, jb)
}

func TestRedirectSlogReadable(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOG": "trace"})
	defer bridge.RedirectSlog(b.Log)()

	slog.Info("hello", "n", 1, slog.Group("req", "id", "r-7"))
	slog.Default().WithGroup("kv").With("worker", 3).Debug("select", "score", 0.5)
	slog.Log(context.Background(), slog.LevelDebug-4, "deep")
	slog.Log(context.Background(), slog.LevelError+4, "worse than error")

	want := "T  INFO " + thisTarget + `: hello n=1 req={"id":"r-7"}` + "\n" +
		"T DEBUG " + thisTarget + `: select kv.worker=3 kv.score=0.5` + "\n" +
		"T TRACE " + thisTarget + ": deep\n" +
		"T ERROR " + thisTarget + ": worse than error\n"
	if got := slogTime.ReplaceAllString(b.Out.String(), "T"); got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}
}

// TestRedirectSlogFilter: DYN_LOG matches a slog line by its log.target,
// the calling package.
func TestRedirectSlogFilter(t *testing.T) {
	for _, tc := range []struct {
		dynLog                  string
		debug, info, warn, errs bool
	}{
		{"", false, true, true, true},
		{"debug", true, true, true, true},
		{"info," + thisTarget + "=warn", false, false, true, true},
		{"trace," + thisTarget + "=off", false, false, false, false},
	} {
		t.Run(tc.dynLog, func(t *testing.T) {
			vars := map[string]string{"DYN_LOGGING_JSONL": "1"}
			if tc.dynLog != "" {
				vars["DYN_LOG"] = tc.dynLog
			}
			b := coretest.Build(t, core.New, vars)
			l := slog.New(bridge.NewSlogHandler(b.Log))
			for lvl, want := range map[slog.Level]bool{slog.LevelDebug: tc.debug, slog.LevelInfo: tc.info, slog.LevelWarn: tc.warn, slog.LevelError: tc.errs} {
				l.Log(context.Background(), lvl, "at "+lvl.String())
				if got := strings.Contains(b.Out.String(), `"at `+lvl.String()+`"`); got != want {
					t.Errorf("%v printed %v, want %v", lvl, got, want)
				}
			}
		})
	}
}

// TestRedirectSlogStdLog: slog.SetDefault sends the log package to the
// handler, with log.Printf's caller; RedirectStdLog's bridge, when in
// force, stays.
func TestRedirectSlogStdLog(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	w, flags := log.Writer(), log.Flags()
	restore := bridge.RedirectSlog(b.Log)
	file, line := coretest.Here()
	log.Printf("from log %d", 1)
	restore()
	wantBridged(t, b.Out.String(), origin{"INFO", thisTarget, file, line + 1, "from log 1"})
	if log.Writer() != w || log.Flags() != flags {
		t.Errorf("log output and flags not restored")
	}

	restoreStd := bridge.RedirectStdLog(b.Log)
	bridged := log.Writer()
	restore = bridge.RedirectSlog(b.Log)
	if log.Writer() != bridged || log.Flags() != log.Llongfile {
		t.Errorf("RedirectSlog replaced RedirectStdLog's bridge")
	}
	restore()
	restoreStd()
	if log.Writer() != w || log.Flags() != flags {
		t.Errorf("log output and flags not restored")
	}
}

func TestRedirectSlogRestore(t *testing.T) {
	prev := slog.Default()
	b := coretest.Build(t, core.New, nil)
	restore := bridge.RedirectSlog(b.Log)
	if slog.Default() == prev {
		t.Fatal("RedirectSlog did not set slog's default")
	}
	restore()
	if slog.Default() != prev {
		t.Errorf("slog's default not restored")
	}
}

// TestSlogHandlerSpan: a context with a span puts the span on the line.
func TestSlogHandlerSpan(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	ctx, span := tracing.Start(context.Background(), "work")
	defer span.End()
	slog.New(bridge.NewSlogHandler(b.Log)).InfoContext(ctx, "in span", slog.Group("g", "k", "v"))
	lines := coretest.JSONLines(t, b.Out.String())
	if len(lines) != 1 {
		t.Fatalf("%d lines: %s", len(lines), b.Out.String())
	}
	if lines[0]["span_name"] != "work" || len(str(lines[0]["trace_id"])) != 32 || lines[0]["target"] != "log" {
		t.Errorf("line without the span or not bridged: %s", b.Out.String())
	}
}

// TestSlogHandlerConformance runs slog's own handler tests on the JSONL
// output.
func TestSlogHandlerConformance(t *testing.T) {
	var b coretest.Built
	slogtest.Run(t, func(t *testing.T) slog.Handler {
		b = coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
		return bridge.NewSlogHandler(b.Log)
	}, func(t *testing.T) map[string]any {
		lines := coretest.JSONLines(t, b.Out.String())
		if len(lines) != 1 {
			t.Fatalf("%d lines: %s", len(lines), b.Out.String())
		}
		m := lines[0]
		if m["target"] != "log" {
			t.Errorf("target %v, want log", m["target"])
		}
		// Our names for slog's keys. The layout always has a time: for a
		// record without one it is the logger's clock (slogtest then wants
		// none).
		m[slog.MessageKey] = m["message"]
		if strings.HasSuffix(t.Name(), "/zero-time") {
			if m["time"] != coretest.Pinned.Format("2006-01-02T15:04:05.000000Z") {
				t.Errorf("time %v for a record without one, want the logger's clock", m["time"])
			}
			delete(m, slog.TimeKey)
		}
		if f, ok := m["log.file"]; ok {
			m[slog.SourceKey] = f
		}
		for _, k := range []string{"message", "target", "log.file", "log.line", "log.target"} {
			delete(m, k)
		}
		return m
	})
}

// TestSlogHandlerLevels: slog's levels map to the Dynamo level names.
func TestSlogHandlerLevels(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "trace"})
	l := slog.New(bridge.NewSlogHandler(b.Log))
	want := map[slog.Level]string{
		slog.LevelDebug - 4: "TRACE", slog.LevelDebug - 1: "TRACE", slog.LevelDebug: "DEBUG", slog.LevelInfo - 1: "DEBUG",
		slog.LevelInfo: "INFO", slog.LevelWarn - 1: "INFO", slog.LevelWarn: "WARN", slog.LevelError - 1: "WARN",
		slog.LevelError: "ERROR", slog.LevelError + 8: "ERROR",
	}
	for lvl, name := range want {
		b.Out.Reset()
		l.Log(context.Background(), lvl, "m")
		if lines := coretest.JSONLines(t, b.Out.String()); len(lines) != 1 || lines[0]["level"] != name {
			t.Errorf("slog %v printed %s, want level %s", lvl, b.Out.String(), name)
		}
	}
}
