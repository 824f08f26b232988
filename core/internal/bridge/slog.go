package bridge

import (
	"context"
	"io"
	"log"
	"log/slog"
	"slices"
	"sync"

	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewSlogHandler is package core/bridge's NewSlogHandler.
func NewSlogHandler(l *zap.Logger) slog.Handler {
	return &slogHandler{b: New(l, "")}
}

// RestoreDefaults is the restore function of SetSlogDefault and
// RedirectSlog: it puts back slog's default logger and the log package's
// output and flags as they were, once however often it is called.
func RestoreDefaults(prev *slog.Logger, w io.Writer, flags int) func() {
	var once sync.Once
	return func() {
		once.Do(func() {
			slog.SetDefault(prev)
			log.SetOutput(w)
			log.SetFlags(flags)
		})
	}
}

// RedirectSlog is package core/bridge's RedirectSlog.
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
	return RestoreDefaults(prev, w, flags)
}

// slogHandler is NewSlogHandler's handler. Attributes given to WithAttrs
// before any WithGroup are in the logger's context (zap's With); those
// given inside groups are kept with their group and added to each record
// after the group's namespace, so that the bridge's log.* fields, which
// come first, stay at the top level.
type slogHandler struct {
	b      Bridge
	groups []Group // WithGroup's, outermost first
}

// AppendGroups appends the groups, each a namespace with the attributes
// given with it, down to the deepest one that holds something (an empty
// group prints nothing, as slog asks), then attrs, inside them all.
func AppendGroups(fields []zap.Field, groups []Group, attrs []zap.Field) []zap.Field {
	deepest := len(groups) - 1
	for len(attrs) == 0 && deepest >= 0 && len(groups[deepest].Fields) == 0 {
		deepest--
	}
	for _, g := range groups[:deepest+1] {
		fields = append(fields, zap.Namespace(g.Name))
		fields = append(fields, g.Fields...)
	}
	return append(fields, attrs...)
}

// Group is a group opened by WithGroup and the fields WithAttrs added
// inside it.
type Group struct {
	Name   string
	Fields []zap.Field
}

var _ slog.Handler = (*slogHandler)(nil)

func (h *slogHandler) Enabled(_ context.Context, lvl slog.Level) bool {
	return h.b.Enabled(LevelOf(lvl))
}

func (h *slogHandler) Handle(ctx context.Context, r slog.Record) error {
	var attrs []zap.Field
	r.Attrs(func(a slog.Attr) bool {
		attrs = AppendAttr(attrs, a)
		return true
	})
	var fields []zap.Field
	if ctx != nil {
		if f := tracing.Ctx(ctx); f.Type != zapcore.SkipType {
			fields = append(fields, f) // before any namespace, where spans count
		}
	}
	fields = AppendGroups(fields, h.groups, attrs)
	h.b.Write(LevelOf(r.Level), r.Message, FrameOf(r.PC), r.Time, fields)
	return nil
}

func (h *slogHandler) WithAttrs(as []slog.Attr) slog.Handler {
	var fields []zap.Field
	for _, a := range as {
		fields = AppendAttr(fields, a)
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
	last.Fields = append(slices.Clip(last.Fields), fields...)
	return &c
}

func (h *slogHandler) WithGroup(name string) slog.Handler {
	if name == "" {
		return h
	}
	c := *h
	c.groups = append(slices.Clip(h.groups), Group{Name: name})
	return &c
}

// LevelOf maps a slog level to the zap level it prints at.
func LevelOf(l slog.Level) zapcore.Level {
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
	return levels.Trace
}

// AppendAttr appends the fields of a to fields: none for an empty
// attribute or an empty group, the members of a group with an empty key,
// else one field.
func AppendAttr(fields []zap.Field, a slog.Attr) []zap.Field {
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
				fields = AppendAttr(fields, m)
			}
			return fields
		}
		var members []zap.Field
		for _, m := range v.Group() {
			members = AppendAttr(members, m)
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
