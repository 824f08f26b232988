package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/slogtest"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// ownLayouts are the three layouts, each with a parser of its lines into
// slogtest's map: the keys and values as the layout prints them, nested
// by group.
var ownLayouts = []struct {
	name  string
	build func(*testing.T) coretest.Built
	parse func(*testing.T, string) map[string]any
}{
	{"jsonl", func(t *testing.T) coretest.Built {
		return coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	}, parseJSONLine},
	{"readable", func(t *testing.T) coretest.Built {
		return coretest.Build(t, core.New, nil)
	}, parseReadableLine},
	{"vllm", func(t *testing.T) coretest.Built {
		return coretest.Build(t, core.NewVLLM, nil)
	}, parseVLLMLine},
}

// parseJSONLine reads a JSONL line under slog's names for the built-in
// keys: message as msg, file as source.
func parseJSONLine(t *testing.T, out string) map[string]any {
	lines := coretest.JSONLines(t, out)
	if len(lines) != 1 {
		t.Fatalf("%d lines: %s", len(lines), out)
	}
	m := lines[0]
	m[slog.MessageKey] = m["message"]
	if f, ok := m["file"]; ok {
		m[slog.SourceKey] = f
	}
	for _, k := range []string{"message", "target", "file", "line"} {
		delete(m, k)
	}
	return m
}

var (
	readableLine = regexp.MustCompile(`^(\S+) +([A-Z]+) (\S*): (\S+)(.*)\n$`)
	vllmLine     = regexp.MustCompile(`^([A-Z]+) (\d\d-\d\d \d\d:\d\d:\d\d) \[([^\]]*)\] (\S+)(.*)\n$`)
)

// parseReadableLine reads a line of the readable layout: time, level,
// target, message, then key=value pairs whose dotted keys are groups (a
// value in braces is JSON). The readable layout prints no file.
func parseReadableLine(t *testing.T, out string) map[string]any {
	g := readableLine.FindStringSubmatch(out)
	if g == nil {
		t.Fatalf("not one readable line: %q", out)
	}
	m := map[string]any{slog.TimeKey: g[1], slog.LevelKey: g[2], slog.MessageKey: g[4]}
	parsePairs(t, m, g[5])
	return m
}

// parseVLLMLine reads a line of vLLM's layout: level, time, [file:line],
// message, then pairs as parseReadableLine reads them. The layout always
// has a location; [unknown:0] is the one of a line without a caller.
func parseVLLMLine(t *testing.T, out string) map[string]any {
	g := vllmLine.FindStringSubmatch(out)
	if g == nil {
		t.Fatalf("not one vLLM line: %q", out)
	}
	m := map[string]any{slog.TimeKey: g[2], slog.LevelKey: g[1], slog.MessageKey: g[4]}
	if g[3] != "unknown:0" { // the layout's place for a line without a caller
		m[slog.SourceKey] = g[3]
	}
	parsePairs(t, m, g[5])
	return m
}

// parsePairs adds the " k=v" pairs of s to m.
func parsePairs(t *testing.T, m map[string]any, s string) {
	for s != "" {
		if s[0] != ' ' {
			t.Fatalf("no space before %q", s)
		}
		s = s[1:]
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			t.Fatalf("no = in %q", s)
		}
		key := s[:eq]
		s = s[eq+1:]
		var v any
		if strings.HasPrefix(s, "{") || strings.HasPrefix(s, `"`) {
			dec := json.NewDecoder(strings.NewReader(s))
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("value of %s: %v in %q", key, err, s)
			}
			s = s[dec.InputOffset():]
		} else {
			end := strings.IndexByte(s, ' ')
			if end < 0 {
				end = len(s)
			}
			v, s = s[:end], s[end:]
		}
		at := m
		parts := strings.Split(key, ".")
		for _, p := range parts[:len(parts)-1] {
			sub, ok := at[p].(map[string]any)
			if !ok {
				sub = map[string]any{}
				at[p] = sub
			}
			at = sub
		}
		at[parts[len(parts)-1]] = v
	}
}

// TestHandlerConformance runs slog's own handler tests on each layout.
func TestHandlerConformance(t *testing.T) {
	for _, layout := range ownLayouts {
		t.Run(layout.name, func(t *testing.T) {
			var b coretest.Built
			slogtest.Run(t, func(t *testing.T) slog.Handler {
				b = layout.build(t)
				return core.NewSlogHandler(b.Log)
			}, func(t *testing.T) map[string]any {
				m := layout.parse(t, b.Out.String())
				if strings.HasSuffix(t.Name(), "/zero-time") {
					// The layouts always print a time: for a record
					// without one, the logger's clock's.
					delete(m, slog.TimeKey)
				}
				return m
			})
		})
	}
}

// TestHandlerOwnLines: with DYN_LOG=info,app::router=debug, a slog
// logger under app::router prints its DEBUG lines as its own, with the
// file and line of the slog call; the rest stays at INFO.
func TestHandlerOwnLines(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "info,app::router=debug"})
	log := slog.New(core.NewSlogHandler(b.Log))
	router := log.With(core.Target("app::router"))
	named := slog.New(core.NewSlogHandler(b.Log.Named("app::router")))
	bound := slog.New(core.NewSlogHandler(filter.Named(b.Log, "app::router")))

	for _, tc := range []struct {
		log  *slog.Logger
		want bool
	}{{router, true}, {named, true}, {bound, true}, {log.With(core.Target("app::other")), false}} {
		if got := tc.log.Enabled(context.Background(), slog.LevelDebug); got != tc.want {
			t.Errorf("Enabled(DEBUG) = %v, want %v", got, tc.want)
		}
	}

	file, line := coretest.Here()
	router.Debug("routed", "worker", 3)
	named.Debug("named")
	bound.Debug("bound")
	log.Debug("not at the default level")
	log.Info("default")

	want := fmt.Sprintf(`{"time":"T","level":"DEBUG","file":"%[1]s","line":%[2]d,"target":"app::router","message":"routed","worker":3}
{"time":"T","level":"DEBUG","file":"%[1]s","line":%[3]d,"target":"app::router","message":"named"}
{"time":"T","level":"DEBUG","file":"%[1]s","line":%[4]d,"target":"app::router","message":"bound"}
{"time":"T","level":"INFO","file":"%[1]s","line":%[5]d,"target":"%[6]s","message":"default"}
`, file, line+1, line+2, line+3, line+5, thisTarget)
	if got := jsonTime.ReplaceAllString(b.Out.String(), `"time":"T"`); got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}
}

var jsonTime = regexp.MustCompile(`"time":"[^"]*"`)

// TestHandlerReload: Enabled follows a change of the filter at once.
func TestHandlerReload(t *testing.T) {
	vars := map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "info"}
	b := coretest.Build(t, core.New, vars)
	router := slog.New(core.NewSlogHandler(b.Log.Named("app::router")))
	if router.Enabled(context.Background(), slog.LevelDebug) {
		t.Fatal("DEBUG enabled at DYN_LOG=info")
	}
	vars["DYN_LOG"] = "info,app::router=debug"
	if err := core.Reload(b.Log, core.WithEnv(coretest.Env(vars)), core.WithSystemConfig("")); err != nil {
		t.Fatal(err)
	}
	if !router.Enabled(context.Background(), slog.LevelDebug) {
		t.Error("DEBUG not enabled after the reload to app::router=debug")
	}
	b.Out.Reset()
	router.Debug("after")
	if !strings.Contains(b.Out.String(), `"message":"after"`) {
		t.Errorf("DEBUG line missing after the reload: %s", b.Out.String())
	}
}

// TestHandlerSpan: the context of InfoContext puts its span on the line.
func TestHandlerSpan(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	log := slog.New(core.NewSlogHandler(b.Log)).With(core.Target("app::router"))
	ctx, span := tracing.Start(context.Background(), "work")
	log.InfoContext(ctx, "in span", slog.Group("g", "k", "v"))
	span.End()
	log.InfoContext(ctx, "outside") // an ended span is still the context's
	log.InfoContext(context.Background(), "no span")
	lines := coretest.JSONLines(t, b.Out.String())
	if len(lines) != 3 {
		t.Fatalf("%d lines: %s", len(lines), b.Out.String())
	}
	sc := span.SpanContext()
	if lines[1]["span_id"] != sc.SpanID().String() {
		t.Errorf("the ended span left the context's line: %v", lines[1])
	}
	if lines[0]["trace_id"] != sc.TraceID().String() || lines[0]["span_id"] != sc.SpanID().String() || lines[0]["span_name"] != "work" {
		t.Errorf("line without the span's keys: %v", lines[0])
	}
	if _, ok := lines[2]["trace_id"]; ok {
		t.Errorf("line outside any span has a trace_id: %v", lines[2])
	}
}

// TestHandlerMiddleware: a handler behind tracing.Middleware logging
// with InfoContext carries the request's trace_id and x_request_id.
func TestHandlerMiddleware(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	log := slog.New(core.NewSlogHandler(b.Log))
	h := tracing.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		log.InfoContext(r.Context(), "serving")
	}))
	req := httptest.NewRequest("GET", "/v1/models", nil)
	req.Header.Set("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
	req.Header.Set("x-request-id", "req-42")
	h.ServeHTTP(httptest.NewRecorder(), req.WithContext(tracing.WithLogger(req.Context(), zap.NewNop())))
	lines := coretest.JSONLines(t, b.Out.String())
	if len(lines) != 1 || lines[0]["trace_id"] != "0af7651916cd43dd8448eb211c80319c" || lines[0]["x_request_id"] != "req-42" {
		t.Errorf("lines %v, want one with the request's trace_id and x_request_id", lines)
	}
}

// TestHandlerOnce: OnceAttr makes a line once-only; the attribute
// prints nothing.
func TestHandlerOnce(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	log := slog.New(core.NewSlogHandler(b.Log))
	for range 3 {
		log.Warn("slow kernel", "n", 1, core.OnceAttr())
		log.Info("model loaded", core.OnceAttr(dedup.Global))
	}
	log.Warn("slow kernel", "n", 1) // not once-only
	lines := coretest.JSONLines(t, b.Out.String())
	if len(lines) != 3 || lines[0]["message"] != "slow kernel" || lines[1]["message"] != "model loaded" || lines[2]["message"] != "slow kernel" {
		t.Errorf("output\n%s", b.Out.String())
	}
	if strings.Contains(b.Out.String(), core.OnceKey) {
		t.Errorf("the once attribute printed: %s", b.Out.String())
	}
}

// logValue resolves to a group.
type logValue struct{}

func (logValue) LogValue() slog.Value {
	return slog.GroupValue(slog.String("id", "r-7"), slog.Int("n", 2))
}

// TestHandlerObjects: groups, WithGroup and LogValuers in each layout,
// as zap's own objects print there.
func TestHandlerObjects(t *testing.T) {
	want := map[string]string{
		"jsonl":    `{"time":"2026-01-02T03:04:05.656503Z","level":"INFO","file":"F","line":L,"target":"app","message":"objects","kv":{"worker":3,"g":{"a":1}},"req":{"id":"r-7","n":2},"svc":"router","w":{"x":true}}` + "\n",
		"readable": `2026-01-02T03:04:05.656503Z  INFO app: objects svc="router" req={"id":"r-7","n":2} kv={"worker":3,"g":{"a":1}} w.x=true` + "\n",
		"vllm":     `INFO 01-02 03:04:05 [F:L] objects svc="router" req={"id":"r-7","n":2} kv={"worker":3,"g":{"a":1}} w.x=true` + "\n",
	}
	for _, layout := range ownLayouts {
		t.Run(layout.name, func(t *testing.T) {
			b := layout.build(t)
			log := slog.New(core.NewSlogHandler(b.Log.Named("app"), core.WithLoggerClock()))
			log.With("svc", "router").With("req", logValue{}, slog.Group("kv", "worker", 3, slog.Group("g", "a", 1))).WithGroup("w").Info("objects", "x", true)
			got := regexp.MustCompile(`"file":"[^"]*","line":\d+|\[[^\]]+:\d+\]`).ReplaceAllStringFunc(b.Out.String(), func(s string) string {
				if s[0] == '[' {
					return "[F:L]"
				}
				return `"file":"F","line":L`
			})
			if got != want[layout.name] {
				t.Errorf("output\n%s\nwant\n%s", got, want[layout.name])
			}
		})
	}
}

// TestNewSlog: NewSlog is New's configuration behind NewSlogHandler, with
// New's clock.
func TestNewSlog(t *testing.T) {
	for _, tc := range []struct {
		name  string
		newFn func(...core.Option) (*slog.Logger, error)
		vars  map[string]string
		want  string
	}{
		{"dynamo", core.NewSlog, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "info,app=debug"},
			`{"time":"2026-01-02T03:04:05.656503Z","level":"DEBUG","file":"F","line":L,"target":"app","message":"hi","k":1}` + "\n"},
		{"vllm", core.NewVLLMSlog, map[string]string{"VLLM_LOGGING_LEVEL": "DEBUG"},
			"DEBUG 01-02 03:04:05 [F:L] hi k=1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out strings.Builder
			log, err := tc.newFn(core.WithEnv(coretest.Env(tc.vars)), core.WithSystemConfig(""),
				core.WithOutput(zapcore.AddSync(&out)), core.WithClock(coretest.Clock(coretest.Pinned)), core.WithLocation(time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			log.With(core.Target("app")).Debug("hi", "k", 1)
			got := regexp.MustCompile(`"file":"[^"]*","line":\d+|\[[^\]]+:\d+\]`).ReplaceAllStringFunc(out.String(), func(s string) string {
				if s[0] == '[' {
					return "[F:L]"
				}
				return `"file":"F","line":L`
			})
			if got != tc.want {
				t.Errorf("output\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestHandlerTargetOnCall: TargetKey on one call files that line under the
// target, for the filter too; the attributes after it keep their group.
func TestHandlerTargetOnCall(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "debug,app::quiet=warn"})
	log := slog.New(core.NewSlogHandler(b.Log))
	log.Info("loud", core.Target("app::loud"), "k", 1)
	log.Info("quiet", core.Target("app::quiet"))
	log.WithGroup("g").Info("grouped", core.Target("app::loud"), "k", 2)
	log.Info("other", core.TargetKey, 7) // not a string: an attribute like any other
	lines := coretest.JSONLines(t, b.Out.String())
	if len(lines) != 3 {
		t.Fatalf("%d lines: %s", len(lines), b.Out.String())
	}
	if lines[0]["target"] != "app::loud" || lines[0]["k"] != 1.0 {
		t.Errorf("line 1: %v", lines[0])
	}
	if lines[1]["target"] != "app::loud" || fmt.Sprint(lines[1]["g"]) != "map[k:2]" {
		t.Errorf("line 2: %v", lines[1])
	}
	if lines[2]["target"] != thisTarget || lines[2][core.TargetKey] != 7.0 {
		t.Errorf("line 3: %v", lines[2])
	}
}

// TestHandlerConcurrent: goroutines log through one handler and its
// derivatives while the filter is reloaded; every line is whole, and every
// INFO line prints.
func TestHandlerConcurrent(t *testing.T) {
	var out logtest.Buffer // for the goroutines; build's is not
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "info"}, core.WithOutput(&out))
	log := slog.New(core.NewSlogHandler(b.Log))
	const workers, lines = 4, 50
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 20 {
			spec := "info"
			if i%2 == 0 {
				spec = "info,app::router=debug"
			}
			env := map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": spec}
			if err := core.Reload(b.Log, core.WithEnv(coretest.Env(env)), core.WithSystemConfig(""), core.WithErrorOutput(zapcore.AddSync(io.Discard))); err != nil {
				t.Error(err)
			}
		}
	}()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l := log.With(core.Target("app::router"), "worker", w)
			for i := range lines {
				l.Info("info", "i", i)
				l.Debug("debug", "i", i)
			}
		}()
	}
	wg.Wait()
	<-done
	infos := 0
	for _, l := range out.JSONLines(t) {
		if l["message"] == "info" {
			infos++
		}
	}
	if infos != workers*lines {
		t.Errorf("%d INFO lines, want %d", infos, workers*lines)
	}
}
