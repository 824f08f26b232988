package encoder

import (
	"sync/atomic"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// SpansKey is the key of the field by which the tracing core hands the spans
// in scope to the encoders. The encoders of this package never print it as
// such; other encoders print it as an object of the span keys.
const SpansKey = "span"

// Spans is the trace context of one log line: the trace IDs and the
// chain of spans in scope, root first. The tracing core builds one per line
// (or per logger, for With) and attaches it with SpansField. A Spans must
// not change once a line has carried it: the encoders compute what they
// print of it once and keep it.
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

	jsonl atomic.Pointer[frozenContext] // the keys encoded for JSONL, once
}

// Span is one span in scope: its name and its own fields.
type Span struct {
	Name   string
	Fields []zapcore.Field
}

// SpansField returns the field that carries s to the encoders of this
// package. A nil s is a field that prints nothing.
func SpansField(s *Spans) zap.Field {
	if s == nil {
		return zap.Skip()
	}
	return zap.Object(SpansKey, s)
}

// MarshalLogObject writes the span keys as a plain object, for encoders
// other than ours (zap's JSON and console encoders).
func (s *Spans) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	for _, kv := range s.keys() {
		if kv.value != "" {
			enc.AddString(kv.key, kv.value)
		}
	}
	if inner := s.innermost(); inner != nil {
		for _, f := range inner.Fields {
			f.AddTo(enc)
		}
	}
	return nil
}

func (s *Spans) innermost() *Span {
	if len(s.Chain) == 0 {
		return nil
	}
	return &s.Chain[len(s.Chain)-1]
}

type spanKey struct{ key, value string }

// keys lists the span keys; those without a value are to be left out. It
// returns an array so that the hot path does not allocate.
func (s *Spans) keys() [7]spanKey {
	name := ""
	if inner := s.innermost(); inner != nil {
		name = inner.Name
	}
	return [7]spanKey{
		{"span_name", name},
		{"trace_id", s.TraceID},
		{"span_id", s.SpanID},
		{"parent_id", s.ParentID},
		{"tracestate", s.TraceState},
		{"x_request_id", s.XRequestID},
		{"request_id", s.RequestID},
	}
}
