package core

import (
	"strings"
	"sync"

	"github.com/dynlog/dynlog/internal/clock"
	"github.com/dynlog/dynlog/internal/outside"
	"go.uber.org/zap/zapcore"
)

// diagnosticsTarget is the target (logger name) of dynlog's own lines: its
// reports about the configuration and the audit line of each change of a
// filter.
const diagnosticsTarget = "dynlog"

// diagnostics writes dynlog's reports about the configuration to the error
// output, as lines of the layout of the logger they concern (target
// "dynlog", level WARN), so that a JSONL stream stays JSONL. Reports made
// before the layout is known wait for it; those still waiting when flush
// is called, because no layout will be known (Reload of a logger New did
// not build), are written as plain text, one line each.
//
// A report quotes text from outside the program (a variable's value, a file
// name, what a file or a library said): each report is one line, whatever
// that text holds. The reports escape and cut that text where they quote it
// (package outside); oneLine escapes what is left, so that no newline,
// terminal control or bidirectional control reaches a line, in any layout
// (the readable layout leaves a message's newlines raw) or as plain text.
type diagnostics struct {
	mu      sync.Mutex
	out     zapcore.WriteSyncer
	core    zapcore.Core // nil until the layout is known
	clock   zapcore.Clock
	site    zapcore.EntryCaller
	pending []string
	seen    map[string]bool // reports made, each written once
}

func newDiagnostics(out zapcore.WriteSyncer, clk zapcore.Clock) *diagnostics {
	if clk == nil {
		clk = clock.Default
	}
	return &diagnostics{out: out, clock: clk}
}

// report writes line, or keeps it until the layout is known. A leading
// "dynlog: " is left out of the message, which the target says.
func (d *diagnostics) report(line string) {
	line = oneLine(line)
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.seen[line] {
		return
	}
	if d.seen == nil {
		d.seen = map[string]bool{}
	}
	d.seen[line] = true
	if d.core == nil {
		d.pending = append(d.pending, line)
		return
	}
	d.write(line)
}

// useLayout makes enc the layout of the reports, caller pointing at site,
// and writes those waiting.
func (d *diagnostics) useLayout(enc zapcore.Encoder, site zapcore.EntryCaller) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.core = zapcore.NewCore(enc, d.out, zapcore.DebugLevel)
	d.site = site
	for _, line := range d.pending {
		d.write(line)
	}
	d.pending = nil
}

// flush writes the reports still waiting as plain text.
func (d *diagnostics) flush() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, line := range d.pending {
		_, _ = d.out.Write([]byte(line + "\n"))
	}
	d.pending = nil
}

// writer is the error output for reports that may come again (a log
// file's failure and recovery, once per outage): each line written to it is
// a report in the layout, not deduplicated; until the layout is known it
// waits with the other reports. It never fails.
func (d *diagnostics) writer() zapcore.WriteSyncer { return diagnosticsWriter{d} }

type diagnosticsWriter struct{ d *diagnostics }

func (w diagnosticsWriter) Write(p []byte) (int, error) {
	w.d.mu.Lock()
	defer w.d.mu.Unlock()
	for line := range strings.SplitSeq(strings.TrimSuffix(string(p), "\n"), "\n") {
		line = oneLine(line)
		if w.d.core == nil {
			w.d.pending = append(w.d.pending, line)
			continue
		}
		w.d.write(line)
	}
	return len(p), nil
}

func (w diagnosticsWriter) Sync() error { return w.d.out.Sync() }

func (d *diagnostics) write(line string) {
	ent := zapcore.Entry{
		LoggerName: diagnosticsTarget,
		Level:      zapcore.WarnLevel,
		Time:       d.clock.Now(),
		Message:    strings.TrimPrefix(line, diagnosticsTarget+": "),
		Caller:     d.site,
	}
	if ce := d.core.Check(ent, nil); ce != nil {
		ce.Write()
	}
}

// maxReport is how many bytes of one report's text a line keeps: the
// outside values a report quotes are cut to outside.MaxLen each, so only a
// report of many (a file with many bad keys) comes near it.
const maxReport = 8 << 10

// oneLine returns a report's text escaped and cut as outside.Cut does, to
// maxReport bytes: one line that drives no terminal.
func oneLine(s string) string { return outside.Cut(s, maxReport) }
