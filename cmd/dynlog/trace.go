package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/dynlog/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/internal/waterfall"
)

const traceUsage = `Usage: dynlog trace [--trace ID] [--request-id ID] [--json] [--width N] [FILE...]

Reads the Dynamo JSONL logs of one or more services (stdin if no FILE, or
"-"), joins their lines by trace_id, rebuilds the span trees from the
SPAN_FIRST_ENTRY (or SPAN_CREATED) and SPAN_CLOSED lines (span_id, parent_id) and draws each
trace as a waterfall: one row per span, indented by its depth, with its
service (target), its start in the trace, a bar scaled to the trace's
duration, its duration and its busy and idle times. A span with no
SPAN_CLOSED is drawn to the end of the trace and marked open; a span whose
parent is in no file given is drawn as a root and says so. Lines that are
not JSON are skipped and counted on stderr.

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

	var b waterfall.Builder
	readErr := b.Read(logfile.Open(context.Background(), fs.Args(), stdin, logfile.WithErrorFunc(func(err error) {
		fmt.Fprintf(stderr, "dynlog trace: %v; skipped\n", err)
	})))
	if b.Stats.Skipped > 0 {
		fmt.Fprintf(stderr, "dynlog trace: skipped %d of %d lines: not JSON objects\n", b.Stats.Skipped, b.Stats.Lines)
	}
	all := b.Traces()
	traces := selectTraces(all, *traceID, *requestID)

	code := 0
	if readErr != nil {
		code = 1
	}
	if len(traces) == 0 {
		switch {
		case len(all) == 0:
			fmt.Fprintf(stderr, "dynlog trace: no spans in %d lines (span events need DYN_LOGGING_SPAN_EVENTS or the JSONL layout)\n", b.Stats.Lines)
		default:
			fmt.Fprintf(stderr, "dynlog trace: none of the %d traces read matches%s\n", len(all), describeSelection(*traceID, *requestID))
		}
		code = 1
		if !*asJSON {
			return code
		}
	}

	out := &stickyWriter{w: stdout}
	w := bufio.NewWriterSize(out, 64<<10)
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

// selectTraces keeps the traces --trace and --request-id name: a trace_id
// equal to traceID or starting with it, and a span with requestID as its
// x_request_id or request_id. Empty selectors keep everything.
func selectTraces(traces []*waterfall.Trace, traceID, requestID string) []*waterfall.Trace {
	var out []*waterfall.Trace
	for _, t := range traces {
		if traceID != "" && !strings.HasPrefix(t.ID, traceID) {
			continue
		}
		if requestID != "" && !hasRequest(t, requestID) {
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
