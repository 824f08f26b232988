package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/internal/outside"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

const validateUsage = `Usage: dynlog validate [--strict] [FILE...]

Checks every line of each FILE (stdin if none, or "-"; a NAME.gz through
gzip) against the line schema of the Dynamo JSONL layout
(cmd/dynlog/schema/line.schema.json):
time (RFC 3339), level (TRACE, DEBUG, INFO, WARN or ERROR), target and
message required; file and line together, and neither when target is "log";
span_id and parent_id 16 and trace_id 32 lowercase hex digits; time.*_us
integers; other keys allowed.

On stdout, one line per line that fails, in input order:
  FILE:LINE: what is wrong
then the summary:
  N lines: V valid, I invalid, J not JSON
A line that does not start with "{" and is not JSON at all (a plain text
line, a blank line) is counted as not JSON and is not a failure unless
--strict is given; a line that starts with "{" but does not parse is invalid.

Exit status: 0 every line passed, 1 a line failed or a file could not be
read, 2 a usage error.

Speed against jq on a generated 1,000,000-line file (goal: 2x faster):
  make validate-speed
and with view and trace on a generated 1 GB file (goal: 3x faster):
  make bench-cli

Flags:
`

// validate is the validate command: it reads the lines of the files in
// order ([logfile.Open]), has them checked in batches by as many workers as
// there are CPUs ([validateLines]), and prints the failures and the summary.
// What a line must be is the line schema's business ([compileLineSchema],
// [lineChecker]); reading a line's keys without decoding the rest is the
// scanner's ([keyScanner]).
func validate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	strict := fs.Bool("strict", false, "count lines that are not JSON as failures")
	if code, ok := parseFlags(fs, validateUsage, args, stdout, stderr); !ok {
		return code
	}
	schema, err := compileLineSchema()
	if err != nil {
		fmt.Fprintf(stderr, "dynlog validate: %v\n", err)
		return 1
	}
	// Validating allocates many short-lived maps; collecting less often
	// is a fifth of the run time on a large file.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	r := logfile.Open(context.Background(), fs.Args(), stdin, logfile.WithErrorFunc(func(err error) {
		fmt.Fprintf(stderr, "dynlog validate: %s; skipped\n", outside.Text(err.Error()))
	}))
	sum := validateLines(r, schema, *strict, stdout)
	fmt.Fprintf(stdout, "%d lines: %d valid, %d invalid, %d not JSON\n",
		sum.valid+sum.invalid+sum.notJSON, sum.valid, sum.invalid, sum.notJSON)
	if sum.invalid > 0 || (*strict && sum.notJSON > 0) || r.Err() != nil {
		return 1
	}
	return 0
}

// validateSummary counts lines by outcome.
type validateSummary struct{ valid, invalid, notJSON int }

// A validateBatch is a run of lines checked by one worker. Lines are
// batched so that the channel traffic stays small against the work; the
// batches are printed in the order they were read.
type validateBatch struct {
	data    []byte // the lines, back to back
	lines   []batchLine
	verdict []string // per line: "" valid, notJSONVerdict, or what is wrong
	done    chan struct{}
}

type batchLine struct {
	file    string
	number  int
	end     int // data[previous end:end] is the line
	tooLong bool
}

// notJSONVerdict is the verdict on a line that is not JSON at all: a
// failure only with --strict.
const notJSONVerdict = "\x00not JSON"

// batchSize is the most lines a [validateBatch] holds.
const batchSize = 512

// validateLines checks every line of r against schema, each worker with its
// own [lineChecker], and writes to out, in input order, one line per line
// that fails.
func validateLines(r *logfile.Reader, schema *compiledSchema, strict bool, out io.Writer) validateSummary {
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *validateBatch, 2*workers)
	ordered := make(chan *validateBatch, 2*workers)
	for range workers {
		go func() {
			c := newLineChecker(schema)
			for b := range work {
				b.check(c)
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(work)
		defer close(ordered)
		b := newValidateBatch()
		for r.Next() {
			l := r.Line()
			b.data = append(b.data, l.Bytes...)
			b.lines = append(b.lines, batchLine{l.File, l.Number, len(b.data), l.TooLong})
			if len(b.lines) == batchSize || len(b.data) >= 1<<20 {
				work <- b
				ordered <- b
				b = newValidateBatch()
			}
		}
		if len(b.lines) > 0 {
			work <- b
			ordered <- b
		}
	}()

	var sum validateSummary
	var buf []byte
	for b := range ordered {
		<-b.done
		for i, v := range b.verdict {
			switch {
			case v == "":
				sum.valid++
				continue
			case v == notJSONVerdict:
				sum.notJSON++
				if !strict {
					continue
				}
				v = "not JSON"
			default:
				sum.invalid++
			}
			l := b.lines[i]
			buf = fmt.Appendf(buf[:0], "%s:%d: %s\n", l.file, l.number, v)
			out.Write(buf)
		}
	}
	return sum
}

// newValidateBatch returns an empty batch, not yet checked.
func newValidateBatch() *validateBatch {
	return &validateBatch{lines: make([]batchLine, 0, batchSize), done: make(chan struct{})}
}

// check gives each line of b its verdict, from c.
func (b *validateBatch) check(c *lineChecker) {
	b.verdict = make([]string, len(b.lines))
	start := 0
	for i, l := range b.lines {
		b.verdict[i] = c.check(b.data[start:l.end], l.tooLong)
		start = l.end
	}
}

// jsonErrorText says why line, which is not valid JSON, does not parse.
func jsonErrorText(line []byte) string {
	var v any
	err := json.Unmarshal(line, &v)
	if err == nil || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input") {
		return "the line ends inside the object (truncated?)"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// printer writes the library's messages in English.
var printer = message.NewPrinter(language.English)

// schemaErrorText reduces the library's error tree to its leaves, one
// clause each: `"level": value must be one of …`.
func schemaErrorText(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	var clauses []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		clauses = append(clauses, leafText(e))
	}
	walk(ve)
	// The library walks the object's keys in map order.
	slices.Sort(clauses)
	return strings.Join(slices.Compact(clauses), "; ")
}

// leafText says what is wrong in one leaf of the library's error tree,
// naming the key.
func leafText(e *jsonschema.ValidationError) string {
	where := ""
	if len(e.InstanceLocation) > 0 {
		where = fmt.Sprintf("%q: ", strings.Join(e.InstanceLocation, "/"))
	}
	switch k := e.ErrorKind.(type) {
	case *kind.FalseSchema:
		return where + `not allowed when target is "log"`
	case *kind.Enum:
		return fmt.Sprintf("%s%s is not one of %s", where, display(k.Got), displayAll(k.Want))
	case *kind.Format:
		return fmt.Sprintf("%s%q is not a valid %s", where, fmt.Sprint(k.Got), k.Want)
	case *kind.Pattern:
		return fmt.Sprintf("%s%q does not match %s", where, fmt.Sprint(k.Got), k.Want)
	}
	return where + e.ErrorKind.LocalizedString(printer)
}

// display writes v as JSON, as the line has it.
func display(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// displayAll is [display] of each of vs, comma-separated.
func displayAll(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = display(v)
	}
	return strings.Join(parts, ", ")
}
