package tracing

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/internal/otlptest"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// jsonlLogger is a logger writing JSONL at every level through the tracing
// core, to out.
func jsonlLogger(out *logtest.Buffer, events bool) *zap.Logger {
	core := zapcore.NewCore(encoder.NewJSONL(), out, zapcore.Level(-2))
	form := EventsOff
	if events {
		form = EventsDynamo
	}
	return zap.New(NewCore(core, WithSpanEvents(form)), zap.AddCaller())
}

func localProvider(t *testing.T) *sdktrace.TracerProvider {
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(NewSpanProcessor()))
	useProvider(t, tp)
	return tp
}

func TestLineIDsAreTheOTelSpans(t *testing.T) {
	localProvider(t)
	var out logtest.Buffer
	log := jsonlLogger(&out, false)
	ctx, root := Start(WithLogger(context.Background(), log), "http-request")
	cctx, child := Start(ctx, "prefill")
	log.Info("inside", Ctx(cctx))
	log.Info("outside", Ctx(context.Background()))
	child.End()
	root.End()

	lines := out.JSONLines(t)
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2 (events are off): %v", len(lines), lines)
	}
	in, outside := lines[0], lines[1]
	sc, parent := child.SpanContext(), root.SpanContext()
	for key, want := range map[string]string{
		"trace_id":  sc.TraceID().String(),
		"span_id":   sc.SpanID().String(),
		"parent_id": parent.SpanID().String(),
		"span_name": "prefill",
	} {
		if in[key] != want {
			t.Errorf("%s = %v, want %q", key, in[key], want)
		}
	}
	if sc.TraceID() != parent.TraceID() || !sc.IsValid() {
		t.Errorf("child trace %v, root trace %v: want one valid trace", sc.TraceID(), parent.TraceID())
	}
	for _, key := range []string{"trace_id", "span_id", "parent_id", "span_name", "span"} {
		if _, ok := outside[key]; ok {
			t.Errorf("line outside any span has %q", key)
		}
	}
}

func TestReadableSpanChain(t *testing.T) {
	useProvider(t, sdktrace.NewTracerProvider(sdktrace.WithIDGenerator(&otlptest.FixedIDs{
		Traces: []string{"425ef761ca5b44c795b4c912f1d84b39"},
		Spans:  []string{"6959a1b2d1ee41a5", "b035f33bdd5c4b50"},
	})))
	var out bytes.Buffer
	wall := newWallClock(t, "2025-09-02T15:50:01.770028Z", "2025-09-02T15:50:01.770195Z", "2025-09-02T15:50:01.770316Z")
	core := zapcore.NewCore(encoder.NewReadable(), zapcore.AddSync(&out), zapcore.DebugLevel)
	log := zap.New(NewCore(core), zap.WithClock(wall)).Named("dynamo_llm::kv_router")

	ctx, root := Start(context.Background(), "http-request", zap.String("method", "POST"))
	cctx, child := Start(ctx, "kv_router.select_worker", zap.Int("workers", 4))
	log.Info("selected", Ctx(cctx), zap.String("worker", "w1"))
	log.With(Ctx(ctx)).Warn("slow")
	child.End()
	root.End()
	log.Info("done", Ctx(ctx))

	want := "2025-09-02T15:50:01.770028Z  INFO http-request:kv_router.select_worker: dynamo_llm::kv_router: selected worker=\"w1\" method=\"POST\" workers=4\n" +
		"2025-09-02T15:50:01.770195Z  WARN http-request: dynamo_llm::kv_router: slow method=\"POST\"\n" +
		// A span's keys stay on lines given its context after it ends.
		"2025-09-02T15:50:01.770316Z  INFO http-request: dynamo_llm::kv_router: done method=\"POST\"\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
}

// TestOTelAPISpans: spans made directly through the OpenTelemetry API get
// events, and names and parents in lines, through the span processor.
func TestOTelAPISpans(t *testing.T) {
	tp := localProvider(t)
	var out logtest.Buffer
	log := jsonlLogger(&out, true).Named("svc")
	ctx := WithLogger(context.Background(), log)

	ctx, ours := Start(ctx, "http-request")
	octx, otelSpan := tp.Tracer("otelhttp").Start(ctx, "POST /generate")
	log.Info("in otel span", Ctx(octx))
	ictx, inner := Start(octx, "decode")
	log.Info("in ours under otel", Ctx(ictx))
	inner.End()
	otelSpan.End()
	ours.End()

	lines := out.JSONLines(t)
	var msgs []string
	for _, l := range lines {
		msgs = append(msgs, l["message"].(string)+"/"+l["span_name"].(string))
	}
	wantMsgs := []string{
		"SPAN_FIRST_ENTRY/http-request", "SPAN_FIRST_ENTRY/POST /generate", "in otel span/POST /generate",
		"SPAN_FIRST_ENTRY/decode", "in ours under otel/decode",
		"SPAN_CLOSED/decode", "SPAN_CLOSED/POST /generate", "SPAN_CLOSED/http-request",
	}
	if strings.Join(msgs, ",") != strings.Join(wantMsgs, ",") {
		t.Fatalf("lines\n got %v\nwant %v", msgs, wantMsgs)
	}
	otelID := otelSpan.SpanContext().SpanID().String()
	if lines[2]["span_id"] != otelID || lines[2]["parent_id"] != ours.SpanContext().SpanID().String() {
		t.Errorf("line in the OTel span: span_id %v parent_id %v, want %s under %s",
			lines[2]["span_id"], lines[2]["parent_id"], otelID, ours.SpanContext().SpanID())
	}
	if lines[4]["parent_id"] != otelID {
		t.Errorf("our span under the OTel span has parent_id %v, want %s", lines[4]["parent_id"], otelID)
	}
	closed := lines[6]
	if closed["time.busy_us"].(float64)+closed["time.idle_us"].(float64) != closed["time.duration_us"].(float64) {
		t.Errorf("busy + idle != duration: %v", closed)
	}
	if _, ok := closed["file"]; ok {
		t.Errorf("an OTel-API span has no call site, got file %v", closed["file"])
	}
	if n := countLive(); n != 0 {
		t.Errorf("%d span records left after every span ended", n)
	}
}

func countLive() int {
	n := 0
	live.Range(func(any, any) bool { n++; return true })
	return n
}

// TestForeignProvider: a span from a provider without the span processor
// still puts its IDs and name on lines.
func TestForeignProvider(t *testing.T) {
	localProvider(t)
	foreign := sdktrace.NewTracerProvider()
	var out logtest.Buffer
	log := jsonlLogger(&out, true)
	ctx, span := foreign.Tracer("x").Start(context.Background(), "foreign-op")
	log.Info("x", Ctx(ctx))
	span.End()
	l := out.JSONLines(t)[0]
	if l["trace_id"] != span.SpanContext().TraceID().String() || l["span_id"] != span.SpanContext().SpanID().String() || l["span_name"] != "foreign-op" {
		t.Errorf("line %v does not carry the foreign span %v", l, span.SpanContext())
	}
}

// TestSpanEventsSwitch: the tracing core's switch, found through the
// filter core, and the filter applied to events like any line.
func TestSpanEventsSwitch(t *testing.T) {
	localProvider(t)
	for _, tc := range []struct {
		name   string
		events bool
		spec   string
		level  zapcore.Level
		want   int // event lines
	}{
		{"on", true, "trace", zapcore.InfoLevel, 2},
		{"off", false, "trace", zapcore.InfoLevel, 0},
		{"filtered by target", true, "info,svc=warn", zapcore.InfoLevel, 0},
		{"passed by target", true, "warn,svc=info", zapcore.InfoLevel, 2},
		{"debug span at info", true, "info", zapcore.DebugLevel, 0},
		{"debug span at debug", true, "debug", zapcore.DebugLevel, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out logtest.Buffer
			f, err := filter.Parse(tc.spec)
			if err != nil {
				t.Fatal(err)
			}
			form := EventsOff
			if tc.events {
				form = EventsDynamo
			}
			inner := NewCore(zapcore.NewCore(encoder.NewJSONL(), &out, zapcore.Level(-2)), WithSpanEvents(form))
			log := zap.New(filter.NewCore(inner, f)).Named("svc")
			ctx, s := StartAt(WithLogger(context.Background(), log), tc.level, "op")
			log.Warn("inside", Ctx(ctx))
			s.End()
			lines := out.JSONLines(t)
			events := 0
			for _, l := range lines {
				if m := l["message"]; m == firstEntry || m == closed {
					events++
					if l["level"] != strings.ToUpper(tc.level.String()) {
						t.Errorf("event at %v, want %v", l["level"], tc.level)
					}
				}
			}
			if events != tc.want {
				t.Errorf("%d event lines, want %d: %v", events, tc.want, lines)
			}
			if len(lines)-events != 1 || lines[len(lines)-1-min(events, 1)]["span_name"] != "op" {
				t.Errorf("the line inside the span is missing or lacks its keys: %v", lines)
			}
		})
	}
}

// TestBusyIdleConcurrent: Enter, Exit and Wait from several goroutines,
// End racing them; busy + idle = duration exactly, one SPAN_CLOSED.
func TestBusyIdleConcurrent(t *testing.T) {
	localProvider(t)
	var out logtest.Buffer
	log := jsonlLogger(&out, true)
	for range 20 {
		_, s := Start(WithLogger(context.Background(), log), "work")
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 {
					s.Wait(func() {})
					s.Exit()
					s.Enter()
				}
			}()
		}
		wg.Add(1)
		go func() { defer wg.Done(); s.End() }()
		wg.Wait()
		s.End()
		s.Enter()
		s.Exit()
	}
	created, closedN := 0, 0
	for _, l := range out.JSONLines(t) {
		switch l["message"] {
		case "SPAN_FIRST_ENTRY":
			created++
		case "SPAN_CLOSED":
			closedN++
			busy, idle, total := l["time.busy_us"].(float64), l["time.idle_us"].(float64), l["time.duration_us"].(float64)
			if busy+idle != total || busy < 0 || idle < 0 {
				t.Errorf("busy %v + idle %v != duration %v", busy, idle, total)
			}
		}
	}
	if created != 20 || closedN != 20 {
		t.Errorf("%d SPAN_FIRST_ENTRY and %d SPAN_CLOSED, want 20 each", created, closedN)
	}
}

func TestNilSpan(t *testing.T) {
	var s *Span
	s.Enter()
	s.Exit()
	s.Wait(func() {})
	s.End()
	if s.SpanContext().IsValid() {
		t.Error("a nil span has a valid span context")
	}
}

// A span's context answers the logger and request lookups of its children
// itself; what it answers must be what the context below holds: a later
// WithLogger or Extract (closer to the child) still wins, and with no
// logger in the context a child uses zap.L() as it is when the child starts.
func TestSpanContextAnswersAsTheContextBelow(t *testing.T) {
	localProvider(t)
	var a, b, g1, g2 logtest.Buffer
	created := func(out *logtest.Buffer) int { return strings.Count(out.String(), "SPAN_FIRST_ENTRY") }

	ctx, root := Start(WithLogger(context.Background(), jsonlLogger(&a, true)), "root")
	_, c1 := Start(ctx, "to-a")
	_, c2 := Start(WithLogger(ctx, jsonlLogger(&b, true)), "to-b")
	c1.End()
	c2.End()
	root.End()
	if created(&a) != 2 || created(&b) != 1 {
		t.Errorf("SPAN_FIRST_ENTRY lines: %d to a, %d to b; want 2 and 1\na: %s\nb: %s", created(&a), created(&b), a.String(), b.String())
	}

	restore := zap.ReplaceGlobals(jsonlLogger(&g1, true))
	defer restore()
	gctx, groot := Start(context.Background(), "global-root")
	zap.ReplaceGlobals(jsonlLogger(&g2, true))
	_, gchild := Start(gctx, "global-child")
	gchild.End()
	groot.End()
	if created(&g1) != 1 || created(&g2) != 1 {
		t.Errorf("SPAN_FIRST_ENTRY lines: %d to the first global, %d to the second; want 1 and 1", created(&g1), created(&g2))
	}

	r1 := &request{xRequestID: "first"}
	r2 := &request{xRequestID: "second"}
	rctx, rs := Start(withRequest(context.Background(), r1), "with-request")
	if got := requestFrom(rctx); got != r1 {
		t.Errorf("requestFrom(span ctx) = %v, want the stored request", got)
	}
	_, child := Start(rctx, "child")
	if child.request != r1 {
		t.Errorf("child's request = %v, want the parent's", child.request)
	}
	_, extracted := Start(withRequest(rctx, r2), "after-extract")
	if extracted.request != r2 {
		t.Errorf("request after a later Extract = %v, want that one", extracted.request)
	}
	bare, bs := Start(context.Background(), "no-request")
	if got, _ := bare.Value(requestKey).(*request); got != nil {
		t.Errorf("a span's context with no request answers %v", got)
	}
	for _, s := range []*Span{extracted, child, rs, bs} {
		s.End()
	}
}
