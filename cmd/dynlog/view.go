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

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/internal/outside"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

const viewUsage = `Usage: dynlog view [flags] [FILE...]

Prints Dynamo JSONL from each FILE (stdin if none, or "-") in
the Dynamo readable layout or vLLM's, coloured when stdout is a
terminal. Lines that are not JSON objects pass through, whatever the
filters, so mixed output stays readable. A JSONL line holds only the
innermost span, so the readable span chain shows that span alone.

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
		fmt.Fprintf(stderr, "dynlog view: %v; skipped\n", err)
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
	if !v.filter.pass(&rec) {
		return
	}
	if !v.raw {
		escapeRecord(&rec)
	}
	ent, fields := entryOf(&rec, !v.raw, v.fields[:0])
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
	if vf.directives != nil {
		target := rec.Target
		if rec.Bridged() {
			target = rec.LogTarget
		}
		var spans *encoder.Spans
		if rec.SpanName != "" {
			spans = &encoder.Spans{Chain: []encoder.Span{{Name: rec.SpanName}}}
		}
		if !vf.directives.EnabledIn(target, rec.Level, spans) {
			return false
		}
	}
	return true
}

// entryOf turns a record back into what a logger would have handed the
// encoder: the entry, its fields in the line's order, the span keys as the
// spans field and a bridged record's log.* fields. With escape, string
// field values are pre-escaped (see preEscape). The fields are appended to
// fields, which the caller may reuse.
func entryOf(rec *logfile.Record, escape bool, fields []zapcore.Field) (zapcore.Entry, []zapcore.Field) {
	ent := zapcore.Entry{Level: rec.Level, Time: rec.Time, LoggerName: rec.Target, Message: rec.Message}
	if rec.File != "" {
		ent.Caller = zapcore.NewEntryCaller(0, rec.File, int(rec.Line), true)
	}
	timingsArray := [...]struct {
		key string
		us  int64
	}{{"time.busy_us", rec.BusyUS}, {"time.duration_us", rec.DurationUS}, {"time.idle_us", rec.IdleUS}}
	timings := timingsArray[:]
	for _, f := range rec.Fields {
		// The timings go where JSONL's key order put them.
		if rec.HasTiming && len(timings) > 0 && f.Key > timings[0].key {
			for _, t := range timings {
				fields = append(fields, zap.Int64(t.key, t.us))
			}
			timings = nil
		}
		fields = append(fields, fieldOf(f, escape))
	}
	if rec.HasTiming {
		for _, t := range timings {
			fields = append(fields, zap.Int64(t.key, t.us))
		}
	}
	if rec.LogTarget != "" || rec.LogFile != "" {
		fields = append(fields, zap.String(vocab.LogFileKey, rec.LogFile), zap.Int64(vocab.LogLineKey, rec.LogLine), zap.String(vocab.LogTargetKey, rec.LogTarget))
	}
	if rec.SpanName != "" || rec.TraceID != "" || rec.SpanID != "" {
		s := &encoder.Spans{TraceID: rec.TraceID, SpanID: rec.SpanID, ParentID: rec.ParentID,
			TraceState: rec.TraceState, XRequestID: rec.XRequestID, RequestID: rec.RequestID}
		if rec.SpanName != "" {
			s.Chain = []encoder.Span{{Name: rec.SpanName}}
		}
		fields = append(fields, encoder.SpansField(s))
	}
	return ent, fields
}

// fieldOf is the zap field for a JSON value: strings, bools and numbers
// typed, objects and arrays as the JSON they are (whose controls JSON
// keeps escaped). With escape, a string is pre-escaped (see preEscape).
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
