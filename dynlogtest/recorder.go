package dynlogtest

import (
	"encoding/json"
	"log/slog"
	"reflect"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap"
)

// Recorder keeps what its loggers write as Dynamo JSONL records. It is safe
// for concurrent use.
type Recorder struct {
	t   testing.TB
	buf *logtest.Buffer
	log *zap.Logger
}

// NewRecorder returns a recorder whose loggers write Dynamo JSONL at the
// fixed time, configured by opts ([WithLayout] aside).
func NewRecorder(t testing.TB, opts ...Option) *Recorder {
	t.Helper()
	c := newConfig(opts)
	c.layout = JSONL
	r := &Recorder{t: t, buf: new(logtest.Buffer)}
	r.log = c.build(t, r.buf)
	return r
}

// Logger is the recorder's zap logger.
func (r *Recorder) Logger() *zap.Logger { return r.log }

// Slog is a *slog.Logger over [core.NewSlogHandler] of the recorder's logger.
func (r *Recorder) Slog() *slog.Logger {
	return slog.New(core.NewSlogHandler(r.log, core.WithLoggerClock()))
}

// All is every record so far, in order. A line that is not a JSON object
// fails the test.
func (r *Recorder) All() Records {
	r.t.Helper()
	var out Records
	for _, line := range r.buf.Lines() {
		out = append(out, parse(r.t, line))
	}
	return out
}

// Len is the number of records so far.
func (r *Recorder) Len() int { return len(r.buf.Lines()) }

// Record is one line of Dynamo JSONL, parsed.
type Record struct {
	Time    string
	Level   string // TRACE, DEBUG, INFO, WARN or ERROR
	Target  string
	Message string
	File    string // absent (empty) for a bridged record
	Line    int
	// Fields is every other key, the span keys included, with values as
	// encoding/json decodes them into any.
	Fields map[string]any
	// Raw is the line as written, without its newline.
	Raw string
}

func parse(t testing.TB, line string) Record {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("dynlogtest: line is not a JSON object: %q: %v", line, err)
	}
	r := Record{Raw: line, Fields: m}
	take := func(k string) string {
		s, _ := m[k].(string)
		delete(m, k)
		return s
	}
	r.Time, r.Level, r.Target, r.Message, r.File = take("time"), take("level"), take("target"), take("message"), take("file")
	if n, ok := m["line"].(float64); ok {
		r.Line = int(n)
		delete(m, "line")
	}
	return r
}

// Records is a list of records, with filters in the manner of
// zaptest/observer's.
type Records []Record

// Len is the number of records.
func (rs Records) Len() int { return len(rs) }

// Messages is the records' messages, in order.
func (rs Records) Messages() []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Message
	}
	return out
}

// Filter is the records for which keep is true.
func (rs Records) Filter(keep func(Record) bool) Records {
	var out Records
	for _, r := range rs {
		if keep(r) {
			out = append(out, r)
		}
	}
	return out
}

// FilterTarget is the records of target tgt.
func (rs Records) FilterTarget(tgt string) Records {
	return rs.Filter(func(r Record) bool { return r.Target == tgt })
}

// FilterLevel is the records at level lvl (TRACE, DEBUG, INFO, WARN,
// ERROR).
func (rs Records) FilterLevel(lvl string) Records {
	return rs.Filter(func(r Record) bool { return r.Level == lvl })
}

// FilterMessage is the records whose message is msg.
func (rs Records) FilterMessage(msg string) Records {
	return rs.Filter(func(r Record) bool { return r.Message == msg })
}

// FilterField is the records with a field key whose value is value, as it
// reads back from JSON: value is encoded and decoded before the
// comparison, so 3, int64(3) and 3.0 match the same field.
func (rs Records) FilterField(key string, value any) Records {
	b, err := json.Marshal(value)
	if err != nil {
		return nil
	}
	var want any
	if json.Unmarshal(b, &want) != nil {
		return nil
	}
	return rs.Filter(func(r Record) bool {
		got, ok := r.Fields[key]
		return ok && reflect.DeepEqual(got, want)
	})
}
