package filter_test

import (
	"fmt"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func mustParse(t testing.TB, spec string) *filter.Filter {
	t.Helper()
	f, err := filter.Parse(spec)
	if err != nil {
		t.Fatalf("Parse(%q): %v", spec, err)
	}
	return f
}

// TestUnnamedLoggerTargetIsCallerPackage: with no name, the target is the
// calling function's package, decided once zap knows the caller.
func TestUnnamedLoggerTargetIsCallerPackage(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want int
	}{
		{"info,github.com/dynlog/dynlog/filter_test=debug", 1},
		{"info,github.com/dynlog/dynlog=debug", 1},
		{"info,github.com/other=debug", 0},
		{"github.com/other=debug", 0},
		{"debug,github.com/dynlog/dynlog/filter_test=warn", 0},
		{"debug", 1},
	} {
		obs, logs := observer.New(zapcore.Level(-128))
		log := zap.New(filter.NewCore(obs, mustParse(t, tc.spec)), zap.AddCaller())
		log.Debug("unnamed")
		if logs.Len() != tc.want {
			t.Errorf("%q: %d lines, want %d", tc.spec, logs.Len(), tc.want)
		}
	}
}

// TestBoundLoggerChildren: a bound logger extended with zap's own Named
// still follows the directives for the longer name.
func TestBoundLoggerChildren(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	root := zap.New(filter.NewCore(obs, mustParse(t, "a=warn,a.b=debug")))
	a := filter.Named(root, "a")
	ab := a.Named("b")
	a.Debug("a debug")
	a.Warn("a warn")
	ab.Debug("ab debug")
	ab.Log(trace, "ab trace")
	var got []string
	for _, e := range logs.All() {
		got = append(got, e.LoggerName+" "+e.Message)
	}
	if fmt.Sprint(got) != "[a a warn a.b ab debug]" {
		t.Errorf("printed %q", got)
	}
}

// TestAtomicStoreReachesBoundLoggers: a swap changes what bound and unbound
// loggers print on their next call.
func TestAtomicStoreReachesBoundLoggers(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	a := filter.NewAtomic(mustParse(t, "info"))
	root := zap.New(filter.NewAtomicCore(obs, a))
	bound := filter.Named(root, "dynamo_runtime")
	plain := root.Named("dynamo_llm")
	bound.Debug("1")
	plain.Debug("2")
	a.Store(mustParse(t, "info,dynamo=debug"))
	bound.Debug("3")
	plain.Debug("4")
	a.Store(mustParse(t, "dynamo_llm=info"))
	bound.Error("5")
	plain.Debug("6")
	plain.Info("7")
	var got []string
	for _, e := range logs.All() {
		got = append(got, e.Message)
	}
	if fmt.Sprint(got) != "[3 4 7]" {
		t.Errorf("printed %v, want [3 4 7]", got)
	}
}

func TestSuppress(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	root := zap.New(filter.NewCore(obs, mustParse(t, "debug")))
	bound := filter.Named(root, "svc")
	plain := root.Named("other")
	count := func() int { return len(logs.TakeAll()) }
	logAll := func() {
		bound.Info("i")
		bound.Warn("w")
		plain.Info("i")
		plain.Warn("w")
	}

	logAll()
	if n := count(); n != 4 {
		t.Fatalf("before: %d lines", n)
	}
	restore := filter.Suppress(zapcore.InfoLevel)
	logAll()
	if n := count(); n != 2 {
		t.Errorf("suppressed at info: %d lines, want 2 (warn only)", n)
	}
	inner := filter.Suppress(zapcore.WarnLevel)
	logAll()
	if n := count(); n != 0 {
		t.Errorf("nested suppression at warn: %d lines, want 0", n)
	}
	inner()
	logAll()
	if n := count(); n != 2 {
		t.Errorf("after inner restore: %d lines, want 2", n)
	}
	restore()
	restore() // a second call does nothing
	logAll()
	if n := count(); n != 4 {
		t.Errorf("after restore: %d lines, want 4", n)
	}

	// The highest level there is suppresses everything, Fatal's level too.
	all := filter.Suppress(zapcore.Level(127))
	logAll()
	bound.Error("e")
	if n := count(); n != 0 {
		t.Errorf("suppressed at 127: %d lines, want 0", n)
	}
	all()

	func() {
		defer func() { _ = recover() }()
		filter.Suppressed(zapcore.ErrorLevel, func() {
			logAll()
			panic("boom")
		})
	}()
	if n := count(); n != 0 {
		t.Errorf("inside Suppressed: %d lines, want 0", n)
	}
	logAll()
	if n := count(); n != 4 {
		t.Errorf("after a panic in Suppressed: %d lines, want 4 (restored)", n)
	}
}

// TestReloadUnderLoad: 8 goroutines log while the filter is swapped 1,000
// times. Every printed line must be one that a filter in force during its
// call allowed; and both filters must have let lines through, so the swaps
// really happened.
func TestReloadUnderLoad(t *testing.T) {
	filters := []*filter.Filter{
		mustParse(t, "error,svc::a=debug"), // even versions: a at debug, b at error
		mustParse(t, "error,svc::b=debug"), // odd versions: b at debug, a at error
	}
	var version atomic.Int64 // bumped after each Store
	var made atomic.Int64    // calls made by all goroutines
	a := filter.NewAtomic(filters[0])
	obs, logs := observer.New(zapcore.Level(-128))
	root := zap.New(filter.NewAtomicCore(obs, a))

	type call struct{ from, to int64 }
	const goroutines = 8
	calls := make([][]call, goroutines)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			loggers := []*zap.Logger{filter.Named(root, "svc::a"), root.Named("svc::b"), filter.Named(root, "svc::b"), root.Named("svc::a")}
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				from := version.Load()
				loggers[i%len(loggers)].Debug("d", zap.Int("g", g), zap.Int("i", i))
				// The next version's filter may already be stored while its
				// number is not: the call saw at most one more.
				calls[g] = append(calls[g], call{from, version.Load() + 1})
				made.Add(1)
			}
		}(g)
	}
	for i := 1; i <= 1000; i++ {
		// Let the loggers make a few calls under each filter, so that the
		// swaps interleave with logging however the scheduler runs.
		for want := made.Load() + goroutines; made.Load() < want; {
			runtime.Gosched()
		}
		a.Store(filters[i%2])
		version.Store(int64(i))
	}
	close(stop)
	wg.Wait()

	printed := map[string]int{}
	for _, e := range logs.All() {
		ctx := e.ContextMap()
		g, i := int(ctx["g"].(int64)), int(ctx["i"].(int64))
		c := calls[g][i]
		allowed := false
		for v := c.from; v <= c.to && !allowed; v++ {
			allowed = filters[v%2].Enabled(e.LoggerName, zapcore.DebugLevel)
		}
		if !allowed {
			t.Fatalf("%s printed debug line g=%d i=%d during versions %d..%d, none of which allowed it", e.LoggerName, g, i, c.from, c.to)
		}
		printed[e.LoggerName]++
	}
	if printed["svc::a"] == 0 || printed["svc::b"] == 0 {
		t.Errorf("printed %v: both filters should have let lines through", printed)
	}
}

func spansNamed(names ...string) *vocab.Spans { return spansOf(names) }

func messages(logs *observer.ObservedLogs) string {
	var got []string
	for _, e := range logs.TakeAll() {
		got = append(got, e.Message)
	}
	return fmt.Sprint(got)
}

// TestSpanCallFieldWinsOverWith: the spans on the call are the line's, not
// those given to With; without any on the call, With's apply, the last one
// given winning.
func TestSpanCallFieldWinsOverWith(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	root := zap.New(filter.NewCore(obs, mustParse(t, "info,[in-with]=debug")))
	for _, log := range []*zap.Logger{root.Named("svc"), filter.Named(root, "svc")} {
		inWith := log.With(vocab.SpansField(spansNamed("in-with")))
		inWith.Debug("with only")
		inWith.Debug("call wins", vocab.SpansField(spansNamed("on-call")))
		log.With(vocab.SpansField(spansNamed("on-call"))).Debug("with, other span")
		log.Debug("no span")
		log.Debug("call only", vocab.SpansField(spansNamed("in-with")))
		inWith.With(vocab.SpansField(spansNamed("later"))).Debug("later With replaces")
		log.With(vocab.SpansField(spansNamed("later"))).With(vocab.SpansField(spansNamed("in-with"))).Debug("last With")
		if got, want := messages(logs), "[with only call only last With]"; got != want {
			t.Errorf("%s: printed %s, want %s", log.Name(), got, want)
		}
	}
}

// TestSpanInsideNamespace: a spans field after zap.Namespace is a nested
// object to the encoders, so it puts the line in no span.
func TestSpanInsideNamespace(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	log := zap.New(filter.NewCore(obs, mustParse(t, "info,[x]=debug"))).Named("svc")
	x := vocab.SpansField(spansNamed("x"))
	log.Debug("before the namespace", x, zap.Namespace("ns"))
	log.Debug("after the namespace", zap.Namespace("ns"), x)
	log.With(zap.Namespace("ns")).Debug("after a With namespace", x)
	log.With(zap.Namespace("ns"), x).Debug("in a With namespace")
	log.With(zap.Namespace("ns")).With(x).Debug("in a later With")
	log.With(x, zap.Namespace("ns")).Debug("With before its namespace")
	if got, want := messages(logs), "[before the namespace With before its namespace]"; got != want {
		t.Errorf("printed %s, want %s", got, want)
	}
}

// TestSpanFieldOddities: fields that look like the spans field but are not
// one, or hold nil, neither panic nor open a span.
func TestSpanFieldOddities(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	log := zap.New(filter.NewCore(obs, mustParse(t, "info,[x]=debug"))).Named("svc")
	log.Debug("nil spans", zap.Object(vocab.SpansKey, (*vocab.Spans)(nil)))
	log.Debug("skip", vocab.SpansField(nil))
	log.Debug("string", zap.String(vocab.SpansKey, "x"))
	log.Debug("other key", zap.Object("spans", spansNamed("x")))
	log.Debug("empty chain", vocab.SpansField(&vocab.Spans{TraceID: "0af7651916cd43dd8448eb211c80319c"}))
	log.With(vocab.SpansField(spansNamed("x"))).Debug("nil on the call clears", zap.Object(vocab.SpansKey, (*vocab.Spans)(nil)))
	if got := messages(logs); got != "[]" {
		t.Errorf("printed %s, want nothing", got)
	}
}

// TestSpanUnnamedLogger: an unnamed logger's target is its caller's package,
// for span directives with a target too.
func TestSpanUnnamedLogger(t *testing.T) {
	for _, tc := range []struct {
		spec  string
		chain []string
		want  int
	}{
		{"info,[x]=debug", []string{"x"}, 1},
		{"info,[x]=debug", []string{"y"}, 0},
		{"info,[x]=debug", nil, 0},
		{"info,github.com/dynlog/dynlog/filter_test[x]=debug", []string{"x"}, 1},
		{"info,github.com/dynlog[x]=debug", []string{"root", "x"}, 1},
		{"info,github.com/other[x]=debug", []string{"x"}, 0},
		{"github.com/other=debug,[x]=debug", []string{"x"}, 1},
		{"info,github.com/dynlog/dynlog/filter_test=warn,[x]=off", []string{"x"}, 0},
	} {
		for _, with := range []bool{false, true} {
			obs, logs := observer.New(zapcore.Level(-128))
			log := zap.New(filter.NewCore(obs, mustParse(t, tc.spec)), zap.AddCaller())
			s := vocab.SpansField(spansOf(tc.chain))
			if with {
				log.With(s).Debug("unnamed")
			} else {
				log.Debug("unnamed", s)
			}
			if logs.Len() != tc.want {
				t.Errorf("%q in %v (With %v): %d lines, want %d", tc.spec, tc.chain, with, logs.Len(), tc.want)
			}
		}
	}
}

// TestSpanDirectivesEnabled: Enabled lets through every level some
// directive, target or span, could print for the core's loggers, and
// rejects the rest.
func TestSpanDirectivesEnabled(t *testing.T) {
	for _, tc := range []struct {
		spec  string
		bound string // "" for an unbound logger
		level zapcore.Level
		want  bool
	}{
		{"info", "", zapcore.DebugLevel, false},
		{"info,[x]=debug", "", zapcore.DebugLevel, true},
		{"info,[x]=debug", "", trace, false},
		{"info,[x]=off", "", zapcore.DebugLevel, false},
		{"info,foo[x]=trace", "", trace, true},
		{"info,[x]=debug", "svc", zapcore.DebugLevel, true},
		{"info,[x]=debug", "svc", trace, false},
		{"info,bar[x]=trace", "foo", trace, false}, // cannot match foo's lines
		{"info,bar[x]=trace", "foo", zapcore.InfoLevel, true},
		{"info,foo[x]=trace", "foo::a", trace, true},   // a prefix of the target
		{"info,foo.a[x]=trace", "foo", trace, true},    // foo's child foo.a
		{"info,foo.a[x]=trace", "foo.b", trace, false}, // neither
	} {
		obs, _ := observer.New(zapcore.Level(-128))
		log := zap.New(filter.NewCore(obs, mustParse(t, tc.spec)))
		if tc.bound != "" {
			log = filter.Named(log, tc.bound)
		}
		if got := log.Core().Enabled(tc.level); got != tc.want {
			t.Errorf("%q, bound %q: Enabled(%v) = %v, want %v", tc.spec, tc.bound, tc.level, got, tc.want)
		}
	}
}

// TestSpanBoundLoggerChildren: a bound logger's child made with zap's Named
// follows span directives for its longer name, and so does the bound
// logger for its own.
func TestSpanBoundLoggerChildren(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	root := zap.New(filter.NewCore(obs, mustParse(t, "info,foo.a[x]=trace,foo[y]=debug")))
	foo := filter.Named(root, "foo")
	x, y := vocab.SpansField(spansNamed("x")), vocab.SpansField(spansNamed("y"))
	foo.Log(trace, "foo trace in x", x)
	foo.Named("a").Log(trace, "foo.a trace in x", x)
	foo.Named("b").Log(trace, "foo.b trace in x", x)
	foo.Debug("foo debug in y", y)
	foo.Named("b").Debug("foo.b debug in y", y)
	foo.Named("a").Log(trace, "foo.a trace", zap.Int("no span", 1))
	if got, want := messages(logs), "[foo.a trace in x foo debug in y foo.b debug in y]"; got != want {
		t.Errorf("printed %s, want %s", got, want)
	}
}

// TestSpanSuppressWins: suppression drops lines that a span directive would
// let through, on every kind of logger.
func TestSpanSuppressWins(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	root := zap.New(filter.NewCore(obs, mustParse(t, "warn,[x]=trace")), zap.AddCaller())
	x := vocab.SpansField(spansNamed("x"))
	loggers := []*zap.Logger{root, root.Named("plain"), filter.Named(root, "bound")}
	logAll := func() {
		for _, l := range loggers {
			l.Debug("debug in x", x)
			l.Info("info in x", x)
			l.With(x).Info("info in x by With")
			l.Info("info outside")
		}
	}
	logAll()
	if n := len(logs.TakeAll()); n != 9 {
		t.Fatalf("before suppression: %d lines, want 9", n)
	}
	filter.Suppressed(zapcore.InfoLevel, func() {
		logAll()
		for _, l := range loggers {
			if l.Core().Enabled(zapcore.InfoLevel) {
				t.Errorf("%q: Enabled(info) while info is suppressed", l.Name())
			}
		}
	})
	// A tee calls Check without Enabled.
	filter.Suppressed(zapcore.WarnLevel, func() {
		for _, l := range loggers {
			for _, lvl := range []zapcore.Level{zapcore.DebugLevel, zapcore.WarnLevel} {
				ent := zapcore.Entry{LoggerName: l.Name(), Level: lvl, Message: "in x, core called directly"}
				if ce := l.Core().Check(ent, nil); ce != nil {
					ce.Write(x)
				}
			}
		}
	})
	if got := messages(logs); got != "[]" {
		t.Errorf("suppressed at info: printed %s", got)
	}
	logAll()
	if n := len(logs.TakeAll()); n != 9 {
		t.Errorf("after suppression: %d lines, want 9", n)
	}
}

// TestAtomicStoreSpanDirectives: swapping in a filter with span directives,
// and out again, reaches bound and unbound loggers on their next call,
// Enabled included.
func TestAtomicStoreSpanDirectives(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	a := filter.NewAtomic(mustParse(t, "info"))
	root := zap.New(filter.NewAtomicCore(obs, a))
	bound := filter.Named(root, "dynamo_llm::preprocessor")
	plain := root.Named("dynamo_llm::preprocessor")
	inSpan := bound.With(vocab.SpansField(spansNamed("http-request", "handle_payload")))
	logAll := func(step string) {
		bound.Debug(step+" bound", vocab.SpansField(spansNamed("handle_payload")))
		plain.Debug(step+" plain", vocab.SpansField(spansNamed("handle_payload")))
		inSpan.Debug(step + " with")
	}
	logAll("1")
	if bound.Core().Enabled(zapcore.DebugLevel) {
		t.Error("Enabled(debug) under info with no span directive")
	}
	a.Store(mustParse(t, "info,dynamo_llm[handle_payload]=debug"))
	if !bound.Core().Enabled(zapcore.DebugLevel) || !inSpan.Core().Enabled(zapcore.DebugLevel) {
		t.Error("Enabled(debug) false after a span directive at debug came in")
	}
	logAll("2")
	a.Store(mustParse(t, "info,dynamo_runtime[handle_payload]=debug"))
	logAll("3")
	if bound.Core().Enabled(zapcore.DebugLevel) {
		t.Error("Enabled(debug) true for a target no span directive matches")
	}
	a.Store(mustParse(t, "info"))
	logAll("4")
	if got, want := messages(logs), "[2 bound 2 plain 2 with]"; got != want {
		t.Errorf("printed %s, want %s", got, want)
	}
}

// TestRejectedCallsDoNotAllocate: a call the filter rejects allocates
// nothing, with or without span directives in the filter, inside a span or
// not; with fields on the call, no more than zap's own disabled call (whose
// variadic fields escape).
func TestRejectedCallsDoNotAllocate(t *testing.T) {
	x := vocab.SpansField(spansNamed("http-request"))
	disabled := zap.New(zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), zapcore.InfoLevel))
	zapAllocs := testing.AllocsPerRun(100, func() { disabled.Debug("dropped", x) })
	for _, spec := range []string{"info,dynamo_runtime=debug", "info,dynamo_runtime=debug,[other]=debug"} {
		obs, _ := observer.New(zapcore.Level(-128))
		root := zap.New(filter.NewCore(obs, mustParse(t, spec)))
		for _, log := range []*zap.Logger{filter.Named(root, "dynamo_llm"), root.Named("dynamo_llm"), root.With(x).Named("dynamo_llm")} {
			if n := testing.AllocsPerRun(100, func() { log.Debug("dropped") }); n != 0 {
				t.Errorf("%q, %q: %v allocations per rejected call", spec, log.Name(), n)
			}
			if n := testing.AllocsPerRun(100, func() { log.Debug("dropped", x) }); n > zapAllocs {
				t.Errorf("%q, %q: %v allocations per rejected call in a span, zap's disabled call %v", spec, log.Name(), n, zapAllocs)
			}
		}
	}
}

// TestEnabledAsksInnerCore: Enabled answers true only for a level the
// inner core is enabled for too, directly inside or behind this module's
// once-only and tracing cores, bound by Named or not, after With too. The
// filter prints debug here; the inner core starts at warn.
func TestEnabledAsksInnerCore(t *testing.T) {
	sink := func() zapcore.Core {
		return zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), zapcore.WarnLevel)
	}
	inners := map[string]zapcore.Core{
		"core":                  sink(),
		"once-only and tracing": dedup.NewCore(tracing.NewCore(sink())),
	}
	for name, inner := range inners {
		root := zap.New(filter.NewCore(inner, mustParse(t, "debug")))
		for _, log := range []*zap.Logger{root, root.With(zap.Int("n", 1)), filter.Named(root, "a"), root.Named("a")} {
			c := log.Core()
			if c.Enabled(zapcore.InfoLevel) || !c.Enabled(zapcore.WarnLevel) {
				t.Errorf("%s, logger %q: Enabled(info) %v, Enabled(warn) %v; want false, true", name, log.Name(),
					c.Enabled(zapcore.InfoLevel), c.Enabled(zapcore.WarnLevel))
			}
		}
	}
}
