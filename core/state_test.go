package core

import (
	"bytes"
	"errors"
	"testing"
	"time"

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

// failingSink fails every Write with err and counts its Syncs.
type failingSink struct {
	err   error
	syncs int
}

func (s *failingSink) Write([]byte) (int, error) { return 0, s.err }
func (s *failingSink) Sync() error               { s.syncs++; return nil }

// stoppedClock is a zapcore.Clock stopped at one instant.
type stoppedClock struct{ t time.Time }

func (c stoppedClock) Now() time.Time                         { return c.t }
func (c stoppedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// TestSinkWritesAsZapCore: the sink of a logger New built is written
// without a nested checked entry, and behaves as zapcore.NewCore's core
// does: a write error reaches the error output as zap reports it, once,
// and only a line above ERROR syncs the output. A logger derived with With
// keeps the direct path.
func TestSinkWritesAsZapCore(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 656503000, time.UTC)
	sink := &failingSink{err: errors.New("disk full")}
	var errOut bytes.Buffer
	log, err := New(WithSystemConfig(""), WithEnv(func(string) (string, bool) { return "", false }),
		WithOutput(sink), WithErrorOutput(zapcore.AddSync(&errOut)), WithClock(stoppedClock{at}))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*zap.Logger{log, log.With(zap.Int("k", 1))} {
		h, ok := unwrap.As[*heldCore](l.Core())
		if !ok || h.sink == nil {
			t.Fatalf("%T: no held core over a sinkCore (%v)", l.Core(), ok)
		}
	}

	// What zap's own logger over zapcore.NewCore reports for the same
	// failure.
	var want bytes.Buffer
	ref := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), &failingSink{err: sink.err}, zapcore.DebugLevel),
		zap.ErrorOutput(zapcore.AddSync(&want)), zap.WithClock(stoppedClock{at}))
	ref.Info("x")
	if want.Len() == 0 {
		t.Fatal("zap reported no write error")
	}

	log.Info("x")
	if errOut.String() != want.String() {
		t.Errorf("error output:\n got %q\nwant %q", errOut.String(), want.String())
	}

	sink.err = nil
	log.Info("x")
	log.Error("x")
	if sink.syncs != 0 {
		t.Errorf("after INFO and ERROR lines: %d syncs, want 0", sink.syncs)
	}
	log.DPanic("x") // a production logger: no panic
	if sink.syncs != 1 {
		t.Errorf("after a DPANIC line: %d syncs, want 1", sink.syncs)
	}
}
