package dynlogtest_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dynlog/dynlog/dynlogtest"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
)

// logTB records what is given to Log.
type logTB struct {
	testing.TB
	mu    sync.Mutex
	lines []string
}

func (tb *logTB) Helper() {}

func (tb *logTB) Log(args ...any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	tb.lines = append(tb.lines, fmt.Sprint(args...))
}

// TestNewLogger: each layout, at the fixed time, with no environment.
func TestNewLogger(t *testing.T) {
	for _, tc := range []struct {
		layout dynlogtest.Layout
		want   string
	}{
		{dynlogtest.Readable, `2026-01-02T03:04:05.123456Z DEBUG app: hello n=1`},
		{dynlogtest.JSONL, `{"time":"2026-01-02T03:04:05.123456Z","level":"DEBUG","file":"F","line":L,"target":"app","message":"hello","n":1}`},
		{dynlogtest.VLLM, `DEBUG 01-02 03:04:05 [F:L] hello n=1`},
	} {
		tb := &logTB{TB: t}
		dynlogtest.NewLogger(tb, dynlogtest.WithLayout(tc.layout)).Named("app").Debug("hello", zap.Int("n", 1))
		dynlogtest.NewSlog(tb, dynlogtest.WithLayout(tc.layout)).With("dynlog.target", "app").Debug("hello", "n", 1)
		if len(tb.lines) != 2 {
			t.Fatalf("layout %d: %d lines: %q", tc.layout, len(tb.lines), tb.lines)
		}
		for _, got := range tb.lines {
			got = fileLine(got)
			if got != tc.want {
				t.Errorf("layout %d:\n%s\nwant\n%s", tc.layout, got, tc.want)
			}
		}
	}
}

// fileLine replaces the call site, which differs between the calls, by F
// and L.
func fileLine(s string) string {
	if i := strings.Index(s, `"file":"`); i >= 0 {
		j := strings.Index(s, `,"target"`)
		return s[:i] + `"file":"F","line":L` + s[j:]
	}
	if i := strings.IndexByte(s, '['); i >= 0 {
		j := strings.IndexByte(s, ']')
		return s[:i] + "[F:L]" + s[j+1:]
	}
	return s
}

func TestWithDynLog(t *testing.T) {
	rec := dynlogtest.NewRecorder(t, dynlogtest.WithDynLog("info,app::router=debug"))
	rec.Logger().Debug("hidden")
	rec.Slog().With("dynlog.target", "app::router").Debug("shown")
	if got := rec.All().Messages(); len(got) != 1 || got[0] != "shown" {
		t.Errorf("messages %q, want [shown]", got)
	}
}

// TestRecorder: the filters, on zap and slog lines alike, and the span
// keys of a context logger.
func TestRecorder(t *testing.T) {
	rec := dynlogtest.NewRecorder(t)
	log := rec.Logger().Named("app::router")
	log.Info("routing", zap.String("model", "llama"), zap.Int("n", 3))
	log.Warn("slow", zap.String("model", "llama"))
	rec.Slog().Error("failed", "model", "mistral")

	ctx, span := tracing.Start(tracing.WithLogger(context.Background(), rec.Logger()), "work")
	tracing.Logger(ctx).Info("in span")
	span.End()

	all := rec.All()
	if all.Len() != 4 || rec.Len() != 4 {
		t.Fatalf("%d records: %v", all.Len(), all)
	}
	if got := all.FilterTarget("app::router").Messages(); strings.Join(got, ",") != "routing,slow" {
		t.Errorf("FilterTarget: %q", got)
	}
	if got := all.FilterLevel("ERROR"); got.Len() != 1 || got[0].Target != "github.com/dynlog/dynlog/dynlogtest_test" || got[0].Line == 0 {
		t.Errorf("FilterLevel: %+v", got)
	}
	if got := all.FilterField("model", "llama").FilterField("n", 3).Messages(); len(got) != 1 || got[0] != "routing" {
		t.Errorf("FilterField: %q", got)
	}
	if got := all.FilterMessage("in span"); got.Len() != 1 || got[0].Fields["trace_id"] != span.SpanContext().TraceID().String() {
		t.Errorf("FilterMessage: %+v", got)
	}
	if r := all[0]; r.Time != "2026-01-02T03:04:05.123456Z" || r.Level != "INFO" || !strings.HasSuffix(r.File, "dynlogtest_test.go") {
		t.Errorf("record %+v", r)
	}
}

// TestRecorderFieldTypes: a zap.String reads back as the string it was,
// whatever its text, so FilterField finds it by that string; with
// DYN_LOGGING_EMBED_JSON_STRINGS=true (Dynamo's re-parsing) it reads back as
// the number its text holds.
func TestRecorderFieldTypes(t *testing.T) {
	rec := dynlogtest.NewRecorder(t)
	rec.Logger().Info("request", zap.String("id", "9"))
	if got := rec.All().FilterField("id", "9"); got.Len() != 1 || got[0].Fields["id"] != "9" {
		t.Errorf(`FilterField("id", "9"): %+v`, got)
	}
	if got := rec.All().FilterField("id", 9); got.Len() != 0 {
		t.Errorf(`FilterField("id", 9) found %+v, a string field read back as a number`, got)
	}

	rec = dynlogtest.NewRecorder(t, dynlogtest.WithEnv(map[string]string{"DYN_LOGGING_EMBED_JSON_STRINGS": "true"}))
	rec.Logger().Info("request", zap.String("id", "9"))
	if got := rec.All().FilterField("id", 9); got.Len() != 1 || got[0].Fields["id"] != 9.0 {
		t.Errorf(`embedding on: FilterField("id", 9): %+v`, got)
	}
}
