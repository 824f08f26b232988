package logfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

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

// Field is a key of a line that Record has no typed place for.
type Field struct {
	Key   string
	Value json.RawMessage // the JSON value as written
}

// Bridged reports whether the record came from a foreign logger: target
// "log" with a log.target.
func (r *Record) Bridged() bool { return r.Target == "log" && r.LogTarget != "" }

// ErrNotObject is the error Decode returns, wrapped, for a line that is
// valid JSON but not an object.
var ErrNotObject = errors.New("not a JSON object")

// Decode reads one JSONL line. It fails only when the line is not one JSON
// object (wrapping ErrNotObject when it is other JSON); a line it decodes
// may still break the line schema. Invalid UTF-8 in strings becomes U+FFFD.
func Decode(line []byte) (Record, error) {
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return rec, fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if json.Valid(line) {
			return rec, fmt.Errorf("%w: %s", ErrNotObject, kindOf(tok))
		}
		return rec, errors.New("not JSON: not one complete JSON value")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return rec, fmt.Errorf("not JSON: %w", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return rec, fmt.Errorf("not JSON: %w", err)
		}
		if !rec.set(key, raw) {
			rec.addField(key, raw)
		}
	}
	if _, err := dec.Token(); err != nil {
		return rec, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return rec, errors.New("not JSON: data after the object")
	}
	return rec, nil
}

func kindOf(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}

func (r *Record) addField(key string, raw json.RawMessage) {
	for i := range r.Fields {
		if r.Fields[i].Key == key {
			r.Fields[i].Value = raw
			return
		}
	}
	r.Fields = append(r.Fields, Field{Key: key, Value: raw})
}

// set stores a known key's value; false if the key is not known or its
// value has the wrong type.
func (r *Record) set(key string, raw json.RawMessage) bool {
	var str *string
	var num *int64
	switch key {
	case "time":
		s, ok := decodeString(raw)
		if !ok {
			return false
		}
		r.TimeText = s
		r.Time, _ = time.Parse(time.RFC3339Nano, s)
		return true
	case "level":
		s, ok := decodeString(raw)
		if !ok {
			return false
		}
		r.LevelText = s
		r.Level, r.HasLevel = ParseLevel(s)
		return true
	case "message":
		s, ok := decodeString(raw)
		if !ok {
			return false
		}
		r.Message, r.HasMessage = s, true
		return true
	case "target":
		str = &r.Target
	case "file":
		str = &r.File
	case "span_id":
		str = &r.SpanID
	case "parent_id":
		str = &r.ParentID
	case "trace_id":
		str = &r.TraceID
	case "span_name":
		str = &r.SpanName
	case "tracestate":
		str = &r.TraceState
	case "x_request_id":
		str = &r.XRequestID
	case "request_id":
		str = &r.RequestID
	case "log.file":
		str = &r.LogFile
	case "log.target":
		str = &r.LogTarget
	case "line":
		num = &r.Line
	case "log.line":
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
		s, ok := decodeString(raw)
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

func decodeString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// ParseLevel reads a level word of Dynamo (TRACE, DEBUG, INFO, WARN, ERROR),
// vLLM (WARNING, CRITICAL) or zap (dpanic, panic, fatal), in any case. It
// returns InfoLevel and false for anything else.
func ParseLevel(s string) (zapcore.Level, bool) {
	switch strings.ToUpper(s) {
	case "TRACE":
		return levels.Trace, true
	case "DEBUG":
		return zapcore.DebugLevel, true
	case "INFO":
		return zapcore.InfoLevel, true
	case "WARN", "WARNING":
		return zapcore.WarnLevel, true
	case "ERROR":
		return zapcore.ErrorLevel, true
	case "CRITICAL", "DPANIC":
		return zapcore.DPanicLevel, true
	case "PANIC":
		return zapcore.PanicLevel, true
	case "FATAL":
		return zapcore.FatalLevel, true
	}
	return zapcore.InfoLevel, false
}
