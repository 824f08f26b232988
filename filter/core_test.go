package filter_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dynlog/dynlog/filter"
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
