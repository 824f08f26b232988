package waterfall

import (
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
)

// The messages of the span lifecycle events, as Dynamo prints them: today's
// opening event, the 2025 guide's, and the close both share.
const (
	MessageFirstEntry = "SPAN_FIRST_ENTRY"
	MessageCreated    = "SPAN_CREATED"
	MessageClosed     = "SPAN_CLOSED"
)

// Record is what the waterfall needs of one log line. Keys that are absent,
// or of the wrong type, leave their field at its zero value.
type Record struct {
	Time       time.Time // zero when absent or not RFC 3339
	Target     string
	Message    string
	TraceID    string
	SpanID     string
	ParentID   string
	SpanName   string
	XRequestID string
	RequestID  string

	// From SPAN_CLOSED: microseconds, valid when HasTimes.
	BusyUS, IdleUS, DurationUS int64
	HasTimes                   bool
}

// RecordOf takes what the waterfall needs from a decoded line. A line
// bridged from a foreign logger (target "log") is known by its log.target.
func RecordOf(r logfile.Record) Record {
	out := Record{
		Time:       r.Time,
		Target:     r.Target,
		Message:    r.Message,
		TraceID:    r.TraceID,
		SpanID:     r.SpanID,
		ParentID:   r.ParentID,
		SpanName:   r.SpanName,
		XRequestID: r.XRequestID,
		RequestID:  r.RequestID,
		BusyUS:     max(r.BusyUS, 0),
		IdleUS:     max(r.IdleUS, 0),
		DurationUS: max(r.DurationUS, 0),
		HasTimes:   r.HasTiming,
	}
	if r.Bridged() {
		out.Target = r.LogTarget
	}
	if out.HasTimes && out.DurationUS == 0 { // only busy and idle given: their sum
		out.DurationUS = out.BusyUS + out.IdleUS
	}
	return out
}
