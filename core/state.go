package core

import (
	"context"
	"errors"
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
// a line goes through no extra CheckedEntry.
type heldCore struct {
	zapcore.Core
	held *unwrap.Held // Logger: the *state, for the stages outside ([unwrap.Holder])
}

var (
	_ zapcore.Core    = (*heldCore)(nil)
	_ vocab.Unwrapper = (*heldCore)(nil)
	_ unwrap.Holder   = (*heldCore)(nil)
)

func newHeldCore(inner zapcore.Core, st *state) *heldCore {
	return &heldCore{Core: inner, held: &unwrap.Held{Logger: st}}
}

func (c *heldCore) With(fields []zapcore.Field) zapcore.Core {
	return &heldCore{Core: c.Core.With(fields), held: c.held}
}

// Held is what this core holds: the logger's state, which the filter,
// once-only and tracing cores outside it copy when they are built, so
// that stateOf reads it from the outermost in O(1).
func (c *heldCore) Held() *unwrap.Held { return c.held }

// Level is the level of the core inside.
func (c *heldCore) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

// Unwrap is the core inside ([vocab.Unwrapper]).
func (c *heldCore) Unwrap() zapcore.Core { return c.Core }

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
