package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/outside"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

const viewUsage = `Usage: dynlog view [flags] [FILE...]

Prints Dynamo JSONL from each FILE (stdin if none, or "-"; a NAME.gz
through gzip) in the Dynamo readable layout or vLLM's, coloured when
stdout is a terminal. Lines that are not JSON objects pass through,
whatever the filters, so mixed output stays readable.

A record comes out as the readable layout printed it live, but for what
JSONL does not keep: the chain of spans and the fields of the outer ones
(a JSONL line holds the innermost span alone), the types of span fields
(strings in JSONL: workers="8", not workers=8), the order of fields
(sorted by key), durations finer than a microsecond. The request span's
method, uri, version and request_id are printed bare, x_request_id
quoted, and every line of a request shows its x_request_id and
request_id; error is printed bare; SPAN_FIRST_ENTRY and SPAN_CLOSED come
out as span_event's SPAN_FIRST_ENTRY and "close time.busy=… time.idle=…",
unless the input holds the 2025 layout (SPAN_CREATED). Any other string is
quoted, as zap.String prints it. docs/layouts.md lists the differences.

Nothing in the input can drive the terminal or turn a line around:
control characters, C1 characters, bidirectional controls and bytes
that are not UTF-8 in a line passed through, and the same in a
record's strings, are written escaped (\x1b, \r, \u{9b}, \u{202e},
\xff); --raw writes the lines passed through and the record's strings
as they are, for a pipe to another tool.

With -f, view follows the last FILE as tail -F does: it waits for the
file to appear, and when the file is rotated (renamed away, or copied
and truncated) it reads the old file to its end before the new one.

Filters, all of which a line must pass:
  --filter SPEC      DYN_LOG directives, e.g. "info,dynamo_llm=debug";
                     a bridged record is matched by its log.target
  --level LEVEL      minimum level: trace, debug, info, warn, error
  --trace ID         trace_id equal to ID
  --request-id ID    x_request_id or request_id equal to ID

A line longer than 16 MiB is read only as far as its first 16 MiB, from
which no record can be decoded, so no filter can be checked on it. With
a filter, such a line is skipped if it starts with "{" (a record, most
likely); otherwise, and with no filter, its first 16 MiB are passed
through as a line that is not a record is. Either way one line on
stderr says so, with the file and the line number.

Exit status: 0 done, 1 a file could not be read, 2 a usage error.

Flags:
`

// viewContext is the context view runs under: it ends on an interrupt, so
// that -f stops cleanly. Tests replace it.
var viewContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// viewFilter is what a record must pass to be printed.
type viewFilter struct {
	directives *filter.Filter // nil: no --filter
	minLevel   zapcore.Level
	hasLevel   bool
	traceID    string
	requestID  string
	flags      string // the filters given, as "--level/--trace"; "" if none
}

func view(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("view", flag.ContinueOnError)
	format := fs.String("format", "readable", "layout: readable (Dynamo) or vllm")
	color := fs.String("color", "auto", "colour: auto (when stdout is a terminal and NO_COLOR is unset), always or never")
	follow := fs.Bool("f", false, "follow the last FILE as it grows and is rotated, like tail -F, until interrupted")
	spec := fs.String("filter", "", "DYN_LOG directives a line must pass")
	level := fs.String("level", "", "minimum level")
	traceID := fs.String("trace", "", "only lines of this trace_id")
	requestID := fs.String("request-id", "", "only lines of this x_request_id or request_id")
	raw := fs.Bool("raw", false, "write control characters from the input as they are, unescaped")
	if code, ok := parseFlags(fs, viewUsage, args, stdout, stderr); !ok {
		return code
	}
	usageError := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "dynlog view: "+format+" (try dynlog view --help)\n", a...)
		return 2
	}
	vf := viewFilter{traceID: *traceID, requestID: *requestID}
	if *spec != "" {
		f, err := filter.Parse(*spec)
		if perr, ok := err.(*filter.ParseError); ok && len(perr.Skipped) > 0 {
			return usageError("--filter: %v", perr.Skipped[0])
		}
		vf.directives = f
	}
	if *level != "" {
		lvl, err := filter.ParseLevel(*level)
		if err != nil {
			return usageError("--level: %v", err)
		}
		vf.minLevel, vf.hasLevel = lvl, true
	}
	var given []string
	for _, f := range []struct {
		name string
		on   bool
	}{{"--filter", *spec != ""}, {"--level", *level != ""}, {"--trace", *traceID != ""}, {"--request-id", *requestID != ""}} {
		if f.on {
			given = append(given, f.name)
		}
	}
	vf.flags = strings.Join(given, "/")
	var colorOn bool
	switch *color {
	case "always":
		colorOn = true
	case "never":
	case "auto":
		colorOn = os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
	default:
		return usageError("--color %q: want auto, always or never", *color)
	}
	var enc zapcore.Encoder
	switch *format {
	case "readable":
		enc = encoder.NewReadable(encoder.WithColor(colorOn))
	case "vllm":
		enc = encoder.NewVLLM(encoder.WithColor(colorOn))
	default:
		return usageError("--format %q: want readable or vllm", *format)
	}

	// What view holds is one line and its record: let the heap grow to five
	// times that between collections, which costs little and saves much
	// of the collector's time.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	ctx, cancel := viewContext()
	defer cancel()
	var opts []logfile.Option
	if *follow {
		opts = append(opts, logfile.WithFollow(200*time.Millisecond))
	}
	opts = append(opts, logfile.WithErrorFunc(func(err error) {
		fmt.Fprintf(stderr, "dynlog view: %s; skipped\n", outside.Text(err.Error()))
	}))
	files := fs.Args()
	if *follow && len(files) > 0 {
		if last := files[len(files)-1]; last != "-" {
			if _, err := os.Stat(last); errors.Is(err, os.ErrNotExist) {
				fmt.Fprintf(stderr, "dynlog view: %s does not exist yet; waiting for it\n", last)
			}
		}
	}
	r := logfile.Open(ctx, files, stdin, opts...)
	defer r.Close()
	// Live input (a pipe, a followed file) is shown line by line.
	live := *follow || len(files) == 0 || slices.Contains(files, "-")
	out := &stickyWriter{w: stdout}
	w := bufio.NewWriterSize(out, 64<<10)
	v := viewer{enc: enc, filter: &vf, raw: *raw, stderr: stderr}
	for out.err == nil && r.Next() {
		v.line(w, r.Line())
		if live {
			w.Flush()
		}
	}
	if err := w.Flush(); err != nil {
		return writeFailed(stderr, "view", err)
	}
	if r.Err() != nil {
		return 1
	}
	return 0
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// viewer writes the lines of view.
type viewer struct {
	enc     zapcore.Encoder
	filter  *viewFilter
	raw     bool            // --raw: no escaping of the input's controls
	stderr  io.Writer       // for the lines too long to read whole
	scratch []byte          // a passed-through line, escaped
	fields  []zapcore.Field // a record's, reused line after line
	// layout2025: a record of the 2025 layout (SPAN_CREATED) was seen, so
	// SPAN_CLOSED is printed as it is, not as the readable layout's close.
	layout2025 bool
}

// line writes one input line: a record in the layout if it passes the
// filters, anything else passed through, escaped unless raw.
func (v *viewer) line(w *bufio.Writer, l logfile.Line) {
	if l.TooLong {
		v.tooLong(w, l)
		return
	}
	rec, ok := viewRecord(l)
	if !ok {
		v.passThrough(w, l.Bytes)
		return
	}
	if rec.Message == waterfall.MessageCreated {
		v.layout2025 = true // whether or not the filters pass it
	}
	if !v.filter.pass(&rec) {
		return
	}
	if !v.raw {
		escapeRecord(&rec)
	}
	ent, fields := entryOf(&rec, !v.raw, v.layout2025, v.fields[:0])
	v.fields = fields
	buf, err := v.enc.EncodeEntry(ent, fields)
	if err != nil {
		v.passThrough(w, l.Bytes)
		return
	}
	w.Write(buf.Bytes())
	buf.Free()
}

// tooLong writes a line longer than the Reader reads (logfile.MaxLineSize),
// of which l holds the first part: no record can be decoded from it, so
// no filter can be checked on it. With filters, a line that starts with
// "{", a record most likely, is skipped; any other line, and every one
// when there is no filter, is passed through cut. One line on stderr says
// which.
func (v *viewer) tooLong(w *bufio.Writer, l logfile.Line) {
	const limit = logfile.MaxLineSize >> 20
	if v.filter.flags != "" && startsObject(l.Bytes) {
		fmt.Fprintf(v.stderr, "dynlog view: skipped a %d-byte record in %s at line %d: longer than the %d MiB a record may be read with, so %s could not be checked\n",
			l.Length, outside.Text(l.File), l.Number, limit, v.filter.flags)
		return
	}
	v.passThrough(w, l.Bytes)
	fmt.Fprintf(v.stderr, "dynlog view: printed only the first %d MiB of a %d-byte line in %s at line %d: longer than the %d MiB a line may be read with\n",
		limit, l.Length, outside.Text(l.File), l.Number, limit)
}

// startsObject reports whether line starts, after blanks, with "{".
func startsObject(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return c == '{'
		}
	}
	return false
}

func (v *viewer) passThrough(w *bufio.Writer, line []byte) {
	if v.raw {
		w.Write(line)
	} else {
		v.scratch = appendSafeLine(v.scratch[:0], line)
		w.Write(v.scratch)
		if cap(v.scratch) > 1<<20 {
			v.scratch = nil // let a huge line's buffer go
		}
	}
	w.WriteByte('\n')
}

// escapeRecord pre-escapes every string of rec that reaches the encoder
// (see preEscape); field values that are JSON strings are escaped in
// entryOf.
func escapeRecord(rec *logfile.Record) {
	for _, p := range []*string{&rec.Message, &rec.Target, &rec.File, &rec.LogFile, &rec.LogTarget,
		&rec.SpanName, &rec.SpanID, &rec.ParentID, &rec.TraceID, &rec.TraceState, &rec.XRequestID, &rec.RequestID} {
		*p = preEscape(*p)
	}
	for i := range rec.Fields {
		rec.Fields[i].Key = preEscape(rec.Fields[i].Key)
	}
}

// viewRecord decodes a line that is a log record: a JSON object with a
// level or a message.
func viewRecord(l logfile.Line) (logfile.Record, bool) {
	if l.TooLong || !startsObject(l.Bytes) {
		return logfile.Record{}, false
	}
	rec, err := logfile.Decode(l.Bytes)
	if err != nil || !rec.HasLevel && !rec.HasMessage {
		return logfile.Record{}, false
	}
	return rec, true
}

func (vf *viewFilter) pass(rec *logfile.Record) bool {
	if vf.hasLevel && rec.Level < vf.minLevel {
		return false
	}
	if vf.traceID != "" && rec.TraceID != vf.traceID {
		return false
	}
	if vf.requestID != "" && rec.XRequestID != vf.requestID && rec.RequestID != vf.requestID {
		return false
	}
	return vf.directives == nil || rec.EnabledIn(vf.directives)
}

// What the readable layout prints for the span events of today's Dynamo
// JSONL layout (waterfall.Message*), tracing-subscriber's form:
// SPAN_FIRST_ENTRY under the target span_event, and "close" with time.busy
// and time.idle in place of SPAN_CLOSED. The 2025 layout's SPAN_CREATED and
// SPAN_CLOSED are printed as they are.
const (
	spanEventTarget = "span_event"
	closeMessage    = "close"
)

// requestSpan is the name of the span dynlog's HTTP middleware (and
// Dynamo's frontend) serves each request in. Its fields method, uri and
// version, and the request's request_id, are Display values, which the
// readable layout prints bare; x_request_id is a string, printed quoted.
const requestSpan = "http-request"

// requestSpanFields are the fields of the request span the record may
// hold besides the request IDs, in the order the middleware records them.
var requestSpanFields = [...]string{"method", "uri", "version"}

// isRequestSpanField reports whether key is one of requestSpanFields.
func isRequestSpanField(key string) bool {
	return slices.Contains(requestSpanFields[:], key)
}

// displayText is text that a logger recorded as a Display value
// (zap.Stringer, Rust's %value): the text layouts print it bare.
type displayText string

func (d displayText) String() string { return string(d) }

// entryOf turns a record back into what a logger would have handed the
// encoder, so that the readable layout prints the line it printed live
// but for what JSONL does not keep (see viewUsage): the entry, its fields
// in the line's order, the span keys as the spans field and a bridged
// record's log.* fields. The request span's fields and the request IDs
// are the innermost span's fields, printed after the line's own as the
// live layout prints span fields, with the types the middleware gives
// them. Span events are written in the readable layout's form unless
// layout2025 (the input holds the 2025 layout's SPAN_CREATED). With
// escape, string field values are pre-escaped (see preEscape). The fields
// are appended to fields, which the caller may reuse.
func entryOf(rec *logfile.Record, escape, layout2025 bool, fields []zapcore.Field) (zapcore.Entry, []zapcore.Field) {
	ent := zapcore.Entry{Level: rec.Level, Time: rec.Time, LoggerName: rec.Target, Message: rec.Message}
	if rec.File != "" {
		ent.Caller = zapcore.NewEntryCaller(0, rec.File, int(rec.Line), true)
	}
	inRequestSpan := rec.SpanName == requestSpan
	var spanFields []zapcore.Field
	if inRequestSpan {
		spanFields = make([]zapcore.Field, len(requestSpanFields), len(requestSpanFields)+2)
		for i := range spanFields {
			spanFields[i] = zap.Skip()
		}
	}
	timingsArray := [...]struct {
		key string
		us  int64
	}{{"time.busy_us", rec.BusyUS}, {"time.duration_us", rec.DurationUS}, {"time.idle_us", rec.IdleUS}}
	timings := timingsArray[:]
	if !rec.HasTiming {
		timings = nil
	}
	// Span events carry their span's keys; a message alone is not one.
	isEvent := rec.SpanID != "" && !rec.Bridged()
	switch {
	case isEvent && rec.Message == waterfall.MessageFirstEntry:
		ent.LoggerName = spanEventTarget
	case isEvent && rec.Message == waterfall.MessageClosed && rec.HasTiming && !layout2025:
		// The close's own fields, its durations, come first, as live.
		ent.Message = closeMessage
		fields = append(fields,
			zap.Stringer("time.busy", timing(rec.BusyUS)),
			zap.Stringer("time.idle", timing(rec.IdleUS)))
		timings = nil
	}
	for _, f := range rec.Fields {
		if inRequestSpan && isRequestSpanField(f.Key) {
			if s, ok := f.Text(); ok {
				if escape {
					s = preEscape(s)
				}
				spanFields[slices.Index(requestSpanFields[:], f.Key)] = zap.Stringer(f.Key, displayText(s))
				continue
			}
		}
		// The timings go where JSONL's key order put them.
		if len(timings) > 0 && f.Key > timings[0].key {
			for _, t := range timings {
				fields = append(fields, zap.Int64(t.key, t.us))
			}
			timings = nil
		}
		fields = append(fields, fieldOf(f, escape))
	}
	for _, t := range timings {
		fields = append(fields, zap.Int64(t.key, t.us))
	}
	if rec.LogTarget != "" || rec.LogFile != "" {
		fields = append(fields, zap.String(vocab.LogFileKey, rec.LogFile), zap.Int64(vocab.LogLineKey, rec.LogLine), zap.String(vocab.LogTargetKey, rec.LogTarget))
	}
	// The request IDs: x_request_id a string, request_id Display, as the
	// middleware records them.
	if rec.XRequestID != "" {
		spanFields = append(spanFields, zap.String(vocab.KeyXRequestID, rec.XRequestID))
	}
	if rec.RequestID != "" {
		spanFields = append(spanFields, zap.Stringer(vocab.KeyRequestID, displayText(rec.RequestID)))
	}
	if rec.SpanName != "" || rec.TraceID != "" || rec.SpanID != "" {
		s := &vocab.Spans{TraceID: rec.TraceID, SpanID: rec.SpanID, ParentID: rec.ParentID,
			TraceState: rec.TraceState, XRequestID: rec.XRequestID, RequestID: rec.RequestID}
		if rec.SpanName != "" {
			s.Chain = []vocab.Span{{Name: rec.SpanName, Fields: spanFields}}
			spanFields = nil
		}
		fields = append(fields, vocab.SpansField(s))
	}
	// Request IDs outside a named span have no span to be printed with:
	// they follow the line's fields. (The request span's own fields, and
	// their zap.Skip places, went to its Chain entry above.)
	fields = append(fields, spanFields...)
	return ent, fields
}

// timing is a span's duration in microseconds, written as the readable
// layout writes time.busy and time.idle ([vocab.AppendSpanTiming]): JSONL
// holds whole microseconds, so "25.0µs" where the live line has "25.7µs".
type timing int64

func (us timing) String() string {
	return string(vocab.AppendSpanTiming(nil, time.Duration(us)*time.Microsecond))
}

// errorKey is the key zap.Error writes an error's text under.
const errorKey = "error"

// fieldOf is the zap field for a JSON value: strings, bools and numbers
// typed, objects and arrays as the JSON they are (whose controls JSON
// keeps escaped). A string is a zap.String, printed quoted, but that of
// the key "error", zap.Error's, which is Display text, printed bare. With
// escape, a string is pre-escaped (see preEscape).
func fieldOf(f logfile.Field, escape bool) zapcore.Field {
	key, raw := f.Key, f.Value
	if len(raw) == 0 {
		return zap.Skip()
	}
	switch raw[0] {
	case '"':
		if s, ok := f.Text(); ok {
			if escape {
				s = preEscape(s)
			}
			if key == errorKey {
				return zap.Stringer(key, displayText(s))
			}
			return zap.String(key, s)
		}
	case 't':
		return zap.Bool(key, true)
	case 'f':
		return zap.Bool(key, false)
	case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		s := string(raw)
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return zap.Int64(key, n)
		}
		if n, err := strconv.ParseUint(s, 10, 64); err == nil {
			return zap.Uint64(key, n)
		}
		if x, err := strconv.ParseFloat(s, 64); err == nil {
			return zap.Float64(key, x)
		}
	}
	return zap.Reflect(key, raw)
}
