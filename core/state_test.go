package core

import (
	"bytes"
	"testing"

	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestStateHeldOnTheCore: a logger New built holds its state on its own
// cores, read from the outermost in O(1), and every logger
// derived from it (With, zap's Named, Named, filter.Named) holds the same;
// a zap.Hooks wrapper outside is crossed by the walk.
func TestStateHeldOnTheCore(t *testing.T) {
	var out bytes.Buffer
	log, err := New(WithSystemConfig(""), WithEnv(func(string) (string, bool) { return "", false }), WithOutput(zapcore.AddSync(&out)))
	if err != nil {
		t.Fatal(err)
	}
	// held is what the outermost core holds (one type assertion, as
	// stateOf reads it first): no walk.
	held := func(l *zap.Logger) *state {
		t.Helper()
		h := unwrap.HeldBy(l.Core())
		if h == nil {
			t.Fatalf("%T holds nothing", l.Core())
		}
		st, ok := h.Logger.(*state)
		if !ok || st == nil {
			t.Fatalf("%T: no logger state held (%T)", l.Core(), h.Logger)
		}
		return st
	}
	st := held(log)
	if st.filter == nil || st.layout == nil || st.site.Line == 0 {
		t.Fatalf("state %+v lacks the filter, the layout or the call site", st)
	}
	for name, l := range map[string]*zap.Logger{
		"With":         log.With(zap.String("k", "v")),
		"zap's Named":  log.Named("a"),
		"Named":        Named(log, "a"),
		"filter.Named": filter.Named(log.With(zap.Int("n", 1)), "b"),
	} {
		if got := held(l); got != st {
			t.Errorf("%s: another state", name)
		}
		if got := stateOf(l.Core()); got != st {
			t.Errorf("%s: stateOf finds another state", name)
		}
	}
	hooked := log.WithOptions(zap.Hooks(func(zapcore.Entry) error { return nil }))
	if got := stateOf(hooked.Core()); got != st {
		t.Error("stateOf does not find the state under zap.Hooks")
	}
	if stateOf(zap.NewNop().Core()) != nil {
		t.Error("a state for a logger New did not build")
	}
}
