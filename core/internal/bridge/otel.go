package bridge

import (
	"fmt"
	"log"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/otelreport"
	"github.com/go-logr/logr"
	"github.com/go-logr/stdr"
	"go.opentelemetry.io/otel"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// RedirectOTel is package core/bridge's RedirectOTel.
func RedirectOTel(l *zap.Logger) (restore func()) {
	b := New(l, OTelTarget)
	sink := &otelSink{base: l, target: OTelTarget, b: b}

	otelMu.Lock()
	prevSink := otelInstalled
	otelInstalled = sink
	otelMu.Unlock()
	otel.SetLogger(logr.New(sink))

	prevLogger := otelreport.SetLogger(b.log)
	var h *otelErrorHandler
	prevHandler := otel.GetErrorHandler()
	if prevHandler == otelDefaultErrorHandler {
		h = &otelErrorHandler{report: otelreport.NewErrorHandler(os.Stderr)}
		otel.SetErrorHandler(h)
	}

	var once sync.Once
	return func() {
		once.Do(func() {
			if h != nil {
				// OpenTelemetry's default handler forwards for good to the
				// first handler ever installed, which may be h: h then
				// does what the default does without one.
				h.off.Store(true)
				if otel.GetErrorHandler() == otel.ErrorHandler(h) {
					otel.SetErrorHandler(prevHandler)
				}
			}
			otelreport.SetLogger(prevLogger)
			otelMu.Lock()
			defer otelMu.Unlock()
			otelInstalled = prevSink
			if prevSink != nil {
				otel.SetLogger(logr.New(prevSink))
				return
			}
			otel.SetLogger(stdr.New(log.New(os.Stderr, "", log.LstdFlags|log.Lshortfile)))
		})
	}
}

var (
	// otelDefaultErrorHandler is OpenTelemetry's own error handler, in force
	// until someone sets one; nothing dynlog imports sets one at init.
	otelDefaultErrorHandler = otel.GetErrorHandler()

	otelMu sync.Mutex
	// otelInstalled is the sink of the logger the last RedirectOTel
	// installed, nil for OpenTelemetry's own.
	otelInstalled *otelSink
)

// otelErrorHandler is the error handler RedirectOTel installs over
// OpenTelemetry's default.
type otelErrorHandler struct {
	report otel.ErrorHandler
	off    atomic.Bool // restored: behave as OpenTelemetry's default
}

var _ otel.ErrorHandler = (*otelErrorHandler)(nil)

func (h *otelErrorHandler) Handle(err error) {
	if h.off.Load() {
		log.Print(err)
		return
	}
	h.report.Handle(err)
}

// otelSink is the logr.LogSink of RedirectOTel's logger.
type otelSink struct {
	base   *zap.Logger // the logger RedirectOTel was given, for WithName
	target string
	values []zap.Field // from WithValues
	b      Bridge      // base under target, with values
	depth  int         // frames to pass over besides logr's and OpenTelemetry's (WithCallDepth)
}

var (
	_ logr.LogSink          = (*otelSink)(nil)
	_ logr.CallDepthLogSink = (*otelSink)(nil)
)

// otelWrappers are the packages between the SDK code that logs and the
// sink: logr's Logger and OpenTelemetry's global Info, Warn, Debug, Error.
var otelWrappers = []string{"github.com/go-logr/logr", "go.opentelemetry.io/otel/internal/global"}

func (s *otelSink) Init(logr.RuntimeInfo) {}

func (s *otelSink) Enabled(level int) bool { return s.b.Enabled(otelLevel(level)) }

func (s *otelSink) Info(level int, msg string, kvs ...any) {
	s.b.Write(otelLevel(level), msg, SiteAbove(0, otelWrappers, s.depth), time.Time{}, kvFields(nil, kvs))
}

func (s *otelSink) Error(err error, msg string, kvs ...any) {
	if !s.b.Enabled(zapcore.ErrorLevel) {
		return
	}
	fields := kvFields(nil, kvs)
	if err != nil {
		fields = append(fields, zap.Error(err))
	}
	s.b.Write(zapcore.ErrorLevel, msg, SiteAbove(0, otelWrappers, s.depth), time.Time{}, fields)
}

func (s *otelSink) WithValues(kvs ...any) logr.LogSink {
	c := *s
	c.values = kvFields(append([]zap.Field(nil), s.values...), kvs)
	c.b.log = s.b.log.With(c.values[len(s.values):]...)
	return &c
}

// WithName appends name to the target, as zap's Named does: otel.name.
func (s *otelSink) WithName(name string) logr.LogSink {
	c := *s
	c.target = s.target + "." + name
	c.b = New(s.base, c.target)
	c.b.log = c.b.log.With(s.values...)
	return &c
}

func (s *otelSink) WithCallDepth(depth int) logr.LogSink {
	c := *s
	c.depth += depth
	return &c
}

// otelLevel maps a logr V-level, as OpenTelemetry uses them, to the zap
// level it prints at.
func otelLevel(v int) zapcore.Level {
	switch {
	case v <= 1:
		return zapcore.WarnLevel
	case v <= 4:
		return zapcore.InfoLevel
	case v <= 8:
		return zapcore.DebugLevel
	}
	return levels.Trace
}

// kvFields appends logr's key-value pairs to fields. A key that is not a
// string is printed as one; a key without a value gets the value nil.
func kvFields(fields []zap.Field, kvs []any) []zap.Field {
	for i := 0; i < len(kvs); i += 2 {
		key, ok := kvs[i].(string)
		if !ok {
			key = fmt.Sprint(kvs[i])
		}
		var v any
		if i+1 < len(kvs) {
			v = kvs[i+1]
		}
		fields = append(fields, zap.Any(key, v))
	}
	return fields
}
