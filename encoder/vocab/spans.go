package vocab

import (
	"github.com/dynlog/dynlog/internal/spancache"
	"go.uber.org/zap/zapcore"
)

// SpansKey is the key of the field by which the tracing core hands the spans
// in scope to the encoders. The encoders of package encoder never print it
// as such; other encoders print it as an object of the span keys.
const SpansKey = "span"

// The span keys a line in scope of a span prints, in the order
// [Spans.Keys] gives them.
const (
	KeySpanName   = "span_name"
	KeyTraceID    = "trace_id"
	KeySpanID     = "span_id"
	KeyParentID   = "parent_id"
	KeyTraceState = "tracestate"
	KeyXRequestID = "x_request_id"
	KeyRequestID  = "request_id"
)

// Spans is the trace context of one log line: the trace IDs and the
// chain of spans in scope, root first. The tracing core builds one per line
// (or per logger, for With) and attaches it with [SpansField]. A Spans must
// not change once a line has carried it: the encoders compute what they
// print of it once and keep it with the Spans.
//
// In the JSONL layout the IDs and the innermost span's name and fields join
// the line's keys; span fields are rendered as JSON strings and replace
// event fields of the same name. In the readable layout the span names
// precede the target and every span's fields follow the event's.
type Spans struct {
	TraceID    string // 32 lowercase hex digits
	SpanID     string // 16 lowercase hex digits
	ParentID   string // 16 lowercase hex digits; empty for a root span
	TraceState string // W3C tracestate, raw
	XRequestID string // the x-request-id header, as received
	RequestID  string // the request-id header (a UUID)
	Chain      []Span // root first; the last one is the innermost

	encoded spancache.Slot // the encoders' value, through spancache.Of
}

func init() {
	spancache.Of = func(s any) *spancache.Slot { return &s.(*Spans).encoded }
}

// Span is one span in scope: its name and its own fields.
type Span struct {
	Name   string
	Fields []zapcore.Field
}

// SpansField returns the field that carries s to the encoders of package
// encoder (zap.Object([SpansKey], s)). A nil s is a field that prints
// nothing (zap.Skip()).
func SpansField(s *Spans) zapcore.Field {
	if s == nil {
		return zapcore.Field{Type: zapcore.SkipType}
	}
	return zapcore.Field{Key: SpansKey, Type: zapcore.ObjectMarshalerType, Interface: s}
}

// MarshalLogObject writes the span keys as a plain object, for encoders
// other than dynlog's (zap's JSON and console encoders).
func (s *Spans) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	for _, kv := range s.Keys() {
		if kv.Value != "" {
			enc.AddString(kv.Key, kv.Value)
		}
	}
	if inner := s.Innermost(); inner != nil {
		for _, f := range inner.Fields {
			f.AddTo(enc)
		}
	}
	return nil
}

// Innermost is the last span of the chain, nil if the chain is empty.
func (s *Spans) Innermost() *Span {
	if len(s.Chain) == 0 {
		return nil
	}
	return &s.Chain[len(s.Chain)-1]
}

// SpanKey is one span key of a line and its value.
type SpanKey struct{ Key, Value string }

// Keys lists the span keys ([KeySpanName] … [KeyRequestID]) with their
// values; those without a value are to be left out. It returns an array so
// that the hot path does not allocate.
func (s *Spans) Keys() [7]SpanKey {
	name := ""
	if inner := s.Innermost(); inner != nil {
		name = inner.Name
	}
	return [7]SpanKey{
		{KeySpanName, name},
		{KeyTraceID, s.TraceID},
		{KeySpanID, s.SpanID},
		{KeyParentID, s.ParentID},
		{KeyTraceState, s.TraceState},
		{KeyXRequestID, s.XRequestID},
		{KeyRequestID, s.RequestID},
	}
}
