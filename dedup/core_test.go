package dedup

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// openLevel lets every level through the inner core, as core.New's does.
const openLevel = zapcore.Level(-128)

// bareLogger logs messages and fields (vLLM's bare layout) through a
// once-only core into the returned buffer.
func bareLogger(opts ...Option) (*zap.Logger, *logtest.Buffer) {
	buf := &logtest.Buffer{}
	inner := zapcore.NewCore(encoder.NewVLLM(encoder.WithBareMessages()), buf, openLevel)
	return zap.New(NewCore(inner, append([]Option{WithRanks(Ranks{GlobalKnown: true, LocalKnown: true})}, opts...)...)), buf
}

// observed logs through a once-only core into an observer, which records
// each entry with its fields.
func observed(lvl zapcore.Level, opts ...Option) (*zap.Logger, *observer.ObservedLogs) {
	inner, logs := observer.New(lvl)
	return zap.New(NewCore(inner, opts...), zap.AddCaller()), logs
}

func count(lines []string, want string) int {
	n := 0
	for _, l := range lines {
		if l == want {
			n++
		}
	}
	return n
}

func TestOnceConcurrent(t *testing.T) {
	const goroutines, calls = 64, 10_000
	log, buf := bareLogger()
	named := log.Named("worker")
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			// Loggers derived with With and Named share the memory.
			l := log.With(zap.Int("goroutine", g))
			for i := range calls {
				switch i % 4 {
				case 0:
					l.Info("the same line", Once())
				case 1:
					InfoOnce(l, "the same line")
				case 2:
					log.Info("the same line", Once())
				case 3:
					named.Warn("a named line", Once(Process))
				}
			}
		})
	}
	wg.Wait()
	lines := buf.Lines()
	if len(lines) != 2 || !(strings.HasPrefix(lines[0], "the same line") || strings.HasPrefix(lines[1], "the same line")) {
		t.Fatalf("got %d lines, want one of each line:\n%s", len(lines), strings.Join(lines, "\n"))
	}
}

func TestOnceDistinctKeys(t *testing.T) {
	log, logs := observed(zapcore.DebugLevel, WithRanks(Ranks{}))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for round := range 3 {
				for i := range 1000 {
					if round%2 == 0 {
						log.Info(fmt.Sprintf("key %04d", i), Once())
					} else {
						WarnOnce(log, fmt.Sprintf("key %04d", i))
					}
				}
			}
		})
	}
	wg.Wait()
	seen := map[zapcore.Level]map[string]int{}
	for _, e := range logs.All() {
		if seen[e.Level] == nil {
			seen[e.Level] = map[string]int{}
		}
		seen[e.Level][e.Message]++
	}
	// WarnOnce is another level, so another key: once each as well.
	for _, lvl := range []zapcore.Level{zapcore.InfoLevel, zapcore.WarnLevel} {
		for i := range 1000 {
			if n := seen[lvl][fmt.Sprintf("key %04d", i)]; n != 1 {
				t.Errorf("key %04d: printed %d times at %v, want 1", i, n, lvl)
			}
		}
	}
	if logs.Len() != 2000 {
		t.Errorf("got %d lines, want 2000 (1000 keys at two levels)", logs.Len())
	}
}

func TestOnceKey(t *testing.T) {
	log, buf := bareLogger()
	errA, errB := errors.New("a"), errors.New("b")
	calls := []func(){
		func() { log.Info("m", Once(), zap.Int("n", 1)) },
		func() { log.Info("m", Once(), zap.Int("n", 2)) },
		func() { log.Info("m", Once(), zap.String("n", "1")) },
		func() { log.Info("m", zap.Int("n", 1), zap.Int("k", 2), Once()) },
		func() { log.Info("m", zap.Int("k", 2), zap.Int("n", 1), Once()) }, // order counts
		func() { log.Warn("m", Once(), zap.Int("n", 1)) },
		func() { log.Named("x").Info("m", Once(), zap.Int("n", 1)) },
		func() { log.Info("ab", Once(), zap.String("c", "")) },
		func() { log.Info("a", Once(), zap.String("bc", "")) },
		func() { log.Info("a", Once(), zap.String("b", "c")) },
		func() { log.Info("e", Once(), zap.Error(errA)) },
		func() { log.Info("e", Once(), zap.Error(errB)) },
		func() { log.Info("o", Once(), zap.Any("v", map[string]int{"a": 1, "b": 2})) },
		func() { log.Info("o", Once(), zap.Any("v", map[string]int{"a": 1, "b": 3})) },
		func() { log.Info("o", Once(), zap.Strings("v", []string{"a", "b"})) },
		func() { log.Info("o", Once(), zap.Strings("v", []string{"ab"})) },
		func() { log.Info("t", Once(), zap.Time("at", time.Unix(1, 0).UTC())) },
		func() { log.Info("t", Once(), zap.Time("at", time.Unix(2, 0).UTC())) },
		func() { log.Info("f", Once(), zap.Float64("x", 0.5)) },
		func() { log.Info("f", Once(), zap.Float64("x", 0.25)) },
		func() { log.Info("ns", Once(), zap.Namespace("a"), zap.Int("b", 1)) },
		func() { log.Info("ns", Once(), zap.Namespace("a"), zap.Int("c", 1)) },
	}
	for round := range 3 {
		for i, call := range calls {
			call()
			if got := len(buf.Lines()); round == 0 && got != i+1 {
				t.Fatalf("call %d of the first round: %d lines, want %d (taken for an earlier key)", i, got, i+1)
			}
		}
	}
	if got := len(buf.Lines()); got != len(calls) {
		t.Errorf("after three rounds: %d lines, want %d, one per key", got, len(calls))
	}
}

func TestOnceKeyLeavesOut(t *testing.T) {
	log, buf := bareLogger()
	spans := vocab.SpansField(&vocab.Spans{TraceID: "0af7651916cd43dd8448eb211c80319c", SpanID: "b7ad6b7169203331"})
	other := vocab.SpansField(&vocab.Spans{TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7"})
	log.Info("m", Once(), zap.Int("n", 1))
	log.With(zap.String("request", "r1")).Info("m", Once(), zap.Int("n", 1)) // With context
	log.Info("m", Once(), zap.Skip(), zap.Int("n", 1))                       // zap.Skip
	log.Info("m", Once(), spans, zap.Int("n", 1))                            // the trace context
	log.Info("m", zap.Int("n", 1), other, Once(Global))                      // scope and marker place
	if got := buf.Lines(); len(got) != 1 {
		t.Errorf("got %d lines, want 1: %q", len(got), got)
	}
}

func TestPlainLinesPass(t *testing.T) {
	log, buf := bareLogger(WithRanks(Ranks{Global: 3, Local: 1, GlobalKnown: true, LocalKnown: true}))
	for range 3 {
		log.Info("plain")
		log.Info("skipped", zap.Skip()) // zap.Skip is not the marker
		log.Info("once", Once(Process))
	}
	lines := buf.Lines()
	if count(lines, "plain") != 3 || count(lines, "skipped") != 3 || count(lines, "once") != 1 {
		t.Errorf("got %q; want plain and skipped three times each (never rank-gated), once once", lines)
	}
}

// The marker writes nothing, with or without the once-only core, in every
// encoder of package encoder and in zap's own.
func TestMarkerInvisible(t *testing.T) {
	ec := zap.NewProductionEncoderConfig()
	ec.TimeKey = ""
	encoders := map[string]func() zapcore.Encoder{
		"dynamo-jsonl":    func() zapcore.Encoder { return encoder.NewJSONL() },
		"dynamo-readable": func() zapcore.Encoder { return encoder.NewReadable() },
		"vllm":            func() zapcore.Encoder { return encoder.NewVLLM() },
		"zap-json":        func() zapcore.Encoder { return zapcore.NewJSONEncoder(ec) },
		"zap-console":     func() zapcore.Encoder { return zapcore.NewConsoleEncoder(ec) },
	}
	at := time.Date(2025, 9, 2, 16, 38, 6, 656503000, time.UTC)
	for name, enc := range encoders {
		t.Run(name, func(t *testing.T) {
			write := func(wrap bool, fields ...zap.Field) string {
				var buf bytes.Buffer
				var c zapcore.Core = zapcore.NewCore(enc(), zapcore.AddSync(&buf), openLevel)
				if wrap {
					c = NewCore(c, WithRanks(Ranks{}))
				}
				log := zap.New(c, zap.WithClock(fixedClock(at))).Named("t").With(zap.String("ctx", "v"))
				log.Info("message", fields...)
				return buf.String()
			}
			fields := []zap.Field{zap.String("a", "b"), zap.Int("n", 7)}
			want := write(false, fields...)
			// Given to With, the marker marks nothing and prints nothing.
			for _, wrap := range []bool{false, true} {
				var buf bytes.Buffer
				var c zapcore.Core = zapcore.NewCore(enc(), zapcore.AddSync(&buf), openLevel)
				if wrap {
					c = NewCore(c, WithRanks(Ranks{}))
				}
				log := zap.New(c, zap.WithClock(fixedClock(at))).Named("t").With(zap.String("ctx", "v"), Once())
				log.Info("message", fields...)
				log.Info("message", fields...)
				if got := buf.String(); got != want+want {
					t.Errorf("Once in With, once-only core %v: got %q, want %q twice", wrap, got, want)
				}
			}
			for _, wrap := range []bool{false, true} {
				for _, marked := range [][]zap.Field{
					{Once(), fields[0], fields[1]},
					{fields[0], Once(Global), fields[1]},
					{fields[0], fields[1], Once(Process)},
				} {
					if got := write(wrap, marked...); got != want {
						t.Errorf("once-only core %v: got %q, want %q", wrap, got, want)
					}
				}
			}
		})
	}
}

type fixedClock time.Time

func (c fixedClock) Now() time.Time                     { return time.Time(c) }
func (fixedClock) NewTicker(time.Duration) *time.Ticker { return time.NewTicker(time.Hour) }

// The inner core never sees the marker.
func TestMarkerStripped(t *testing.T) {
	log, logs := observed(zapcore.DebugLevel, WithRanks(Ranks{}))
	log.Info("last", zap.Int("a", 1), Once())
	log.Info("first", Once(), zap.Int("a", 1))
	log.Info("middle", zap.Int("a", 1), Once(), zap.Int("b", 2), Once())
	InfoOnce(log, "helper", zap.Int("a", 1))
	InfoOnce(log, "helper scoped", zap.Int("a", 1), Once(Process))
	for _, e := range logs.All() {
		for _, f := range e.Context {
			if f.Type == zapcore.SkipType {
				t.Errorf("%q: the inner core got a skip field %+v", e.Message, f)
			}
		}
	}
	if logs.Len() != 5 {
		t.Errorf("got %d lines, want 5", logs.Len())
	}
}

func TestLevelDroppedNotRemembered(t *testing.T) {
	lvl := zap.NewAtomicLevelAt(zapcore.WarnLevel)
	buf := &logtest.Buffer{}
	inner := zapcore.NewCore(encoder.NewVLLM(encoder.WithBareMessages()), buf, lvl)
	log := zap.New(NewCore(inner, WithRanks(Ranks{})))
	log.Info("early", Once())
	InfoOnce(log, "helper early")
	lvl.SetLevel(zapcore.InfoLevel)
	log.Info("early", Once())
	log.Info("early", Once())
	InfoOnce(log, "helper early")
	InfoOnce(log, "helper early")
	if got := buf.Lines(); len(got) != 2 || got[0] != "early" || got[1] != "helper early" {
		t.Errorf("got %q, want each line once after the level was lowered", got)
	}
}

func TestFilterDroppedNotRemembered(t *testing.T) {
	buf := &logtest.Buffer{}
	inner := zapcore.NewCore(encoder.NewVLLM(encoder.WithBareMessages()), buf, openLevel)
	a := filter.NewAtomic(filter.New(filter.Directive{Level: zapcore.InfoLevel}, filter.Directive{Target: "quiet", Level: zapcore.ErrorLevel}))
	log := zap.New(filter.NewAtomicCore(NewCore(inner, WithRanks(Ranks{})), a), zap.AddCaller())
	quiet := log.Named("quiet")
	quiet.Info("filtered", Once())
	InfoOnce(quiet, "helper filtered")
	a.Store(filter.New(filter.Directive{Level: zapcore.InfoLevel}))
	for range 2 {
		quiet.Info("filtered", Once())
		InfoOnce(quiet, "helper filtered")
	}
	if got := buf.Lines(); len(got) != 2 {
		t.Errorf("got %q, want each line once after the filter allowed it", got)
	}
	// The helpers find the once-only core through the filter's Unwrap.
	if dedupState(log.Core()) == nil {
		t.Error("dedupState does not find the once-only core inside the filter core")
	}
	// And the tracing core inside it, for span events.
	traced := zap.New(filter.NewCore(NewCore(tracing.NewCore(inner, tracing.WithSpanEvents(tracing.EventsDynamo))), filter.New(filter.Directive{Level: zapcore.InfoLevel})))
	var c zapcore.Core = traced.Core()
	depth := 0
	for u, ok := c.(interface{ Unwrap() zapcore.Core }); ok; u, ok = c.(interface{ Unwrap() zapcore.Core }) {
		c = u.Unwrap()
		depth++
	}
	if depth != 3 {
		t.Errorf("Unwrap reaches %d cores deep, want 3 (filter, dedup, tracing)", depth)
	}
}

func TestHelpersCaller(t *testing.T) {
	log, logs := observed(zapcore.DebugLevel, WithRanks(Ranks{}))
	// And through a filter core, on an unnamed logger, whose target is the
	// caller's package.
	flog := zap.New(filter.NewCore(NewCore(log.Core(), WithRanks(Ranks{})), filter.New(filter.Directive{Level: zapcore.DebugLevel})), zap.AddCaller())
	var lines []int
	here := func() {
		_, _, line, _ := runtime.Caller(1)
		lines = append(lines, line+1)
	}
	here()
	DebugOnce(log, "debug")
	here()
	InfoOnce(log, "info")
	here()
	WarnOnce(log, "warn")
	here()
	ErrorOnce(log, "error")
	here()
	InfoOnce(flog, "filtered")
	_, file, _, _ := runtime.Caller(0)
	if logs.Len() != len(lines) {
		t.Fatalf("got %d lines, want %d", logs.Len(), len(lines))
	}
	for i, e := range logs.All() {
		if !e.Caller.Defined || e.Caller.File != file || e.Caller.Line != lines[i] {
			t.Errorf("%q: caller %s, want %s:%d", e.Message, e.Caller, file, lines[i])
		}
		if !strings.HasSuffix(e.Caller.Function, "dedup.TestHelpersCaller") {
			t.Errorf("%q: caller function %q, want the test", e.Message, e.Caller.Function)
		}
	}
	if got := logs.All()[1].Level; got != zapcore.InfoLevel {
		t.Errorf("InfoOnce logged at %v", got)
	}
}

// helperRuns numbers the runs of TestHelpersWithoutCore.
var helperRuns atomic.Int32

// Without a once-only core the helpers remember in a process-wide cache and
// the marker is dropped.
func TestHelpersWithoutCore(t *testing.T) {
	t.Cleanup(ResetRanks)
	SetRanks(0, 0)
	inner, logs := observer.New(zapcore.DebugLevel)
	// The cache outlives the test: a logger name of this run's own keeps
	// -count=N from finding the last run's keys.
	run := fmt.Sprintf("run%d", helperRuns.Add(1))
	log := zap.New(inner, zap.AddCaller()).Named(run)
	other := zap.New(inner).Named(run).With(zap.String("x", "y")) // another logger, same cache
	_, file, line, _ := runtime.Caller(0)
	InfoOnce(log, "no core, once", zap.Int("n", 1))
	for range 3 {
		InfoOnce(log, "no core, once", zap.Int("n", 1))
		WarnOnce(other, "no core, once", zap.Int("n", 1), Once(Process))
		InfoOnce(other, "no core, once", zap.Int("n", 1))
	}
	if logs.Len() != 2 {
		t.Fatalf("got %d lines, want 2 (info, warn)", logs.Len())
	}
	e := logs.All()[0]
	if e.Caller.File != file || e.Caller.Line != line+1 {
		t.Errorf("caller %s, want %s:%d", e.Caller, file, line+1)
	}
	for _, e := range logs.All() {
		if f := e.Context[len(e.Context)-1]; f.Key != "n" {
			t.Errorf("%v line: fields %+v, want n last and no marker", e.Level, e.Context)
		}
	}
	// Scope still applies.
	SetRanks(1, 1)
	InfoOnce(log, "no core, rank 1")
	InfoOnce(log, "no core, rank 1, process", Once(Process))
	if logs.Len() != 3 {
		t.Errorf("on rank 1: %d lines, want 3 (the Process one only)", logs.Len())
	}
	// And a plain Once without the core is a no-op field: every time.
	log.Info("marker alone", Once())
	log.Info("marker alone", Once())
	if n := logs.FilterMessage("marker alone").Len(); n != 2 {
		t.Errorf("Once without the core printed %d times, want 2", n)
	}
}

func TestEviction(t *testing.T) {
	log, buf := bareLogger(WithCap(3))
	for _, m := range []string{"a", "b", "c", "a", "b", "c", "d", "b", "c", "d", "a"} {
		log.Info(m, Once())
	}
	// d pushes out a; a then prints again and pushes out b.
	want := "a b c d a"
	if got := strings.Join(buf.Lines(), " "); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMaxBytes(t *testing.T) {
	// Keys here are 1 (name) + 1 (level) + 1 + len(msg) bytes, and take
	// 4 more in the cache.
	log, buf := bareLogger(WithMaxKeyBytes(30))
	long := strings.Repeat("x", 30)
	for _, m := range []string{"aaaaaa", "bbbbbb", "aaaaaa", "cccccc", "aaaaaa", long, long} {
		log.Info(m, Once())
	}
	// Two 13-byte keys fit in 30; cccccc pushes out aaaaaa, which prints
	// again; the long key does not fit at all and prints every time.
	want := []string{"aaaaaa", "bbbbbb", "cccccc", "aaaaaa", long, long}
	if got := buf.Lines(); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// The key bytes are a faithful encoding: no two different field lists
// give the same bytes, even when their texts concatenate to the same.
func TestKeyEncodingInjective(t *testing.T) {
	type obj = zapcore.ObjectMarshalerFunc
	cases := [][]zap.Field{
		{zap.String("a", "bc")},
		{zap.String("ab", "c")},
		{zap.String("a", "b"), zap.String("c", "")},
		{zap.Int("a", 1)},
		{zap.Uint("a", 1)},
		{zap.Bool("a", true)},
		{zap.Float64("a", 1)},
		{zap.Float32("a", 1)},
		{zap.Duration("a", 1)},
		{zap.Uintptr("a", 1)},
		{zap.Complex128("a", 1)},
		{zap.Complex64("a", 1)},
		{zap.Binary("a", []byte("1"))},
		{zap.ByteString("a", []byte("1"))},
		{zap.Stringer("a", stringer("1"))},
		{zap.Error(errors.New("1"))},
		{zap.NamedError("a", errors.New("1"))},
		{zap.Reflect("a", "1")},
		{zap.Reflect("a", 1)},
		{zap.Object("a", obj(func(e zapcore.ObjectEncoder) error { e.AddInt("b", 1); return nil }))},
		{zap.Object("a", obj(func(e zapcore.ObjectEncoder) error { return nil })), zap.Int("b", 1)},
		{zap.Inline(obj(func(e zapcore.ObjectEncoder) error { e.AddInt("b", 1); return nil }))},
		{zap.Ints("a", []int{1, 2})},
		{zap.Ints("a", []int{1}), zap.Int("", 2)},
		{zap.Namespace("a")},
		{zap.Namespace("a"), zap.Namespace("")},
		{zap.Time("a", time.Unix(1, 0).UTC())},
		{zap.Time("a", time.Unix(1, 0).In(time.FixedZone("X", 3600)))},
		{zap.Time("a", time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))}, // beyond UnixNano
	}
	seen := map[string]int{}
	for i, fields := range cases {
		k := getKey()
		k.entry("n", zapcore.InfoLevel, "m", fields)
		s := string(k.b)
		putKey(k)
		if j, ok := seen[s]; ok {
			t.Errorf("case %d has the key of case %d", i, j)
		}
		seen[s] = i
		// And a key is stable.
		k = getKey()
		k.entry("n", zapcore.InfoLevel, "m", fields)
		if string(k.b) != s {
			t.Errorf("case %d: key differs between two builds", i)
		}
		putKey(k)
	}
}

type stringer string

func (s stringer) String() string { return string(s) }

type panicky struct{}

func (*panicky) Error() string { panic("boom") }

func TestKeyOfPanickingError(t *testing.T) {
	log, buf := bareLogger()
	var p *panicky
	for range 2 {
		log.Info("err", Once(), zap.Error(p))
	}
	if got := len(buf.Lines()); got != 1 {
		t.Errorf("got %d lines, want 1", got)
	}
}

func TestCoreLevelAndSync(t *testing.T) {
	inner := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(&bytes.Buffer{}), zapcore.WarnLevel)
	c := NewCore(inner)
	if got := zapcore.LevelOf(c); got != zapcore.WarnLevel {
		t.Errorf("Level() = %v, want warn", got)
	}
	if c.Enabled(zapcore.InfoLevel) || !c.Enabled(zapcore.ErrorLevel) {
		t.Error("Enabled does not follow the inner core")
	}
	if err := c.Sync(); err != nil {
		t.Errorf("Sync: %v", err)
	}
	if c.(interface{ Unwrap() zapcore.Core }).Unwrap() != inner {
		t.Error("Unwrap is not the inner core")
	}
}

func TestCacheLen(t *testing.T) {
	c := newCache(100, 1<<20)
	for i := range 250 {
		if !c.insert([]byte(fmt.Sprint(i))) {
			t.Fatalf("key %d not new", i)
		}
	}
	if c.count() != 100 {
		t.Errorf("len %d, want 100", c.count())
	}
	for i := range 250 {
		if got, want := c.seen([]byte(fmt.Sprint(i))), i >= 150; got != want {
			t.Errorf("seen(%d) = %v, want %v", i, got, want)
		}
	}
}

// Keys whose 64-bit hashes are equal are still told apart, inserted,
// forgotten and moved with the arena.
func TestCacheCollisions(t *testing.T) {
	for _, mask := range []uint64{0, 3} { // one hash for all keys; four
		c := newCache(50, 6000)
		c.mask = mask
		key := func(i int) []byte { return []byte(fmt.Sprintf("key-%d", i)) }
		for round := range 2 {
			for i := range 40 {
				if got := c.insert(key(i)); got != (round == 0) {
					t.Fatalf("round %d: insert(%s) = %v", round, key(i), got)
				}
			}
		}
		for i := range 40 {
			if !c.seen(key(i)) {
				t.Errorf("key %d not seen", i)
			}
		}
		if c.seen([]byte("key-99")) {
			t.Error("an absent key is seen")
		}
		// Past the cap the oldest go, and the rest stay exact.
		for i := 40; i < 200; i++ {
			if !c.insert(key(i)) {
				t.Fatalf("insert(%s) not new", key(i))
			}
		}
		for i := range 200 {
			if got, want := c.seen(key(i)), i >= 150; got != want {
				t.Errorf("seen(%d) = %v, want %v", i, got, want)
			}
		}
	}
}

func TestCacheChunks(t *testing.T) {
	c := newCache(1000, 64)
	// Keys of varying length so that the arena wraps at varying places.
	var live []string
	for i := range 500 {
		k := strings.Repeat(string(rune('a'+i%26)), 1+i%13) + fmt.Sprint(i)
		if !c.insert([]byte(k)) {
			t.Fatalf("insert(%q) not new", k)
		}
		live = append(live, k)
		used := 0
		n := 0
		for j := len(live) - 1; j >= 0 && used+lenPrefix+len(live[j]) <= 64; j-- {
			used += lenPrefix + len(live[j])
			n++
		}
		// The newest key is always there, and whatever else is there is exact.
		if !c.seen([]byte(k)) {
			t.Fatalf("newest %q not seen", k)
		}
		held := c.count()
		if held > n {
			t.Fatalf("%d keys held in a 64-byte arena, at most %d fit", held, n)
		}
		// Those held are the newest ones, first in first out.
		for j, old := range live {
			if got, want := c.seen([]byte(old)), j >= len(live)-held; got != want {
				t.Fatalf("after %d inserts: seen(%q) = %v, want %v", i+1, old, got, want)
			}
		}
	}
	if c.liveBytes > 64 {
		t.Errorf("chunks of %d bytes, want at most 64", c.liveBytes)
	}
}

// Lookups take no lock: under concurrent inserts, evictions, table growth
// and chunk frees, a lookup never finds a key that was never inserted, even
// when every key shares a few hashes, and a key set that fits is inserted
// exactly once per key.
func TestCacheConcurrent(t *testing.T) {
	for _, tc := range []struct {
		name string
		mask uint64
	}{
		{"maphash", math.MaxUint64},
		{"four hashes", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCache(64, 2000)
			c.mask = tc.mask
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Go(func() {
					for i := range 3000 {
						k := []byte(fmt.Sprintf("in-%d", (i*7+g)%300))
						c.insert(k)
						if c.seen([]byte(fmt.Sprintf("out-%d", i%300))) {
							t.Errorf("a key never inserted is seen")
							return
						}
					}
				})
			}
			wg.Wait()

			fits := newCache(1000, 1<<20)
			fits.mask = tc.mask
			var firsts sync.Map
			for g := range 8 {
				wg.Go(func() {
					for i := range 2000 {
						k := fmt.Sprintf("key-%d", (i+g*37)%500)
						if fits.insert([]byte(k)) {
							if _, dup := firsts.LoadOrStore(k, g); dup {
								t.Errorf("%s inserted as new twice", k)
							}
						}
					}
				})
			}
			wg.Wait()
			n := 0
			firsts.Range(func(any, any) bool { n++; return true })
			if n != 500 || fits.count() != 500 {
				t.Errorf("%d keys new, %d held; want 500", n, fits.count())
			}
		})
	}
}

// The helpers use the memory and ranks of the once-only core behind any
// wrapper that hands Check down, zap's WithLazy included, which keeps its
// core where no walk can see it: two loggers, each with its own once-only
// core, print the line once each, and a core on local rank 1 prints no
// Local line.
func TestHelpersThroughWrappers(t *testing.T) {
	wrappers := []struct {
		name string
		wrap func(*zap.Logger) *zap.Logger
	}{
		{"zap.Hooks", func(l *zap.Logger) *zap.Logger {
			return l.WithOptions(zap.Hooks(func(zapcore.Entry) error { return nil }))
		}},
		{"sampler", func(l *zap.Logger) *zap.Logger {
			return l.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
				return zapcore.NewSamplerWithOptions(c, time.Hour, 1, 0)
			}))
		}},
		{"tee", func(l *zap.Logger) *zap.Logger {
			return l.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
				return zapcore.NewTee(zapcore.NewNopCore(), c)
			}))
		}},
		{"WithLazy", func(l *zap.Logger) *zap.Logger { return l.WithLazy(zap.String("k", "v")) }},
		{"WrapCore", func(l *zap.Logger) *zap.Logger {
			return l.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core { return struct{ zapcore.Core }{c} }))
		}},
	}
	for _, w := range wrappers {
		t.Run(w.name, func(t *testing.T) {
			msg := "through " + w.name
			var printed int
			for range 2 {
				inner, logs := observer.New(zapcore.DebugLevel)
				log := w.wrap(zap.New(NewCore(inner, WithRanks(Ranks{GlobalKnown: true, LocalKnown: true}))))
				for range 3 {
					InfoOnce(log, msg)
				}
				printed += logs.Len()

				rank1, rank1Logs := observer.New(zapcore.DebugLevel)
				log = w.wrap(zap.New(NewCore(rank1, WithRanks(Ranks{Local: 1, LocalKnown: true, GlobalKnown: true}))))
				InfoOnce(log, msg+" on rank 1")
				if rank1Logs.Len() != 0 {
					t.Errorf("a Local line printed on local rank 1")
				}
			}
			if printed != 2 {
				t.Errorf("%d lines from two loggers with a once-only core each, want 2", printed)
			}
		})
	}
}

// keyOf writes the key a keyBuilder's entry writes, within its buffer,
// for names, messages and string and integer fields; a key that does not
// fit, or a field of another type, is left to entry.
func TestKeyOfIsEntry(t *testing.T) {
	long := strings.Repeat("x", keyBufSize)
	cases := []struct {
		name, msg string
		fields    []zap.Field
		fits      bool
	}{
		{"n", "m", nil, true},
		{"", "", []zap.Field{zap.String("", "")}, true},
		{"dynamo_llm::kv_router", "fell back", []zap.Field{zap.String("model", "Qwen/Qwen3-0.6B"), zap.Int64("worker_id", 7), zap.Int32("a", -1), zap.Int16("b", 2), zap.Int8("c", 3)}, true},
		{"n", "m", []zap.Field{zap.String(strings.Repeat("k", 60), strings.Repeat("v", 130))}, true}, // a length of two varint bytes
		{"n", long, nil, false},
		{long, "m", nil, false},
		{"n", "m", []zap.Field{zap.String("a", long)}, false},
		{"n", "m", []zap.Field{zap.String("a", strings.Repeat("v", keyBufSize-28)), zap.Int("b", 1)}, false}, // the string fits, the int not
		{"n", "m", []zap.Field{zap.Uint("a", 1)}, false},
		{"n", "m", []zap.Field{zap.Int("a", 1), zap.Bool("b", true)}, false},
		{"n", "m", []zap.Field{Once(), zap.String("a", "b")}, false},
	}
	for i, tc := range cases {
		k := getKey()
		k.entry(tc.name, zapcore.WarnLevel, tc.msg, tc.fields)
		want := string(k.b)
		putKey(k)
		var buf [keyBufSize]byte
		got, ok := keyOf(buf[:], tc.name, zapcore.WarnLevel, tc.msg, tc.fields)
		if ok != tc.fits {
			t.Errorf("case %d: keyOf ok = %v, want %v", i, ok, tc.fits)
		}
		if ok && string(got) != want {
			t.Errorf("case %d: keyOf\n %q\nentry\n %q", i, got, want)
		}
		if ok && &got[:1][0] != &buf[0] {
			t.Errorf("case %d: keyOf wrote outside its buffer", i)
		}
	}
}

type panicJSON struct{}

func (panicJSON) MarshalJSON() ([]byte, error) { panic("json boom") }

// panicking is a marshaler that writes a field, then panics with msg.
func panicking(msg string) zapcore.ObjectMarshalerFunc {
	return func(e zapcore.ObjectEncoder) error {
		e.AddString("a", "b")
		panic(msg)
	}
}

// A once-only line whose marshalers panic neither panics nor prints twice:
// its key holds what they wrote and the panic, so two panics apart are two
// lines, and the encoder writes each value as a panic.
func TestOnceMarshalerPanics(t *testing.T) {
	log, buf := bareLogger()
	arr := zapcore.ArrayMarshalerFunc(func(zapcore.ArrayEncoder) error { panic("arr") })
	for range 3 {
		log.Info("o", Once(), zap.Object("o", panicking("x")))
		log.Info("o", Once(), zap.Object("o", panicking("y")))
		InfoOnce(log, "h", zap.Array("a", arr), zap.Inline(panicking("x")), zap.Reflect("r", panicJSON{}))
	}
	want := []string{`o o=null oError="PANIC=x"`, `o o=null oError="PANIC=y"`,
		`h a=null aError="PANIC=arr" Error="PANIC=x" r=null rError="PANIC=json boom"`}
	if got := buf.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
