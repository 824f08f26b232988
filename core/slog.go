package core

import (
	"context"
	"log"
	"log/slog"
	"slices"

	"github.com/dynlog/dynlog/core/config"
	ibridge "github.com/dynlog/dynlog/core/internal/bridge"
	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The attribute keys the handler of [NewSlogHandler] reads instead of printing.
const (
	// TargetKey names the target of the lines (a string value), as a
	// logger's name does in zap: logger.With(core.TargetKey,
	// "app::router"), or core.Target("app::router"). It replaces the
	// target the handler had, whole; DYN_LOG's directives match it. On a
	// single call it applies to that line only, once Enabled has let the
	// level through for the logger's own target.
	TargetKey = "dynlog.target"
	// OnceKey marks a line once-only, with a [dedup.Scope] value (see
	// [OnceAttr]), as [dedup.Once] does for zap.
	OnceKey = "dynlog.once"
)

// Target is the attribute that makes name the target of the lines it is
// given to: slog.New(h).With(core.Target("app::router")).
func Target(name string) slog.Attr { return slog.String(TargetKey, name) }

// OnceAttr marks a slog line once-only, with the given scope (Local if
// none), as [dedup.Once] marks a zap line:
//
//	log.Warn("falling back to the slow kernel", core.OnceAttr())
func OnceAttr(scope ...dedup.Scope) slog.Attr {
	s := dedup.Local
	if len(scope) > 0 {
		s = scope[0]
	}
	return slog.Any(OnceKey, s)
}

// HandlerOption configures [NewSlogHandler].
type HandlerOption interface {
	apply(handlerConfig) handlerConfig
}

type handlerConfig struct {
	loggerClock bool // stamp lines with the logger's clock, not the record's time
}

type handlerOptionFunc func(handlerConfig) handlerConfig

func (f handlerOptionFunc) apply(c handlerConfig) handlerConfig { return f(c) }

// WithLoggerClock stamps the handler's lines with the zap logger's clock
// ([core.WithClock], [zap.WithClock]) instead of the time slog gave the
// record, so that tests with a fixed clock print fixed times.
func WithLoggerClock() HandlerOption {
	return handlerOptionFunc(func(c handlerConfig) handlerConfig { c.loggerClock = true; return c })
}

// NewSlogHandler returns a slog.Handler whose lines are l's own, printed as l
// prints its own in every layout: file and line (the location, in vLLM's
// layout) are the slog call's, from the record's PC, and the target is l's
// name (give it with l.Named or [github.com/dynlog/dynlog/filter.Named]), or
// the one given with [TargetKey], or, for neither, the import path of the
// calling package, as for an unnamed zap logger. Package core/bridge's
// NewSlogHandler, by contrast, marks records as foreign; it is for
// libraries' default loggers.
//
// Enabled answers for the handler's target by the filter in force, so
// DYN_LOG=info,app::router=debug lets the DEBUG lines of a handler under
// app::router through and stops the others before slog builds a record;
// a reload or a runtime override is seen at the next call. Without a
// target (an unnamed logger, no [Target]: slog's default after [Init]),
// Enabled lets a level through when DYN_LOG prints it for any target, and
// the filter decides each line by its calling package, or by the target
// [Target] gives that call, as it does for an unnamed zap logger.
//
// Levels map as the bridge's do (below Debug is TRACE). Attributes are
// typed fields, LogValuers resolved once; a group attribute is an object,
// WithGroup a namespace, as zap's own objects print in each layout. The
// context of InfoContext and the other *Context methods puts its span on
// the line, as [tracing.Ctx] does. An attribute made by [OnceAttr] makes the
// line once-only. The time is the record's ([WithLoggerClock]: l's clock).
func NewSlogHandler(l *zap.Logger, opts ...HandlerOption) slog.Handler {
	var c handlerConfig
	for _, o := range opts {
		c = o.apply(c)
	}
	l = l.WithOptions(zap.WithCaller(false))
	h := handler{loggerClock: c.loggerClock}
	return h.withLogger(retarget(l, l.Name()))
}

// NewSlog returns a *slog.Logger over [NewSlogHandler] of the logger [New] would
// return for opts, configured from the environment as New is. With
// [WithClock] its lines take their time from that clock. When it writes to a
// file (DYN_LOGGING_FILE or [file]), [CloseSlog] closes it, as [Close] does
// for New's: call it before the program exits, so that a rotation's
// compression in progress is finished rather than cut short.
func NewSlog(opts ...Option) (*slog.Logger, error) {
	cfg, err := config.Load(opts...)
	l, err := build(cfg, err, callSite(1))
	if err != nil {
		return nil, err
	}
	return slog.New(NewSlogHandler(l, handlerOptions(cfg)...)), nil
}

// NewVLLMSlog is [NewSlog] for vLLM's layout, configured as [NewVLLM] is.
// [CloseSlog] closes what it opened, as for NewSlog.
func NewVLLMSlog(opts ...Option) (*slog.Logger, error) {
	cfg, err := config.LoadVLLM(opts...)
	l, err := build(cfg, err, callSite(1))
	if err != nil {
		return nil, err
	}
	return slog.New(NewSlogHandler(l, handlerOptions(cfg)...)), nil
}

// CloseSlog closes the log file that [NewSlog] or [NewVLLMSlog] opened for
// l, for l and every logger derived from it (l.With, l.WithGroup), as
// [Close] does for a *zap.Logger: it waits for the file's goroutines (the
// backups' compression, the daily rotation), and later lines go to stderr.
// It returns nil when l writes to no file of its own, or when its handler
// is not one of this package's ([NewSlogHandler]'s, perhaps inside a handler
// of another's, which CloseSlog cannot see into: close the *zap.Logger
// given to NewSlogHandler with Close instead). Closing twice is harmless.
func CloseSlog(l *slog.Logger) error {
	if h, ok := l.Handler().(*handler); ok {
		return Close(h.log)
	}
	return nil
}

// handlerOptions are the handler options that follow from cfg: the
// logger's clock when WithClock gave one.
func handlerOptions(cfg *config.Config) []HandlerOption {
	if cfg.Clock != nil {
		return []HandlerOption{WithLoggerClock()}
	}
	return nil
}

// retarget is l with its lines under tgt ("": the caller's package),
// whatever l's name, and an Enabled that answers for tgt.
func retarget(l *zap.Logger, tgt string) *zap.Logger {
	return l.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		if tc, ok := c.(*ibridge.TargetCore); ok {
			return tc.Retarget(tgt)
		}
		return ibridge.NewTargetCore(c, tgt)
	}))
}

// handler is NewSlogHandler's handler. Attributes given to WithAttrs before any
// WithGroup are in the logger's context (zap's With); those given inside
// groups are kept with their group and added to each record after the
// group's namespace.
type handler struct {
	log         *zap.Logger         // the logger, under the handler's target
	target      *ibridge.TargetCore // log's core, called directly by Enabled
	groups      []ibridge.Group     // WithGroup's, outermost first
	loggerClock bool
}

var _ slog.Handler = (*handler)(nil)

// Enabled is the logger core's answer for the handler's target: while the
// filter is the one the target's floor was computed for, one comparison.
func (h *handler) Enabled(_ context.Context, lvl slog.Level) bool {
	return h.target.Enabled(ibridge.LevelOf(lvl))
}

// withLogger is h writing to log, whose core is a targetCore (retarget's,
// or its With).
func (h handler) withLogger(log *zap.Logger) *handler {
	h.log, h.target = log, log.Core().(*ibridge.TargetCore)
	return &h
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	log := h.log
	var once zap.Field
	var attrs []zap.Field
	if n := r.NumAttrs(); n > 0 {
		attrs = make([]zap.Field, 0, n+1) // +1: a once marker
	}
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case TargetKey:
			if a.Value.Kind() == slog.KindString {
				log = retarget(log, a.Value.String())
				return true
			}
		case OnceKey:
			if s, ok := a.Value.Any().(dedup.Scope); ok {
				once = dedup.Once(s)
				return true
			}
		}
		attrs = ibridge.AppendAttr(attrs, a)
		return true
	})
	ce := log.Check(ibridge.LevelOf(r.Level), r.Message)
	if ce == nil {
		return nil
	}
	if !h.loggerClock && !r.Time.IsZero() {
		ce.Time = r.Time
	}
	if r.PC != 0 {
		// Set after Check, as zap sets its own caller: the filter decides
		// the line of the empty target at Write, by this caller's package.
		f := ibridge.FrameOf(r.PC)
		ce.Caller = zapcore.EntryCaller{Defined: true, PC: f.PC, File: f.File, Line: f.Line, Function: f.Function}
	}
	fields := h.prefixed(ctx, attrs)
	if once.Interface != nil {
		fields = append(fields, once)
	}
	ce.Write(fields...)
	return nil
}

// prefixed is attrs after the span of ctx and the namespaces of the
// handler's groups with their fields.
func (h *handler) prefixed(ctx context.Context, attrs []zap.Field) []zap.Field {
	span := zap.Skip()
	if ctx != nil {
		span = tracing.Ctx(ctx)
	}
	if span.Type == zapcore.SkipType && len(h.groups) == 0 {
		return attrs
	}
	n := len(attrs) + 2
	for _, g := range h.groups {
		n += len(g.Fields) + 1
	}
	fields := make([]zap.Field, 0, n)
	if span.Type != zapcore.SkipType {
		fields = append(fields, span) // before any namespace, where spans count
	}
	return ibridge.AppendGroups(fields, h.groups, attrs)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	log := h.log
	var fields []zap.Field
	for _, a := range as {
		if a.Key == TargetKey && a.Value.Kind() == slog.KindString {
			log = retarget(log, a.Value.String())
			continue
		}
		if a.Key == OnceKey {
			continue // once-only is a property of a line, not of a logger
		}
		fields = ibridge.AppendAttr(fields, a)
	}
	if len(fields) > 0 && len(h.groups) == 0 {
		log = log.With(fields...)
	}
	c := h.withLogger(log)
	if len(fields) > 0 && len(h.groups) > 0 {
		c.groups = slices.Clone(h.groups)
		last := &c.groups[len(c.groups)-1]
		last.Fields = append(slices.Clip(last.Fields), fields...)
	}
	return c
}

func (h *handler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.groups = append(slices.Clip(h.groups), ibridge.Group{Name: name})
	return &c
}

// SetSlogDefault makes a logger over [NewSlogHandler](l) slog's default
// (slog.SetDefault), so that slog.Info and the others print the program's
// own lines through l, as [Init] does: file and line of the slog call, the
// calling package as the target (or the one given with [Target]), which
// DYN_LOG's directives match (Enabled lets through a level that DYN_LOG
// prints for some target; the filter decides each line by its target).
// Libraries that log to slog's default print the same way, under their own
// packages.
//
// The log package keeps its output and flags: slog.SetDefault would send
// log.Printf's lines to the new handler, but those are foreign records,
// for [RedirectStdLog]'s bridge. restore puts back slog's default and the
// log package's output and flags. Call the restore functions of the
// Redirect* functions and this one in the reverse order of the calls.
func SetSlogDefault(l *zap.Logger) (restore func()) {
	prev, w, flags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(slog.New(NewSlogHandler(l)))
	log.SetOutput(w)
	log.SetFlags(flags)
	return ibridge.RestoreDefaults(prev, w, flags)
}
