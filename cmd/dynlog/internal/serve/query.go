package serve

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap/zapcore"
)

// query is what a line must pass to be shown, from the request's query:
// the same filters as `dynlog view`'s, and a text search.
type query struct {
	directives *filter.Filter // filter: DYN_LOG directives
	minLevel   zapcore.Level  // level
	hasLevel   bool
	traceID    string // trace: trace_id equal to it
	requestID  string // request: x_request_id or request_id equal to it
	spanID     string // span: span_id equal to it
	text       string // q: in the line as shown, in any case (lowered)
}

// maxParam is the longest value a query parameter may have.
const maxParam = 4096

// parseQuery reads the filters of a request's query.
func parseQuery(v url.Values) (*query, error) {
	for _, k := range []string{"filter", "level", "q", "trace", "request", "span"} {
		if len(v[k]) > 1 {
			return nil, fmt.Errorf("%s is given %d times; give it once", k, len(v[k]))
		}
		if s := v.Get(k); len(s) > maxParam || !utf8.ValidString(s) {
			return nil, fmt.Errorf("%s is longer than %d bytes or not UTF-8", k, maxParam)
		}
	}
	q := &query{traceID: v.Get("trace"), requestID: v.Get("request"), spanID: v.Get("span"),
		text: strings.ToLower(v.Get("q"))}
	if spec := strings.TrimSpace(v.Get("filter")); spec != "" {
		f, err := filter.Parse(spec)
		var perr *filter.ParseError
		if errors.As(err, &perr) && len(perr.Skipped) > 0 {
			return nil, perr.Skipped[0]
		}
		if err != nil || f == nil {
			return nil, fmt.Errorf("filter: %q: %v", spec, err)
		}
		q.directives = f
	}
	if lvl := v.Get("level"); lvl != "" {
		l, err := filter.ParseLevel(lvl)
		if err != nil {
			return nil, fmt.Errorf("level: %v", err)
		}
		q.minLevel, q.hasLevel = l, true
	}
	return q, nil
}

// onRecords reports whether the query filters records: lines that are not
// records then fail it, as they have none of what it asks for.
func (q *query) onRecords() bool {
	return q.directives != nil || q.hasLevel || q.traceID != "" || q.requestID != "" || q.spanID != ""
}

// mayPass is a quick look at a line's bytes: false when the line cannot
// hold the IDs asked for (unless JSON escapes some of their bytes).
func (q *query) mayPass(line []byte) bool {
	for _, id := range []string{q.traceID, q.requestID, q.spanID} {
		if id != "" && plainASCII(id) && !bytes.Contains(line, []byte(id)) {
			return false
		}
	}
	return true
}

func plainASCII(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' })
}

// passRecord reports whether rec passes the filters but the text search,
// as `dynlog view` decides it.
func (q *query) passRecord(rec *logfile.Record) bool {
	if q.hasLevel && rec.Level < q.minLevel {
		return false
	}
	if q.traceID != "" && rec.TraceID != q.traceID {
		return false
	}
	if q.requestID != "" && rec.XRequestID != q.requestID && rec.RequestID != q.requestID {
		return false
	}
	if q.spanID != "" && rec.SpanID != q.spanID {
		return false
	}
	return q.directives == nil || rec.EnabledIn(q.directives)
}

// passText reports whether the line as shown holds the searched text.
func (q *query) passText(shown string) bool {
	return q.text == "" || strings.Contains(strings.ToLower(shown), q.text)
}
