package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
	"github.com/dynlog/dynlog/internal/outside"
)

const traceUsage = `Usage: dynlog trace [--trace ID] [--request-id ID] [--json] [--width N]
                    [FILE...]

Reads the Dynamo JSONL logs of one or more services (stdin if no FILE,
or "-"; a NAME.gz through gzip), joins their lines by trace_id, rebuilds
the span trees from the SPAN_FIRST_ENTRY (or SPAN_CREATED) and
SPAN_CLOSED lines (span_id, parent_id) and draws each trace as a
waterfall: one row per span, indented by its depth, with its service
(target), its start in the trace, a bar scaled to the trace's duration,
its duration and its busy and idle times. A span with no SPAN_CLOSED is
drawn to the end of the trace and marked open; a span whose parent is in
no file given is drawn as a root and says so. Parent links that loop (a
span its own parent, or A's parent B and B's A, which only a broken or
hostile file has) are cut at the loop's span that starts first, drawn as
a root with "(parent ID loops back to this span: drawn as a root)" (in
--json, "parent_loop": true). Lines that are not JSON are skipped and
counted on stderr.

Memory grows with the spans drawn, not with the input: --trace keeps only
the traces it names; --request-id, when every input is a file, reads
them twice, first to find the request's traces, then to keep those
(on stdin it holds everything, as without a filter). Either way it holds
at most 100,000 spans: past that it draws the 100,000 that start first,
says on stderr how many lines of other spans it skipped (in --json,
"dropped_lines"), and exits 0; a span whose parent was skipped is drawn
as a root. --request-id also keeps at most 100,000 of the request's
traces, the first found, and says so past that. Without either, past
100,000 spans trace draws nothing and prints a summary instead: the
counts and the 20 longest root spans, each with the trace_id to draw it
by (with --json, the same as a "summary" object).

Exit status: 0 a trace was drawn, 1 no trace (or none that matched) or a
file could not be read, 2 a usage error.

Flags:
`

func trace(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("trace", flag.ContinueOnError)
	traceID := fs.String("trace", "", "draw only the trace with this `trace_id` (or the traces whose trace_id starts with it)")
	requestID := fs.String("request-id", "", "draw only the traces with this x_request_id or request_id")
	asJSON := fs.Bool("json", false, "write the traces as one JSON document, for tools, instead of drawing them")
	width := fs.Int("width", waterfall.DefaultWidth, "width of the bars in `columns`")
	if code, ok := parseFlags(fs, traceUsage, args, stdout, stderr); !ok {
		return code
	}
	if *width < 1 || *width > 1000 {
		return commandUsageError(stderr, "trace", fmt.Sprintf("--width %d is not between 1 and 1000", *width))
	}

	// Collect rarely while the spans held are few (the garbage of decoding
	// is most of the heap), more often as they near the memory limit.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(traceMemoryLimit))
	b, sum, byRequest, readErr := readTraces(fs.Args(), stdin, *traceID, *requestID, stderr)
	if b.Stats.Skipped > 0 {
		fmt.Fprintf(stderr, "dynlog trace: skipped %d of %d lines: not JSON objects\n", b.Stats.Skipped, b.Stats.Lines)
	}
	if b.Stats.Dropped > 0 {
		fmt.Fprintf(stderr, "dynlog trace: more than %d spans match%s; drawing the %d that start first and skipping %d lines of other spans\n",
			b.Max, describeSelection(*traceID, *requestID), b.Max, b.Stats.Dropped)
	}
	out := &stickyWriter{w: stdout}
	w := bufio.NewWriterSize(out, 64<<10)
	if sum != nil {
		// Too many spans to hold: the summary, in bounded memory.
		fmt.Fprintf(stderr, "dynlog trace: more than %d spans, too many to draw at once; a summary instead\n", maxHeldSpans)
		var err error
		if *asJSON {
			err = waterfall.WriteJSONSummary(w, sum, b.Stats)
		} else {
			err = waterfall.WriteSummary(w, sum)
		}
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			return writeFailed(stderr, "trace", err)
		}
		if readErr != nil {
			return 1
		}
		return 0
	}
	all := b.Traces()
	traces := selectTraces(all, *traceID, *requestID, byRequest)

	code := 0
	if readErr != nil {
		code = 1
	}
	if len(traces) == 0 {
		switch {
		case b.Stats.Records == 0:
			fmt.Fprintf(stderr, "dynlog trace: no spans in %d lines (span events need DYN_LOGGING_SPAN_EVENTS or the JSONL layout)\n", b.Stats.Lines)
		default:
			fmt.Fprintf(stderr, "dynlog trace: no trace of the %d span lines read matches%s\n", b.Stats.Records, describeSelection(*traceID, *requestID))
		}
		code = 1
		if !*asJSON {
			return code
		}
	}

	if *asJSON {
		err := waterfall.WriteJSON(w, traces, b.Stats)
		if err == nil {
			err = w.Flush()
		}
		if err != nil {
			return writeFailed(stderr, "trace", err)
		}
		return code
	}
	opts := waterfall.Options{Width: *width, Color: colorOn(stdout)}
	for i, t := range traces {
		if i > 0 {
			w.WriteByte('\n')
		}
		if err := waterfall.Render(w, t, opts); err != nil {
			return writeFailed(stderr, "trace", err)
		}
	}
	if err := w.Flush(); err != nil {
		return writeFailed(stderr, "trace", err)
	}
	return code
}

// maxHeldSpans is the most spans trace holds to draw: about 1 KiB each.
// Past it, without --trace or --request-id to narrow the input, trace
// drops them and prints a summary; with them, it draws the maxHeldSpans
// that start first. It also bounds the traces --request-id looks for.
// Tests lower it.
var maxHeldSpans = 100_000

// traceMemoryLimit is the soft limit of trace's heap (debug.SetMemoryLimit):
// maxHeldSpans spans, and room to decode.
const traceMemoryLimit = 192 << 20

// summaryRoots is how many of the longest root spans a summary lists.
const summaryRoots = 20

// readTraces reads the traces of names (stdin if none) in memory that grows
// with the spans drawn, not with the input: with --trace only the traces
// it names are kept; with --request-id, when every input is a file, a
// first pass finds the traces of that request and the second keeps them.
// Either way it holds at most maxHeldSpans spans, those that start first
// (Builder.Max). Without either it also holds at most maxHeldSpans spans,
// but past that it returns the input's Summary instead of the spans, which
// it forgets.
// byRequest says the traces kept are the request's, found by the first
// pass.
func readTraces(names []string, stdin io.Reader, traceID, requestID string, stderr io.Writer) (b *waterfall.Builder, sum *waterfall.Summary, byRequest bool, err error) {
	open := func() *logfile.Reader {
		return logfile.Open(context.Background(), names, stdin, logfile.WithErrorFunc(func(err error) {
			fmt.Fprintf(stderr, "dynlog trace: %s; skipped\n", outside.Text(err.Error()))
		}))
	}
	b = &waterfall.Builder{}
	var wanted map[string]bool // by --request-id: the trace_ids to keep
	if requestID != "" && len(names) > 0 && !slices.Contains(names, "-") {
		wanted = map[string]bool{}
		// A line without the ID's bytes cannot hold it, unless JSON
		// escapes some of them.
		plain := !strings.ContainsFunc(requestID, func(r rune) bool { return r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' })
		// The second pass reports the errors.
		r := logfile.Open(context.Background(), names, nil)
		more := false // traces of the request past maxHeldSpans
		for r.Next() {
			l := r.Line()
			if l.TooLong || plain && !bytes.Contains(l.Bytes, []byte(requestID)) {
				continue
			}
			if rec, err := logfile.Decode(l.Bytes); err == nil && rec.TraceID != "" &&
				(rec.XRequestID == requestID || rec.RequestID == requestID) && !wanted[rec.TraceID] {
				if len(wanted) == maxHeldSpans { // each needs a span held to be drawn
					more = true
					continue
				}
				wanted[strings.Clone(rec.TraceID)] = true
			}
		}
		if more {
			fmt.Fprintf(stderr, "dynlog trace: more than %d traces have request id %q; keeping the first %d found\n", maxHeldSpans, requestID, maxHeldSpans)
		}
	}
	switch {
	case traceID != "" && wanted != nil:
		b.Keep = func(id string) bool { return strings.HasPrefix(id, traceID) && wanted[id] }
	case traceID != "":
		b.Keep = func(id string) bool { return strings.HasPrefix(id, traceID) }
	case wanted != nil:
		b.Keep = func(id string) bool { return wanted[id] }
	}
	if b.Keep == nil {
		sum = waterfall.NewSummary(summaryRoots)
	} else {
		b.Max = maxHeldSpans
	}
	overflow := false
	r := open()
	for r.Next() {
		l := r.Line()
		b.Stats.Lines++
		if l.TooLong {
			b.Stats.Skipped++
			continue
		}
		rec, err := logfile.Decode(l.Bytes)
		if err != nil {
			b.Stats.Skipped++
			continue
		}
		wr := waterfall.RecordOf(rec)
		b.Add(wr)
		if sum == nil {
			continue
		}
		sum.Add(wr)
		if !overflow && b.Spans() > maxHeldSpans {
			overflow = true
			b.Forget()
			b.Keep = func(string) bool { return false }
		}
	}
	if !overflow {
		sum = nil
	}
	return b, sum, wanted != nil, r.Err()
}

// selectTraces keeps the traces --trace and --request-id name: a trace_id
// equal to traceID or starting with it, and a span with requestID as its
// x_request_id or request_id (unless byRequest: the traces are the
// request's already, found in all their lines, where a span that carried
// the ID may have been dropped). Empty selectors keep everything.
func selectTraces(traces []*waterfall.Trace, traceID, requestID string, byRequest bool) []*waterfall.Trace {
	var out []*waterfall.Trace
	for _, t := range traces {
		if traceID != "" && !strings.HasPrefix(t.ID, traceID) {
			continue
		}
		if requestID != "" && !byRequest && !hasRequest(t, requestID) {
			continue
		}
		out = append(out, t)
	}
	if traceID != "" { // an exact match wins over the traces it is a prefix of
		for _, t := range out {
			if t.ID == traceID {
				return []*waterfall.Trace{t}
			}
		}
	}
	return out
}

func hasRequest(t *waterfall.Trace, id string) bool {
	for _, s := range t.Spans {
		if s.XRequestID == id || s.RequestID == id {
			return true
		}
	}
	return false
}

func describeSelection(traceID, requestID string) string {
	var parts []string
	if traceID != "" {
		parts = append(parts, fmt.Sprintf(" trace_id %q", traceID))
	}
	if requestID != "" {
		parts = append(parts, fmt.Sprintf(" request id %q", requestID))
	}
	return strings.Join(parts, " and")
}
