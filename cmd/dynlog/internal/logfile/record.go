package logfile

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

// Record is a JSONL line decoded: the keys the tools use, typed,
// and every other key in Fields. A known key whose value has the wrong type
// (a numeric "level", a string "line") leaves its typed field zero and is
// kept in Fields instead.
type Record struct {
	// Time is "time" parsed as RFC 3339; zero when missing or not a time.
	// TimeText is the string as written.
	Time     time.Time
	TimeText string
	// Level is "level" read as Dynamo's, vLLM's or zap's level words in any
	// case (TRACE is zap's Debug-1); InfoLevel when HasLevel is false.
	// LevelText is the string as written.
	Level     zapcore.Level
	LevelText string
	HasLevel  bool

	Target     string
	Message    string
	HasMessage bool
	File       string // the call site; Line is 0 when there is none
	Line       int64

	// The span keys, empty outside a span.
	SpanID     string
	ParentID   string
	TraceID    string
	SpanName   string
	TraceState string
	XRequestID string
	RequestID  string

	// The span timings of a SPAN_CLOSED line, in microseconds; HasTiming
	// reports that at least one of them was there.
	BusyUS     int64
	IdleUS     int64
	DurationUS int64
	HasTiming  bool

	// A record bridged from a foreign logger: target "log" and these.
	LogFile   string
	LogLine   int64
	LogTarget string

	// Fields are the other keys in the order of the line, each once (a
	// later duplicate replaces the value in place).
	Fields []Field
}

// Field is a key of a line that Record has no typed place for. Its Key and
// Value share the memory of the record's copy of its line.
type Field struct {
	Key   string
	Value json.RawMessage // the JSON value as written
}

// Text returns the value of a field that is a JSON string, unescaped;
// false for any other value. The string may share the memory of Value.
func (f Field) Text() (string, bool) { return decodeString(f.Value, false) }

// Bridged reports whether the record came from a foreign logger: target
// "log" with a log.target.
func (r *Record) Bridged() bool { return r.Target == vocab.BridgedTarget && r.LogTarget != "" }

// EnabledIn reports whether f lets r through, as it would the line when it
// was logged: a bridged record by its log.target, a record in a span by
// the span's name (the innermost, which is all a line carries).
func (r *Record) EnabledIn(f *filter.Filter) bool {
	target := r.Target
	if r.Bridged() {
		target = r.LogTarget
	}
	var spans *vocab.Spans
	if r.SpanName != "" {
		spans = &vocab.Spans{Chain: []vocab.Span{{Name: r.SpanName}}}
	}
	return f.EnabledIn(target, r.Level, spans)
}

// ErrNotObject is the error Decode returns, wrapped, for a line that is
// valid JSON but not an object.
var ErrNotObject = errors.New("not a JSON object")

func (r *Record) addField(key string, raw json.RawMessage) {
	for i := range r.Fields {
		if r.Fields[i].Key == key {
			r.Fields[i].Value = raw
			return
		}
	}
	r.Fields = append(r.Fields, Field{Key: key, Value: raw})
}

// set stores a known key's value, valid JSON; false if the key is not
// known or its value has the wrong type. plain says that the value is a
// string without escapes or bytes beyond ASCII.
func (r *Record) set(key string, raw json.RawMessage, plain bool) bool {
	var str *string
	var num *int64
	switch key {
	case "time":
		s, ok := decodeString(raw, plain)
		if !ok {
			return false
		}
		r.TimeText = s
		r.Time, _ = time.Parse(time.RFC3339Nano, s)
		return true
	case "level":
		s, ok := decodeString(raw, plain)
		if !ok {
			return false
		}
		r.LevelText = s
		r.Level, r.HasLevel = levels.ParseRecord(s)
		return true
	case "message":
		s, ok := decodeString(raw, plain)
		if !ok {
			return false
		}
		r.Message, r.HasMessage = s, true
		return true
	case "target":
		str = &r.Target
	case "file":
		str = &r.File
	case vocab.KeySpanID:
		str = &r.SpanID
	case vocab.KeyParentID:
		str = &r.ParentID
	case vocab.KeyTraceID:
		str = &r.TraceID
	case vocab.KeySpanName:
		str = &r.SpanName
	case vocab.KeyTraceState:
		str = &r.TraceState
	case vocab.KeyXRequestID:
		str = &r.XRequestID
	case vocab.KeyRequestID:
		str = &r.RequestID
	case vocab.LogFileKey:
		str = &r.LogFile
	case vocab.LogTargetKey:
		str = &r.LogTarget
	case "line":
		num = &r.Line
	case vocab.LogLineKey:
		num = &r.LogLine
	case "time.busy_us":
		num = &r.BusyUS
	case "time.idle_us":
		num = &r.IdleUS
	case "time.duration_us":
		num = &r.DurationUS
	default:
		return false
	}
	if str != nil {
		s, ok := decodeString(raw, plain)
		if ok {
			*str = s
		}
		return ok
	}
	n, err := strconv.ParseInt(string(raw), 10, 64)
	if err != nil {
		return false
	}
	*num = n
	if strings.HasPrefix(key, "time.") {
		r.HasTiming = true
	}
	return true
}

// decodeString is the text of raw, a valid JSON value in memory that is
// never written again, if it is a string (see stringIn).
func decodeString(raw json.RawMessage, plain bool) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	return stringIn(raw, plain), true
}
