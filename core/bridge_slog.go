package core

import (
	"context"
	"io"
	"log"
	"log/slog"
	"slices"
	"sync"

	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewSlogHandler returns a slog.Handler for foreign slog records, those of
// libraries' default loggers (see [RedirectSlog]); the service's own slog
// lines go through [NewHandler]. It writes through l's cores, as bridged
// records: target log in JSONL with log.target, log.file
// and log.line, log.target as the target in the readable layout. log.target,
// which is also what DYN_LOG's directives match, is the import path of the
// package that called slog (from the record's PC, as an unnamed zap
// logger's target is from its caller); log.file and log.line are that
// call's. A record without a PC has neither, and an empty target.
//
// Levels: slog's Error and above are ERROR, Warn WARN, Info INFO, Debug
// DEBUG, below Debug TRACE ([core.TraceLevel]); levels in between go down to
// the next of these. Which print is the filter's decision, so the handler
// takes no level of its own; Enabled asks l's cores.
//
// Attributes are typed fields (string, integers, floats, bools, durations,
// times; anything else as [zap.Any], so errors print their text), resolved
// (slog.LogValuer) once. A group attribute is a nested object ([zap.Object]);
// WithGroup opens a namespace ([zap.Namespace]) for the attributes after it,
// as zap's own slog handler does: in JSONL both are nested objects, in the
// readable layout WithGroup's names prefix the keys (G.k=…) and a group
// attribute prints as JSON. Empty attributes and groups without attributes
// are left out, and a group with an empty key is inlined, as slog asks of
// handlers. The time is the record's (l's clock when it has none). A
// context passed to slog's *Context methods puts its span on the line, as
// [tracing.Ctx] does.
func NewSlogHandler(l *zap.Logger) slog.Handler {
	return &slogHandler{b: newBridge(l, "")}
}

// SetSlogDefault makes a logger over [NewHandler](l) slog's default
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
	slog.SetDefault(slog.New(NewHandler(l)))
	log.SetOutput(w)
	log.SetFlags(flags)
	return restoreDefaults(prev, w, flags)
}

// restoreDefaults is the restore function of SetSlogDefault and
// RedirectSlog: it puts back slog's default logger and the log package's
// output and flags as they were, once however often it is called.
func restoreDefaults(prev *slog.Logger, w io.Writer, flags int) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			slog.SetDefault(prev)
			log.SetOutput(w)
			log.SetFlags(flags)
		})
	}
}

// RedirectSlog makes a logger over NewSlogHandler(l) slog's default
// (slog.SetDefault), so slog.Info and the others print through l as
// bridged records. It is for a program whose own lines go through zap and
// that wants what libraries log to slog's default marked as foreign, as the
// log package's lines are; [Init] uses [SetSlogDefault] instead. As
// slog.SetDefault does, it also sends the log package's output to that
// handler, at INFO with the caller of log.Printf as the call site, unless
// [RedirectStdLog] is in force, whose bridge it leaves in place (that one
// honours log.Output's call depth and knows Fatal from Print). restore puts
// back slog's default and the log package's output and flags. Call the
// restore functions of the Redirect* functions in the reverse order of the
// calls.
func RedirectSlog(l *zap.Logger) (restore func()) {
	prev, w, flags := slog.Default(), log.Writer(), log.Flags()
	// slog.SetDefault records log.Printf's caller only if the log flags ask
	// for a file; it then clears the flags.
	log.SetFlags(flags | log.Lshortfile)
	slog.SetDefault(slog.New(NewSlogHandler(l)))
	if _, ok := w.(*stdLogWriter); ok {
		log.SetOutput(w)
		log.SetFlags(flags)
	}
	return restoreDefaults(prev, w, flags)
}

// slogHandler is NewSlogHandler's handler. Attributes given to WithAttrs
// before any WithGroup are in the logger's context (zap's With); those
// given inside groups are kept with their group and added to each record
// after the group's namespace, so that the bridge's log.* fields, which
// come first, stay at the top level.
type slogHandler struct {
	b      bridge
	groups []slogGroup // WithGroup's, outermost first
}

// appendGroups appends the groups, each a namespace with the attributes
// given with it, down to the deepest one that holds something (an empty
// group prints nothing, as slog asks), then attrs, inside them all.
func appendGroups(fields []zap.Field, groups []slogGroup, attrs []zap.Field) []zap.Field {
	deepest := len(groups) - 1
	for len(attrs) == 0 && deepest >= 0 && len(groups[deepest].fields) == 0 {
		deepest--
	}
	for _, g := range groups[:deepest+1] {
		fields = append(fields, zap.Namespace(g.name))
		fields = append(fields, g.fields...)
	}
	return append(fields, attrs...)
}

// slogGroup is a group opened by WithGroup and the fields WithAttrs added
// inside it.
type slogGroup struct {
	name   string
	fields []zap.Field
}

var _ slog.Handler = (*slogHandler)(nil)

func (h *slogHandler) Enabled(_ context.Context, lvl slog.Level) bool {
	return h.b.enabled(zapLevelOf(lvl))
}

func (h *slogHandler) Handle(ctx context.Context, r slog.Record) error {
	var attrs []zap.Field
	r.Attrs(func(a slog.Attr) bool {
		attrs = appendAttr(attrs, a)
		return true
	})
	var fields []zap.Field
	if ctx != nil {
		if f := tracing.Ctx(ctx); f.Type != zapcore.SkipType {
			fields = append(fields, f) // before any namespace, where spans count
		}
	}
	fields = appendGroups(fields, h.groups, attrs)
	h.b.write(zapLevelOf(r.Level), r.Message, frameOf(r.PC), r.Time, fields)
	return nil
}

func (h *slogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	var fields []zap.Field
	for _, a := range as {
		fields = appendAttr(fields, a)
	}
	if len(fields) == 0 {
		return h
	}
	c := *h
	if len(h.groups) == 0 {
		c.b.log = h.b.log.With(fields...)
		return &c
	}
	c.groups = slices.Clone(h.groups)
	last := &c.groups[len(c.groups)-1]
	last.fields = append(slices.Clip(last.fields), fields...)
	return &c
}

func (h *slogHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.groups = append(slices.Clip(h.groups), slogGroup{name: name})
	return &c
}

// zapLevelOf maps a slog level to the zap level it prints at.
func zapLevelOf(l slog.Level) zapcore.Level {
	switch {
	case l >= slog.LevelError:
		return zapcore.ErrorLevel
	case l >= slog.LevelWarn:
		return zapcore.WarnLevel
	case l >= slog.LevelInfo:
		return zapcore.InfoLevel
	case l >= slog.LevelDebug:
		return zapcore.DebugLevel
	}
	return TraceLevel
}

// appendAttr appends the fields of a to fields: none for an empty
// attribute or an empty group, the members of a group with an empty key,
// else one field.
func appendAttr(fields []zap.Field, a slog.Attr) []zap.Field {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return append(fields, zap.String(a.Key, v.String()))
	case slog.KindInt64:
		return append(fields, zap.Int64(a.Key, v.Int64()))
	case slog.KindUint64:
		return append(fields, zap.Uint64(a.Key, v.Uint64()))
	case slog.KindFloat64:
		return append(fields, zap.Float64(a.Key, v.Float64()))
	case slog.KindBool:
		return append(fields, zap.Bool(a.Key, v.Bool()))
	case slog.KindDuration:
		return append(fields, zap.Duration(a.Key, v.Duration()))
	case slog.KindTime:
		return append(fields, zap.Time(a.Key, v.Time()))
	case slog.KindGroup:
		if a.Key == "" {
			for _, m := range v.Group() {
				fields = appendAttr(fields, m)
			}
			return fields
		}
		var members []zap.Field
		for _, m := range v.Group() {
			members = appendAttr(members, m)
		}
		if len(members) == 0 {
			return fields
		}
		return append(fields, zap.Object(a.Key, fieldObject(members)))
	}
	if a.Key == "" && v.Any() == nil {
		return fields // the empty Attr
	}
	return append(fields, zap.Any(a.Key, v.Any()))
}

// fieldObject is a group's fields as one object.
type fieldObject []zap.Field

var _ zapcore.ObjectMarshaler = fieldObject(nil)

func (o fieldObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	for _, f := range o {
		f.AddTo(enc)
	}
	return nil
}
