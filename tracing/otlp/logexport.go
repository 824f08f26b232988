package otlp

import (
	"context"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/target"
	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap/zapcore"
)

// logExportCore is the sink of NewLogExportCore: it turns entries into
// OpenTelemetry log records.
type logExportCore struct {
	fixed *logSink   // nil: via's, or else the installed one (installedLogs)
	via   *LogExport // a LogExport's core
	// What With added: the attributes so far, with the namespaces still
	// open, and the spans in scope for lines that carry none.
	with    attrEncoder
	spans   *vocab.Spans
	spanCtx context.Context // the trace context of spans, computed once
}

var _ zapcore.Core = (*logExportCore)(nil)

// NewLogExportCore returns a [zapcore.Core] that turns each entry it is given
// into an OpenTelemetry log record and emits it through provider; with a nil
// provider, through the one installed by [Provider.Install] (when log export
// is on) or [SetLoggerProvider], looked up at each entry, so that a logger
// built before tracing starts exports once it has, and exports nothing while
// none is installed.
//
// It is a sink, meant to sit beside the encoder's core
// (zapcore.NewTee(ioCore, NewLogExportCore(nil))) inside the tracing and
// filter cores: it decides nothing itself, so the lines the filter drops
// are not exported either. A record has:
//
//   - the entry's time, and its message as the body (a string);
//   - severity TRACE (1) for [github.com/dynlog/dynlog/core.TraceLevel] and
//     below, DEBUG (5), INFO (9), WARN (13), ERROR (17); zap's DPanic ERROR2
//     (18), Panic ERROR3 (19), Fatal FATAL (21); the severity text as Dynamo
//     prints the level (TRACE, DEBUG, INFO, WARN, ERROR; ERROR for the last
//     three);
//   - the target (the logger's name, or the calling package's
//     import path for an unnamed logger) as the instrumentation scope's
//     name, as Dynamo's OpenTelemetry bridge makes it of the Rust target;
//   - the call site as code.file.path, code.line.number and
//     code.function.name, and a stack trace as code.stacktrace
//     (OpenTelemetry's semantic conventions, v1.40);
//   - the fields, from With and from the call, as attributes: strings,
//     integers (an unsigned one above 2^63-1 as its decimal string),
//     floats and bools as themselves, bytes as bytes, objects as maps,
//     arrays as slices, a namespace as a map of what follows it, errors,
//     durations and times as the text the JSONL layout prints, anything
//     else ([go.uber.org/zap.Any] of a struct) as its JSON text;
//   - for a line in a span (Ctx, on the call or on With), the span's trace
//     and span IDs as the record's trace context, so that a backend links
//     the record to the exported span, and its x_request_id and request_id
//     as attributes. The other span keys (span_name, parent_id, tracestate,
//     the span's fields) belong to the span and are not repeated on the
//     record, nor is the span field itself an attribute. The trace flags
//     are left unset: a line does not carry them.
//
// Write at Panic and Fatal flushes, since the process is about to unwind or
// end, as zap's own core syncs its output then (not at DPanic, which in
// production is an error line that must not wait for a collector that is
// down); Sync flushes too. Either waits at most five seconds for the
// provider's ForceFlush. An export that fails is reported as Provider
// says, never by Write.
func NewLogExportCore(provider log.LoggerProvider) zapcore.Core {
	c := &logExportCore{spanCtx: context.Background()}
	if !isNil(provider) {
		c.fixed = newLogSink(provider)
	}
	return c
}

// SetLoggerProvider makes the cores of NewLogExportCore(nil) emit through
// lp; nil makes them emit nothing. [Provider.Install] does the same when
// log export is on, and [Provider.Shutdown] undoes it.
func SetLoggerProvider(lp log.LoggerProvider) {
	if isNil(lp) {
		installedLogs.Store(nil)
		return
	}
	installedLogs.Store(newLogSink(lp))
}

// installedLogs is where the cores of NewLogExportCore(nil) emit; nil
// when nothing is installed. It is process-wide as OpenTelemetry's global
// logger provider is, which Install sets beside it: it serves the cores
// that follow whatever provider the process installs. A logger that owns
// its export holds a [LogExport] instead.
var installedLogs atomic.Pointer[logSink]

// LogExport is where the cores it makes emit: a logger provider that can
// be changed while they run. A logger that exports its own lines holds
// one (package core's loggers with OTEL_LOGS_EXPORTER=otlp), so that they
// export from the start, and tracing's start can hand them the process
// provider's later.
type LogExport struct{ sink atomic.Pointer[logSink] }

// NewLogExport returns a LogExport emitting through provider (nothing
// while it is nil).
func NewLogExport(provider log.LoggerProvider) *LogExport {
	e := &LogExport{}
	e.SetProvider(provider)
	return e
}

// SetProvider makes e's cores emit through provider from their next entry
// on; nil makes them emit nothing.
func (e *LogExport) SetProvider(provider log.LoggerProvider) {
	if isNil(provider) {
		e.sink.Store(nil)
		return
	}
	e.sink.Store(newLogSink(provider))
}

// Core returns a core like [NewLogExportCore]'s that emits through e's
// provider, looked up at each entry.
func (e *LogExport) Core() zapcore.Core {
	return &logExportCore{via: e, spanCtx: context.Background()}
}

// isNil reports whether lp is nil or a nil pointer in an interface, such
// as the LoggerProvider of a Provider with log export off.
func isNil(lp log.LoggerProvider) bool {
	if lp == nil {
		return true
	}
	v := reflect.ValueOf(lp)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// logSink is a logger provider and the loggers taken from it, one per
// scope (target), so that a line does not take the provider's lock.
type logSink struct {
	provider log.LoggerProvider
	loggers  sync.Map // scope name -> log.Logger
}

func newLogSink(lp log.LoggerProvider) *logSink { return &logSink{provider: lp} }

func (s *logSink) logger(scope string) log.Logger {
	if l, ok := s.loggers.Load(scope); ok {
		return l.(log.Logger)
	}
	l, _ := s.loggers.LoadOrStore(scope, s.provider.Logger(scope, log.WithSchemaURL(semconv.SchemaURL)))
	return l.(log.Logger)
}

// flush is the provider's ForceFlush, if it has one.
func (s *logSink) flush(ctx context.Context) error {
	if f, ok := s.provider.(interface{ ForceFlush(context.Context) error }); ok {
		return f.ForceFlush(ctx)
	}
	return nil
}

// flushTimeout bounds Sync: long enough for an export's retries
// (exportRetry) to give up against a collector that is down.
var flushTimeout = exportRetry.MaxElapsedTime + 2*time.Second

func (c *logExportCore) sink() *logSink {
	if c.fixed != nil {
		return c.fixed
	}
	if c.via != nil {
		return c.via.sink.Load()
	}
	return installedLogs.Load()
}

// Enabled is true at every level while there is a provider to emit
// through: which lines pass is for the cores around it to decide.
func (c *logExportCore) Enabled(zapcore.Level) bool { return c.sink() != nil }

// Level is the lowest level, or [zapcore.InvalidLevel] (nothing) while there
// is no provider, as Enabled says.
func (c *logExportCore) Level() zapcore.Level {
	if c.sink() == nil {
		return zapcore.InvalidLevel
	}
	return zapcore.Level(math.MinInt8)
}

func (c *logExportCore) With(fields []zapcore.Field) zapcore.Core {
	d := &logExportCore{fixed: c.fixed, via: c.via, with: c.with.clone(len(fields)), spans: c.spans, spanCtx: c.spanCtx}
	if s := d.addFields(fields); s != d.spans {
		d.spans, d.spanCtx = s, spanContext(s)
	}
	return d
}

// addFields adds fields to c.with and returns the spans in scope after
// them: the last spans field before any namespace is open (as the encoders
// and the filter read it), else c.spans.
func (c *logExportCore) addFields(fields []zapcore.Field) *vocab.Spans {
	spans := c.spans
	for i := range fields {
		f := &fields[i]
		if len(c.with.open) == 0 && f.Type == zapcore.ObjectMarshalerType && f.Key == vocab.SpansKey {
			if s, ok := f.Interface.(*vocab.Spans); ok {
				spans = s
				continue
			}
		}
		f.AddTo(&c.with)
	}
	return spans
}

// Check adds the core when there is a provider and its logger for the
// entry's scope is enabled at the entry's severity. (For an unnamed
// logger the scope is known only at Write, when zap has found the caller;
// Check asks the fallback scope's logger.)
func (c *logExportCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	s := c.sink()
	if s == nil {
		return ce
	}
	sev, _ := severityOf(ent.Level)
	if !s.logger(scopeOf(ent)).Enabled(context.Background(), log.EnabledParameters{Severity: sev}) {
		return ce
	}
	return ce.AddCore(ent, c)
}

func (c *logExportCore) Write(ent zapcore.Entry, fields []zapcore.Field) error {
	s := c.sink()
	if s == nil {
		return nil // uninstalled since Check: nowhere to send it
	}
	sev, text := severityOf(ent.Level)
	// Check's question again: the provider may have changed its mind since
	// Check, and a core that is written to without its Check (a Tee's
	// Write called directly) must not export what Check would refuse.
	if !s.logger(scopeOf(ent)).Enabled(context.Background(), log.EnabledParameters{Severity: sev}) {
		return nil
	}
	var r log.Record
	r.SetTimestamp(ent.Time)
	r.SetSeverity(sev)
	r.SetSeverityText(text)
	r.SetBody(attribute.StringValue(ent.Message))
	if ent.Caller.Defined {
		r.AddAttributes(semconv.CodeFilePath(ent.Caller.File), semconv.CodeLineNumber(ent.Caller.Line))
		if ent.Caller.Function != "" {
			r.AddAttributes(semconv.CodeFunctionName(ent.Caller.Function))
		}
	}
	if ent.Stack != "" {
		r.AddAttributes(semconv.CodeStacktrace(ent.Stack))
	}

	line := logExportCore{with: c.with.clone(len(fields)), spans: c.spans}
	spans := line.addFields(fields)
	r.AddAttributes(line.with.close()...)
	ctx := c.spanCtx
	if spans != nil {
		if spans != c.spans {
			ctx = spanContext(spans)
		}
		if spans.XRequestID != "" {
			r.AddAttributes(attribute.String(vocab.KeyXRequestID, spans.XRequestID))
		}
		if spans.RequestID != "" {
			r.AddAttributes(attribute.String(vocab.KeyRequestID, spans.RequestID))
		}
	}
	s.logger(scopeOf(ent)).Emit(ctx, r)

	if ent.Level >= zapcore.PanicLevel {
		return c.Sync()
	}
	return nil
}

// Sync exports what the provider holds, waiting at most flushTimeout.
func (c *logExportCore) Sync() error {
	s := c.sink()
	if s == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), flushTimeout)
	defer cancel()
	return s.flush(ctx)
}

// scopeOf is the instrumentation scope of an entry's record: its target,
// else [tracing.ScopeName], the scope of the spans.
func scopeOf(ent zapcore.Entry) string {
	if t := target.Of(ent); t != "" {
		return t
	}
	return tracing.ScopeName
}

// severityOf maps a zap level to OpenTelemetry's severity and the text
// Dynamo prints for it ([levels.DynamoName]).
func severityOf(l zapcore.Level) (log.Severity, string) {
	text := levels.DynamoName(l)
	switch {
	case l <= levels.Trace:
		return log.SeverityTrace, text
	case l == zapcore.DebugLevel:
		return log.SeverityDebug, text
	case l == zapcore.InfoLevel:
		return log.SeverityInfo, text
	case l == zapcore.WarnLevel:
		return log.SeverityWarn, text
	case l == zapcore.ErrorLevel:
		return log.SeverityError, text
	case l == zapcore.DPanicLevel:
		return log.SeverityError2, text
	case l == zapcore.PanicLevel:
		return log.SeverityError3, text
	}
	return log.SeverityFatal, text
}

// spanContext is a context holding the trace context of s, for Emit; one
// without any when s is nil or its IDs are not valid.
func spanContext(s *vocab.Spans) context.Context {
	ctx := context.Background()
	if s == nil {
		return ctx
	}
	tid, err := trace.TraceIDFromHex(s.TraceID)
	if err != nil {
		return ctx
	}
	sid, err := trace.SpanIDFromHex(s.SpanID)
	if err != nil {
		return ctx
	}
	return trace.ContextWithSpanContext(ctx, trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
}

// attrEncoder is a zapcore.ObjectEncoder that makes OpenTelemetry
// attributes of fields. A namespace stays open until close, which folds
// what followed it into a map, as zap's encoders nest it.
type attrEncoder struct {
	kvs  []attribute.KeyValue
	open []namespace // outermost first
}

type namespace struct {
	key   string
	start int // the index in kvs of its first attribute
}

var _ zapcore.ObjectEncoder = (*attrEncoder)(nil)

// clone copies e with room for n more attributes.
func (e *attrEncoder) clone(n int) attrEncoder {
	kvs := make([]attribute.KeyValue, len(e.kvs), len(e.kvs)+n)
	copy(kvs, e.kvs)
	return attrEncoder{kvs: kvs, open: slices.Clone(e.open)}
}

// close folds the open namespaces, innermost first, and returns the
// attributes.
func (e *attrEncoder) close() []attribute.KeyValue {
	for i := len(e.open) - 1; i >= 0; i-- {
		ns := e.open[i]
		inner := slices.Clone(e.kvs[ns.start:])
		e.kvs = append(e.kvs[:ns.start], attribute.Map(ns.key, inner...))
	}
	e.open = nil
	return e.kvs
}

func (e *attrEncoder) add(key string, v attribute.Value) {
	e.kvs = append(e.kvs, attribute.KeyValue{Key: attribute.Key(key), Value: v})
}

func (e *attrEncoder) AddArray(key string, v zapcore.ArrayMarshaler) error {
	var a arrayEncoder
	err := v.MarshalLogArray(&a)
	e.add(key, attribute.SliceValue(a.vals...))
	return err
}

func (e *attrEncoder) AddObject(key string, v zapcore.ObjectMarshaler) error {
	var o attrEncoder
	err := v.MarshalLogObject(&o)
	e.add(key, attribute.MapValue(o.close()...))
	return err
}

func (e *attrEncoder) AddReflected(key string, v any) error {
	val, err := reflectedValue(v)
	if err != nil {
		return err
	}
	e.add(key, val)
	return nil
}

func (e *attrEncoder) OpenNamespace(key string) {
	e.open = append(e.open, namespace{key: key, start: len(e.kvs)})
}

func (e *attrEncoder) AddBinary(k string, v []byte)         { e.add(k, attribute.ByteSliceValue(v)) }
func (e *attrEncoder) AddByteString(k string, v []byte)     { e.add(k, attribute.StringValue(string(v))) }
func (e *attrEncoder) AddBool(k string, v bool)             { e.add(k, attribute.BoolValue(v)) }
func (e *attrEncoder) AddComplex128(k string, v complex128) { e.add(k, complexValue(v, 128)) }
func (e *attrEncoder) AddComplex64(k string, v complex64)   { e.add(k, complexValue(complex128(v), 64)) }
func (e *attrEncoder) AddDuration(k string, v time.Duration) {
	e.add(k, attribute.StringValue(v.String()))
}
func (e *attrEncoder) AddFloat64(k string, v float64) { e.add(k, attribute.Float64Value(v)) }
func (e *attrEncoder) AddFloat32(k string, v float32) { e.add(k, attribute.Float64Value(float64(v))) }
func (e *attrEncoder) AddInt(k string, v int)         { e.add(k, attribute.Int64Value(int64(v))) }
func (e *attrEncoder) AddInt64(k string, v int64)     { e.add(k, attribute.Int64Value(v)) }
func (e *attrEncoder) AddInt32(k string, v int32)     { e.add(k, attribute.Int64Value(int64(v))) }
func (e *attrEncoder) AddInt16(k string, v int16)     { e.add(k, attribute.Int64Value(int64(v))) }
func (e *attrEncoder) AddInt8(k string, v int8)       { e.add(k, attribute.Int64Value(int64(v))) }
func (e *attrEncoder) AddString(k, v string)          { e.add(k, attribute.StringValue(v)) }
func (e *attrEncoder) AddTime(k string, v time.Time)  { e.add(k, timeValue(v)) }
func (e *attrEncoder) AddUint(k string, v uint)       { e.add(k, uintValue(uint64(v))) }
func (e *attrEncoder) AddUint64(k string, v uint64)   { e.add(k, uintValue(v)) }
func (e *attrEncoder) AddUint32(k string, v uint32)   { e.add(k, uintValue(uint64(v))) }
func (e *attrEncoder) AddUint16(k string, v uint16)   { e.add(k, uintValue(uint64(v))) }
func (e *attrEncoder) AddUint8(k string, v uint8)     { e.add(k, uintValue(uint64(v))) }
func (e *attrEncoder) AddUintptr(k string, v uintptr) { e.add(k, uintValue(uint64(v))) }

// arrayEncoder is attrEncoder's zapcore.ArrayEncoder, for slices.
type arrayEncoder struct{ vals []attribute.Value }

var _ zapcore.ArrayEncoder = (*arrayEncoder)(nil)

func (a *arrayEncoder) AppendArray(v zapcore.ArrayMarshaler) error {
	var inner arrayEncoder
	err := v.MarshalLogArray(&inner)
	a.vals = append(a.vals, attribute.SliceValue(inner.vals...))
	return err
}

func (a *arrayEncoder) AppendObject(v zapcore.ObjectMarshaler) error {
	var o attrEncoder
	err := v.MarshalLogObject(&o)
	a.vals = append(a.vals, attribute.MapValue(o.close()...))
	return err
}

func (a *arrayEncoder) AppendReflected(v any) error {
	val, err := reflectedValue(v)
	if err != nil {
		return err
	}
	a.vals = append(a.vals, val)
	return nil
}

func (a *arrayEncoder) add(v attribute.Value)          { a.vals = append(a.vals, v) }
func (a *arrayEncoder) AppendBool(v bool)              { a.add(attribute.BoolValue(v)) }
func (a *arrayEncoder) AppendByteString(v []byte)      { a.add(attribute.StringValue(string(v))) }
func (a *arrayEncoder) AppendComplex128(v complex128)  { a.add(complexValue(v, 128)) }
func (a *arrayEncoder) AppendComplex64(v complex64)    { a.add(complexValue(complex128(v), 64)) }
func (a *arrayEncoder) AppendDuration(v time.Duration) { a.add(attribute.StringValue(v.String())) }
func (a *arrayEncoder) AppendFloat64(v float64)        { a.add(attribute.Float64Value(v)) }
func (a *arrayEncoder) AppendFloat32(v float32)        { a.add(attribute.Float64Value(float64(v))) }
func (a *arrayEncoder) AppendInt(v int)                { a.add(attribute.Int64Value(int64(v))) }
func (a *arrayEncoder) AppendInt64(v int64)            { a.add(attribute.Int64Value(v)) }
func (a *arrayEncoder) AppendInt32(v int32)            { a.add(attribute.Int64Value(int64(v))) }
func (a *arrayEncoder) AppendInt16(v int16)            { a.add(attribute.Int64Value(int64(v))) }
func (a *arrayEncoder) AppendInt8(v int8)              { a.add(attribute.Int64Value(int64(v))) }
func (a *arrayEncoder) AppendString(v string)          { a.add(attribute.StringValue(v)) }
func (a *arrayEncoder) AppendTime(v time.Time)         { a.add(timeValue(v)) }
func (a *arrayEncoder) AppendUint(v uint)              { a.add(uintValue(uint64(v))) }
func (a *arrayEncoder) AppendUint64(v uint64)          { a.add(uintValue(v)) }
func (a *arrayEncoder) AppendUint32(v uint32)          { a.add(uintValue(uint64(v))) }
func (a *arrayEncoder) AppendUint16(v uint16)          { a.add(uintValue(uint64(v))) }
func (a *arrayEncoder) AppendUint8(v uint8)            { a.add(uintValue(uint64(v))) }
func (a *arrayEncoder) AppendUintptr(v uintptr)        { a.add(uintValue(uint64(v))) }

// uintValue is v as an integer attribute, or as its decimal text when it
// does not fit in one.
func uintValue(v uint64) attribute.Value {
	if v > math.MaxInt64 {
		return attribute.StringValue(strconv.FormatUint(v, 10))
	}
	return attribute.Int64Value(int64(v))
}

// timeValue is the time as the JSONL layout prints a time field.
func timeValue(v time.Time) attribute.Value {
	return attribute.StringValue(v.Format(time.RFC3339Nano))
}

func complexValue(v complex128, bits int) attribute.Value {
	return attribute.StringValue(strconv.FormatComplex(v, 'g', -1, bits))
}

// reflectedValue is v's JSON text.
func reflectedValue(v any) (attribute.Value, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return attribute.Value{}, err
	}
	return attribute.StringValue(string(b)), nil
}
