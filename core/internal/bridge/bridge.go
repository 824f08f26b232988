// Package bridge writes foreign records (the log package's, slog's through
// the bridged handler, OpenTelemetry's) through a zap logger's cores, and
// holds what package core's first-class slog handler shares with them.
// Package core/bridge is its public face, beside the gRPC bridge, which
// lives there alone so that package core links no gRPC.
package bridge

import (
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/target"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The targets of the libraries whose logs dynlog bridges under a fixed
// name. Both are among the built-in targets, so they print errors only unless a
// directive says otherwise (DYN_LOG=grpc=info).
const (
	GRPCTarget = "grpc" // RedirectGRPC
	OTelTarget = "otel" // RedirectOTel
)

// The fields that carry a bridged record's foreign origin. The
// encoders recognise a bridged record by logTargetKey.
const (
	logTargetKey = vocab.LogTargetKey
	logFileKey   = vocab.LogFileKey
	logLineKey   = vocab.LogLineKey
)

// Bridge writes the records of a foreign logging API through the cores of a
// zap logger as bridged records: the entry's logger name is the
// bridge's target whatever the logger's own name, its caller is the foreign
// call site, and the fields log.target, log.file and log.line say where the
// record came from.
type Bridge struct {
	log *zap.Logger
	// target is the fixed target (GRPCTarget, OTelTarget), or "" when the
	// target is the import path of the call site's package (std log, slog),
	// which the filter and the encoders derive from the entry's caller, as
	// for an unnamed zap logger.
	target string
}

func New(l *zap.Logger, tgt string) Bridge {
	log := l.WithOptions(zap.WithCaller(false), zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return NewTargetCore(c, tgt)
	}))
	if tgt != "" {
		log = log.With(zap.String(logTargetKey, tgt))
	}
	return Bridge{log: log, target: tgt}
}

// Enabled reports whether a record at lvl may print: false means it
// certainly does not.
func (b Bridge) Enabled(lvl zapcore.Level) bool { return b.log.Core().Enabled(lvl) }

// Write logs msg at lvl as a record made at site (a zero Frame when the
// site is unknown; then the record has no log.file and log.line, and with
// an empty bridge target an empty target, as an unnamed logger without a
// caller has), at t (the logger's clock when zero). The log.* fields come
// first, so that they stay at the top level when fields open a namespace.
func (b Bridge) Write(lvl zapcore.Level, msg string, site runtime.Frame, t time.Time, fields []zap.Field) {
	ce := b.log.Check(lvl, msg)
	if ce == nil {
		return
	}
	if !t.IsZero() {
		ce.Time = t
	}
	all := make([]zap.Field, 0, len(fields)+3)
	if b.target == "" {
		all = append(all, zap.String(logTargetKey, target.PackagePath(site.Function)))
	}
	if site.File != "" {
		// zap learns the caller after the cores' Check, as it does for
		// zap.AddCaller: the filter finishes its decision for an unnamed
		// entry at Write, by this caller's package.
		ce.Caller = zapcore.EntryCaller{Defined: true, PC: site.PC, File: site.File, Line: site.Line, Function: site.Function}
		all = append(all, zap.String(logFileKey, site.File), zap.Int(logLineKey, site.Line))
	}
	ce.Write(append(all, fields...)...)
}

// frames caches FrameOf: a call site's frame is looked up once per
// program counter, not once per line.
var frames sync.Map // uintptr → runtime.Frame

// FrameOf is the frame of pc, a return address as runtime.Callers gives
// it; the zero Frame for 0.
func FrameOf(pc uintptr) runtime.Frame {
	if pc == 0 {
		return runtime.Frame{}
	}
	if f, ok := frames.Load(pc); ok {
		return f.(runtime.Frame)
	}
	f, _ := runtime.CallersFrames([]uintptr{pc}).Next()
	frames.Store(pc, f)
	return f
}

// SiteAbove finds a call site from the frame that called SiteAbove's
// caller: skip frames up from it (skip 0: that frame), then past frames of
// the packages in wrappers, then extra more frames. The zero Frame if the
// stack is shorter.
func SiteAbove(skip int, wrappers []string, extra int) runtime.Frame {
	var pcs [32]uintptr
	n := runtime.Callers(skip+3, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !slices.Contains(wrappers, target.PackagePath(f.Function)) {
			if extra == 0 {
				return f
			}
			extra--
		}
		if !more {
			return runtime.Frame{}
		}
	}
}

// TargetCore sends every entry on under one target (logger name): zap's
// Named can only append to a name, and a bridged record's target must not
// depend on the name of the logger the bridge was given.
type TargetCore struct {
	zapcore.Core
	target string
	// filter is the filter of the cores beneath, found once (nil if none).
	filter *filter.Atomic
	// floor caches, per filter in force, the lowest level the filter can
	// print target at.
	floor *atomic.Pointer[floorOf]
}

var (
	_ zapcore.Core    = (*TargetCore)(nil)
	_ vocab.Unwrapper = (*TargetCore)(nil)
)

// NewTargetCore is c with its entries under tgt.
func NewTargetCore(c zapcore.Core, tgt string) *TargetCore {
	return &TargetCore{Core: c, target: tgt, filter: filter.AtomicOf(c), floor: new(atomic.Pointer[floorOf])}
}

// Retarget is c with its entries under tgt instead. The filter beneath is
// the one c found: no second walk.
func (c *TargetCore) Retarget(tgt string) *TargetCore {
	return &TargetCore{Core: c.Core, target: tgt, filter: c.filter, floor: new(atomic.Pointer[floorOf])}
}

// floorOf is the lowest level filter f can print a bridge's lines at.
type floorOf struct {
	f   *filter.Filter
	lvl zapcore.Level
}

// Enabled is what the filter can print for the target, by a target
// directive or a span directive that could apply; for the empty target,
// whose lines take their target from the caller's package, what it can
// print for any target. It does not ask the inner core, which may be bound
// to the logger's own name ([filter.Named]) and so judge the wrong target;
// without a filter core it does.
func (c *TargetCore) Enabled(lvl zapcore.Level) bool {
	if c.filter == nil {
		return c.Core.Enabled(lvl)
	}
	f := c.filter.Load()
	fl := c.floor.Load()
	if fl == nil || fl.f != f {
		fl = &floorOf{f: f, lvl: lowestLevel(f, c.target)}
		c.floor.Store(fl)
	}
	return lvl >= fl.lvl
}

// lowestLevel is the lowest level f prints tgt at in any span ("": any
// target).
func lowestLevel(f *filter.Filter, tgt string) zapcore.Level {
	lvl := filter.OffLevel
	if tgt != "" {
		lvl = f.Level(tgt)
	}
	for _, d := range f.Directives() {
		if tgt == "" || d.Span != "" && strings.HasPrefix(tgt, d.Target) {
			lvl = min(lvl, d.Level)
		}
	}
	return lvl
}

func (c *TargetCore) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

// Unwrap is the core inside ([vocab.Unwrapper]).
func (c *TargetCore) Unwrap() zapcore.Core { return c.Core }

func (c *TargetCore) With(fields []zapcore.Field) zapcore.Core {
	return &TargetCore{Core: c.Core.With(fields), target: c.target, filter: c.filter, floor: c.floor}
}

func (c *TargetCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	ent.LoggerName = c.target
	return c.Core.Check(ent, ce)
}
