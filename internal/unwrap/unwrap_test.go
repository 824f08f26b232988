package unwrap

import (
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// marked is the core the walk looks for.
type marked struct {
	zapcore.Core
	id int
}

// own is a wrapper with an Unwrap method and no embedded Core.
type own struct{ inner zapcore.Core }

func (o own) Enabled(l zapcore.Level) bool        { return o.inner.Enabled(l) }
func (o own) With(f []zapcore.Field) zapcore.Core { return own{o.inner.With(f)} }
func (o own) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	return o.inner.Check(e, ce)
}
func (o own) Write(e zapcore.Entry, f []zapcore.Field) error { return o.inner.Write(e, f) }
func (o own) Sync() error                                    { return o.inner.Sync() }
func (o own) Unwrap() zapcore.Core                           { return o.inner }

// userWrapper is what a zap.WrapCore function usually returns.
type userWrapper struct{ zapcore.Core }

// unexported keeps its core in a field the walk cannot read.
type unexported struct{ inner zapcore.Core }

func (u unexported) Enabled(zapcore.Level) bool                                            { return true }
func (u unexported) With([]zapcore.Field) zapcore.Core                                     { return u }
func (u unexported) Check(_ zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry { return ce }
func (u unexported) Write(zapcore.Entry, []zapcore.Field) error                            { return nil }
func (u unexported) Sync() error                                                           { return nil }

func TestFind(t *testing.T) {
	base, _ := observer.New(zapcore.DebugLevel)
	target := &marked{Core: base, id: 7}
	other := &marked{Core: base, id: 8}
	tests := []struct {
		name string
		wrap func(zapcore.Core) zapcore.Core
		want int // 0: not found
	}{
		{"itself", func(c zapcore.Core) zapcore.Core { return c }, 7},
		{"Unwrap method", func(c zapcore.Core) zapcore.Core { return own{c} }, 7},
		{"zap.Hooks", func(c zapcore.Core) zapcore.Core {
			return zapcore.RegisterHooks(c, func(zapcore.Entry) error { return nil })
		}, 7},
		{"sampler", func(c zapcore.Core) zapcore.Core {
			return zapcore.NewSamplerWithOptions(c, time.Second, 1, 1)
		}, 7},
		{"WrapCore wrapper", func(c zapcore.Core) zapcore.Core { return userWrapper{c} }, 7},
		{"WrapCore wrapper by pointer", func(c zapcore.Core) zapcore.Core { return &userWrapper{c} }, 7},
		{"tee, ours first", func(c zapcore.Core) zapcore.Core { return zapcore.NewTee(c, base) }, 7},
		{"tee, ours second", func(c zapcore.Core) zapcore.Core { return zapcore.NewTee(base, c) }, 7},
		{"tee, two of ours: the first wins", func(c zapcore.Core) zapcore.Core { return zapcore.NewTee(other, c) }, 8},
		{"hooks around a sampler around a tee", func(c zapcore.Core) zapcore.Core {
			return zapcore.RegisterHooks(zapcore.NewSamplerWithOptions(zapcore.NewTee(base, own{c}), time.Second, 1, 1))
		}, 7},
		{"not there", func(zapcore.Core) zapcore.Core { return base }, 0},
		{"nil", func(zapcore.Core) zapcore.Core { return nil }, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := As[*marked](tt.wrap(target))
			if tt.want == 0 {
				if ok {
					t.Fatalf("found %+v, want none", got)
				}
				return
			}
			if !ok || got.id != tt.want {
				t.Fatalf("As = %v, %v; want the core with id %d", got, ok, tt.want)
			}
		})
	}
}

func TestFindThroughZapOptions(t *testing.T) {
	base, _ := observer.New(zapcore.DebugLevel)
	log := zap.New(&marked{Core: base, id: 7}).WithOptions(
		zap.Hooks(func(zapcore.Entry) error { return nil }),
		zap.WrapCore(func(c zapcore.Core) zapcore.Core { return userWrapper{c} }),
	)
	if got, ok := As[*marked](log.Core()); !ok || got.id != 7 {
		t.Fatalf("As through zap.Hooks and zap.WrapCore = %v, %v", got, ok)
	}
}

func TestHiddenAndCycles(t *testing.T) {
	base, _ := observer.New(zapcore.DebugLevel)
	// A wrapper that keeps its core in an unexported field, without
	// Unwrap, cannot be looked into.
	if _, ok := As[*marked](unexported{&marked{Core: base}}); ok {
		t.Fatal("found a core behind an unexported field")
	}
	// A core that unwraps to itself ends the walk.
	var loop selfLoop
	if _, ok := As[*marked](&loop); ok {
		t.Fatal("found a core in a loop of one")
	}
}

type selfLoop struct{ own }

func (s *selfLoop) Unwrap() zapcore.Core { return s }
