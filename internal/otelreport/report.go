// Package otelreport reports what goes wrong in OpenTelemetry export: the
// failures of an OTLP exporter, once until an export succeeds again, and
// OpenTelemetry's other errors, each distinct one once. Package otlp's
// providers and the OpenTelemetry bridge (package core/bridge) share it, so
// that a program bridging OpenTelemetry's errors links no OTLP exporter.
package otelreport

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/dynlog/dynlog/internal/outside"
	"go.opentelemetry.io/otel"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Reported marks an export error a Reporter has already reported, so that
// its Handle, which OpenTelemetry's batch processor hands it to, ignores it.
type Reported struct{ Err error }

func (e *Reported) Error() string { return e.Err.Error() }
func (e *Reported) Unwrap() error { return e.Err }

// MaxOtherErrors bounds the distinct OpenTelemetry errors reported, so that
// errors with varying text cannot flood the output.
const MaxOtherErrors = 10

// Reporter writes export failures and other OpenTelemetry errors to out,
// or through SetLogger's logger, each kind once (see Provider). An
// error's text can hold what a collector answered (an HTTP body, a gRPC
// status message): it is escaped and cut (package outside), so that it
// cannot forge a line or drive the terminal.
type Reporter struct {
	Out   io.Writer
	Where string // "OTLP export to <endpoint> (<protocol>)"
	Items string // what is exported: "spans", "log records"

	mu          sync.Mutex
	failing     bool
	lostBatches int // since the failure was reported
	lostItems   int
	failures    int // every failed export, for tests
	lines       int // every line written, for tests
	seen        map[string]bool
	queued      []queuedLine // written when mu is released (flush)
}

var _ otel.ErrorHandler = (*Reporter)(nil)

// Exported records the outcome of exporting a batch of n items.
func (r *Reporter) Exported(n int, err error) {
	r.mu.Lock()
	defer r.flush()
	if err == nil {
		if r.failing {
			r.failing = false
			r.printf(zapcore.WarnLevel, "%s recovered; %d %s in %d batches were dropped while it failed",
				r.Where, r.lostItems, r.Items, r.lostBatches)
		}
		return
	}
	r.failures++
	if r.failing {
		r.lostBatches++
		r.lostItems += n
		return
	}
	r.failing, r.lostBatches, r.lostItems = true, 1, n
	r.printf(zapcore.ErrorLevel, "%s failed: %s; dropped %d %s and will keep trying, without reporting further failures until an export succeeds",
		r.Where, outside.Text(err.Error()), n, r.Items)
}

// Handle is OpenTelemetry's error handler: it reports an error the first
// time its text is seen, and ignores the export failures the exporter has
// reported already.
func (r *Reporter) Handle(err error) {
	var done *Reported
	if err == nil || errors.As(err, &done) {
		return
	}
	// Escaped and cut before it is remembered: a collector's answer can be
	// megabytes long.
	msg := outside.Text(strings.TrimSpace(err.Error()))
	r.mu.Lock()
	defer r.flush()
	if r.seen[msg] || len(r.seen) > MaxOtherErrors {
		return
	}
	if r.seen == nil {
		r.seen = make(map[string]bool)
	}
	r.seen[msg] = true
	if len(r.seen) > MaxOtherErrors {
		r.printf(zapcore.WarnLevel, "OpenTelemetry: more than %d distinct errors; not reporting further ones", MaxOtherErrors)
		return
	}
	r.printf(zapcore.ErrorLevel, "OpenTelemetry: %s (reported once)", msg)
}

// printf queues a line at lvl, which flush writes; r.mu is held.
func (r *Reporter) printf(lvl zapcore.Level, format string, args ...any) {
	r.lines++
	r.queued = append(r.queued, queuedLine{lvl, fmt.Sprintf(format, args...)})
}

// queuedLine is a line printf made.
type queuedLine struct {
	lvl  zapcore.Level
	text string
}

// flush releases r.mu, then writes the queued lines: through the logger of
// SetErrorLogger when one is set, else to out with the "dynlog: " prefix.
// Not under r.mu, so that a logger whose cores report to OpenTelemetry
// cannot deadlock on it.
func (r *Reporter) flush() {
	queued := r.queued
	r.queued = nil
	r.mu.Unlock()
	l := logger.Load()
	for _, q := range queued {
		if l != nil {
			l.Log(q.lvl, q.text)
		} else {
			_, _ = fmt.Fprintf(r.Out, "dynlog: %s\n", q.text)
		}
	}
}

// logger is where every Reporter writes when it is set (SetLogger). It is
// process-wide because what reports through it is: OpenTelemetry's error
// handler (otel.SetErrorHandler) is one per process, and so is the logger
// its lines belong on.
var logger atomic.Pointer[zap.Logger]

// SetLogger makes the reports of every Reporter lines of l instead of
// writes to their error output: export failures and OpenTelemetry errors at
// ERROR, a recovery and the notice that further errors go unreported at
// WARN, worded as on the error output without the "dynlog: " prefix. nil
// goes back to the error output. It returns the logger it replaces.
func SetLogger(l *zap.Logger) (previous *zap.Logger) { return logger.Swap(l) }

// NewErrorHandler returns an OpenTelemetry error handler that reports each
// distinct error once, at most 10 of them, on out (os.Stderr if nil), or
// through SetLogger's logger.
func NewErrorHandler(out io.Writer) otel.ErrorHandler {
	if out == nil {
		out = os.Stderr
	}
	return &Reporter{Out: out}
}

// Failures is the number of failed exports seen so far, for tests.
func (r *Reporter) Failures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failures
}
