package unwrap_test

import (
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/unwrap"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// The module's stages take a line in one pass: through the filter,
// once-only and tracing cores a line meets one nested CheckedEntry.Write at
// most, the sink's, whatever decides it at Write.

// nestingSink records, for each line it writes, how many
// zapcore.(*CheckedEntry).Write frames are on its stack: the logger's own,
// plus one for each checked entry nested inside it.
type nestingSink struct {
	zapcore.LevelEnabler
	mu     *sync.Mutex
	writes *[]int
}

func newNestingSink() nestingSink {
	return nestingSink{LevelEnabler: zapcore.DebugLevel, mu: new(sync.Mutex), writes: new([]int)}
}

func (s nestingSink) With([]zapcore.Field) zapcore.Core { return s }
func (s nestingSink) Sync() error                       { return nil }
func (s nestingSink) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if s.Enabled(ent.Level) {
		return ce.AddCore(ent, s)
	}
	return ce
}

func (s nestingSink) Write(zapcore.Entry, []zapcore.Field) error {
	pcs := make([]uintptr, 128)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(1, pcs)])
	n := 0
	for {
		f, more := frames.Next()
		if f.Function == "go.uber.org/zap/zapcore.(*CheckedEntry).Write" {
			n++
		}
		if !more {
			break
		}
	}
	s.mu.Lock()
	*s.writes = append(*s.writes, n)
	s.mu.Unlock()
	return nil
}

func (s nestingSink) take() []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	w := *s.writes
	*s.writes = nil
	return w
}

// stackLines are lines that take each way through core.New's stack:
// decided at Check, or at Write by each stage that can decide there. The
// filter holds what core.New's does: a default, the built-in targets at
// ERROR (so the filter's maximum is ERROR) and a span directive.
func stackLines(t *testing.T) (*filter.Filter, []line) {
	f, err := filter.Parse("info,h2=error,tower=error,svc=debug,[req]=debug")
	if err != nil {
		t.Fatal(err)
	}
	return f, []line{
		{"named, decided at Check", func(l *zap.Logger) { l.Named("svc").Info("named") }},
		{"bound by filter.Named, decided at Check", func(l *zap.Logger) { filter.Named(l, "svc").Info("bound") }},
		{"unnamed below ERROR, decided at Write by the caller", func(l *zap.Logger) { l.Info("unnamed") }},
		{"unnamed at ERROR, decided at Check", func(l *zap.Logger) { l.Error("unnamed error") }},
		{"decided at Write by a span directive", func(l *zap.Logger) { l.Named("other").Debug("in req", req) }},
		{"once-only", func(l *zap.Logger) { l.Named("svc").Info("once", dedup.Once(dedup.Process)) }},
		{"once-only helper", func(l *zap.Logger) { dedup.InfoOnce(l.Named("svc"), "helper once", dedup.Once(dedup.Process)) }},
		{"span event rewritten by the tracing core", func(l *zap.Logger) {
			_, s := tracing.Start(tracing.WithLogger(t.Context(), l.Named("svc")), "op")
			s.End()
		}},
	}
}

// stack is core.New's composition: filter, once-only, tracing, sink.
func stack(f *filter.Filter, sink zapcore.Core) zapcore.Core {
	return filter.NewCore(dedup.NewCore(tracing.NewCore(sink, tracing.WithSpanEvents(tracing.EventsReadable))), f)
}

func TestOneNestedWrite(t *testing.T) {
	f, lines := stackLines(t)
	for _, ln := range lines {
		sink := newNestingSink()
		ln.log(zap.New(stack(f, sink), zap.AddCaller()))
		got := sink.take()
		if len(got) == 0 {
			t.Errorf("%s: nothing written", ln.name)
		}
		for _, n := range got {
			if n != 2 {
				t.Errorf("%s: %d CheckedEntry.Write frames on the sink's stack, want 2 (the logger's and the sink's)", ln.name, n)
			}
		}
	}

	// Without the once-only core, which decides every line at Write, a
	// named logger's line is decided at Check, built-in ERROR directives or
	// not: the sink is in the logger's own checked entry.
	sink := newNestingSink()
	log := zap.New(filter.NewCore(tracing.NewCore(sink), f), zap.AddCaller())
	log.Named("svc").Info("named")
	filter.Named(log, "svc").Info("bound")
	log.Error("unnamed error")
	if got := sink.take(); len(got) != 3 || got[0] != 1 || got[1] != 1 || got[2] != 1 {
		t.Errorf("decided at Check: CheckedEntry.Write frames %v, want [1 1 1]", got)
	}
	// A named line below its level never leaves Check, unless a span
	// directive that applies to its target could let it through: then the
	// spans among its fields decide, at Write.
	if ce := log.Named("h2").Check(zapcore.DebugLevel-1, "below"); ce != nil {
		t.Error("a named line below every level for its target got a checked entry")
	}
	builtin, err := filter.Parse("info,h2=error,tower=error")
	if err != nil {
		t.Fatal(err)
	}
	log = zap.New(filter.NewCore(tracing.NewCore(sink), builtin), zap.AddCaller())
	if ce := log.Named("h2").Check(zapcore.WarnLevel, "below"); ce != nil {
		t.Error("a named line below its target's level got a checked entry")
	}
}

// The whole stack keeps zap's Core contract as each stage does alone: the
// inner core's Check decides on every way through it, and each write error
// comes back once.
func TestStackHonoursInnerCheck(t *testing.T) {
	f, lines := stackLines(t)
	for _, ln := range lines {
		debug, debugLogs := observer.New(zapcore.DebugLevel)
		errOnly, errLogs := observer.New(zapcore.FatalLevel)
		ln.log(zap.New(stack(f, zapcore.NewTee(debug, errOnly)), zap.AddCaller()))
		if debugLogs.Len() == 0 || errLogs.Len() != 0 {
			t.Errorf("%s: %d lines in the debug core, %d in the fatal core; want some and 0", ln.name, debugLogs.Len(), errLogs.Len())
		}

		var errOut syncBuffer
		sink := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), failingSink{}, zapcore.DebugLevel)
		ln.log(zap.New(stack(f, sink), zap.ErrorOutput(&errOut), zap.AddCaller()))
		got := errOut.String()
		writes := debugLogs.Len() // lines the same call wrote
		if strings.Count(got, "write error: disk full\n") != writes || strings.Count(got, "write error") != writes {
			t.Errorf("%s: error output %q; want %d reports of disk full", ln.name, got, writes)
		}
	}
}

// A probe finds the outermost stage's Held through every wrapper of zap's,
// those the walk cannot look into included, and writes nothing: no core
// records it, no hook runs.
func TestProbe(t *testing.T) {
	obs, logs := observer.New(zapcore.InfoLevel)
	stage := dedup.NewCore(obs)
	other := dedup.NewCore(obs)
	want := unwrap.HeldBy(stage)
	if want == nil || want.Once == nil {
		t.Fatal("a once-only core holds nothing")
	}
	hooked := 0
	hook := func(zapcore.Entry) error { hooked++; return nil }
	for _, tt := range []struct {
		name string
		core zapcore.Core
		want *unwrap.Held
	}{
		{"the stage", stage, want},
		{"zap.Hooks", zapcore.RegisterHooks(stage, hook), want},
		{"sampler", zapcore.NewSamplerWithOptions(stage, time.Hour, 1, 0), want},
		{"tee: the first wins", zapcore.NewTee(obs, stage, other), want},
		{"zap.IncreaseLevel", mustIncrease(t, stage), want},
		{"zap.WithLazy", zap.New(stage).WithLazy(zap.String("k", "v")).Core(), want},
		{"no stage", zapcore.RegisterHooks(obs, hook), nil},
	} {
		if got := unwrap.Probe(tt.core); got != tt.want {
			t.Errorf("%s: Probe = %p, want %p", tt.name, got, tt.want)
		}
	}
	if logs.Len() != 0 || hooked != 0 {
		t.Errorf("probes wrote %d entries and ran %d hooks, want none", logs.Len(), hooked)
	}
}

func mustIncrease(t *testing.T, c zapcore.Core) zapcore.Core {
	t.Helper()
	ic, err := zapcore.NewIncreaseLevelCore(c, zapcore.WarnLevel)
	if err != nil {
		t.Fatal(err)
	}
	return ic
}
