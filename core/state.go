package core

import (
	"context"
	"errors"
	"math"
	"sync"
	"time"

	"github.com/dynlog/dynlog/core/internal/link"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap/zapcore"
)

// state is what a logger that New, NewVLLM or Build built holds for the
// calls that come after it: Reload (the filter, the layout and the call
// site its reports point at), Close (the log file, the log export),
// StartTracing (the layout, JSONL or not, the log export to hand over).
// Every logger derived from the one built (With, Named) shares it.
type state struct {
	filter *filter.Atomic
	// layout is the encoder of the logger's own layout, nil for a
	// VLLM_LOGGING_CONFIG_PATH file's logger; jsonl is New's JSONL.
	layout zapcore.Encoder
	jsonl  bool
	// vllm: NewVLLM built the logger; Reload reads vLLM's variables.
	vllm bool
	// site is the call that built the logger, where its reports point.
	site zapcore.EntryCaller

	// closeFile closes the log file (or a configuration file's outputs);
	// nil when the logger writes to none of its own.
	closeFile func() error
	// logs is the logger's own OTLP log export, nil when it has none.
	logs link.LogExport

	logsOnce sync.Once
}

// reportLayout is a copy of the layout, for a report's encoder; nil when
// the logger has no layout of its own.
func (s *state) reportLayout() zapcore.Encoder {
	if s == nil || s.layout == nil {
		return nil
	}
	return s.layout.Clone()
}

// logsFlushTimeout bounds how long Close waits for the log export to send
// what it holds: long enough for an export's retries to give up against a
// collector that is down.
const logsFlushTimeout = 5 * time.Second

// close stops the log export, once, and closes the log file (which is
// harmless twice).
func (s *state) close() error {
	var errs []error
	if s.logs != nil {
		s.logsOnce.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), logsFlushTimeout)
			defer cancel()
			errs = append(errs, s.logs.Shutdown(ctx))
		})
	}
	if s.closeFile != nil {
		errs = append(errs, s.closeFile())
	}
	return errors.Join(errs...)
}

// heldCore holds a logger's state, just around the logger's sink, the
// innermost of this package's cores: every logger derived from the one
// built (With, Named, filter.Named) keeps it, a call the filter rejects
// never meets it, and a line that passes pays one method call here. It
// passes everything to the core inside: Check is the inner core's, so that
// a line goes through no extra CheckedEntry. It is the innermost stage
// ([unwrap.Stage]): a line the stages outside pass on goes straight to the
// sink's Write when the sink is this package's own (sinkCore), and through
// the sink's Check otherwise (a tee with the log export, a configuration
// file's cores).
type heldCore struct {
	zapcore.Core
	sink *sinkCore    // Core as a sinkCore, nil if it is not one
	held *unwrap.Held // Logger: the *state, for the stages outside ([unwrap.Holder])
}

var (
	_ unwrap.Stage    = (*heldCore)(nil)
	_ vocab.Unwrapper = (*heldCore)(nil)
)

func newHeldCore(inner zapcore.Core, st *state) *heldCore {
	sink, _ := inner.(*sinkCore)
	return &heldCore{Core: inner, sink: sink, held: &unwrap.Held{Logger: st}}
}

func (c *heldCore) With(fields []zapcore.Field) zapcore.Core {
	inner := c.Core.With(fields)
	sink, _ := inner.(*sinkCore)
	return &heldCore{Core: inner, sink: sink, held: c.held}
}

// Pass is the sink's Check and Write in one call, for the stage around
// this one: a sinkCore's Check is its level and nothing else, so its
// Enabled and Write are what a nested checked entry would do; another
// core gets its Check ([unwrap.CheckedWrite]).
func (c *heldCore) Pass(ent zapcore.Entry, fields []zapcore.Field) error {
	if c.sink != nil {
		if !c.sink.Enabled(ent.Level) {
			return nil
		}
		return c.sink.Write(ent, fields)
	}
	return unwrap.CheckedWrite(c.Core, ent, fields)
}

// Held is what this core holds: the logger's state, which the filter,
// once-only and tracing cores outside it copy when they are built, so
// that stateOf reads it from the outermost in O(1).
func (c *heldCore) Held() *unwrap.Held { return c.held }

// Level is the level of the core inside.
func (c *heldCore) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

// Open reports whether the sink is this package's own at the lowest
// level, which the builders give it (levels are the filter's), and so
// enabled at every level ([unwrap.Stage]).
func (c *heldCore) Open() bool { return c.sink != nil && c.sink.LevelEnabler == openLevel }

// Unwrap is the core inside ([vocab.Unwrapper]).
func (c *heldCore) Unwrap() zapcore.Core { return c.Core }

// sinkCore is zapcore.NewCore's core, the same in every respect (Enabled,
// Level, With, Check, Write, Sync), as the sink of the loggers this package
// builds with an encoder and an output of its own: being this package's,
// heldCore knows its Check decides by level alone and writes to it
// without a nested checked entry.
type sinkCore struct {
	zapcore.LevelEnabler
	enc zapcore.Encoder
	out zapcore.WriteSyncer
}

// openLevel is the sink's level when the filter outside decides the
// levels: every level passes it.
const openLevel = zapcore.Level(math.MinInt8)

func newSinkCore(enc zapcore.Encoder, out zapcore.WriteSyncer, lvl zapcore.LevelEnabler) *sinkCore {
	return &sinkCore{LevelEnabler: lvl, enc: enc, out: out}
}

func (c *sinkCore) Level() zapcore.Level { return zapcore.LevelOf(c.LevelEnabler) }

func (c *sinkCore) With(fields []zapcore.Field) zapcore.Core {
	clone := &sinkCore{LevelEnabler: c.LevelEnabler, enc: c.enc.Clone(), out: c.out}
	for i := range fields {
		fields[i].AddTo(clone.enc)
	}
	return clone
}

func (c *sinkCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if c.Enabled(ent.Level) {
		return ce.AddCore(ent, c)
	}
	return ce
}

// Write encodes the line and writes it, and syncs the output after a line
// above ERROR (the program may be about to end), ignoring the Sync's
// error, as zapcore.NewCore's core does.
func (c *sinkCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	buf, err := c.enc.EncodeEntry(ent, fields)
	if err != nil {
		return err
	}
	_, err = c.out.Write(buf.Bytes())
	buf.Free()
	if err != nil {
		return err
	}
	if ent.Level > zapcore.ErrorLevel {
		_ = c.out.Sync()
	}
	return nil
}

func (c *sinkCore) Sync() error { return c.out.Sync() }

// stateOf is the state of the logger whose core is c; nil for a logger
// this package did not build. The logger's own cores hold it
// ([unwrap.HeldBy]: one type assertion). Only when a core of someone
// else's is outermost (zap.Hooks, zap's sampler, a tee, zap.WrapCore)
// does it walk the cores by reflection (package internal/unwrap). Reload,
// Close and StartTracing call it; no call that logs a line does.
func stateOf(c zapcore.Core) *state {
	h := unwrap.HeldBy(c)
	if h == nil {
		hc, ok := unwrap.As[*heldCore](c)
		if !ok {
			return nil
		}
		h = hc.held
	}
	st, _ := h.Logger.(*state)
	return st
}
