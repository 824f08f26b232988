package core

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap/zapcore"
)

type diagClock struct{}

func (diagClock) Now() time.Time                         { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
func (diagClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// TestDiagnosticsOneLine: whatever a report's text holds, each report is one
// line with newlines, terminal and bidirectional controls escaped, in a
// layout, through the error-output writer and as plain text, and a report
// longer than maxReport is cut.
func TestDiagnosticsOneLine(t *testing.T) {
	const (
		raw = "dynlog: bad\n{\"level\":\"ERROR\"}\r\x1b[2J\u202e"
		esc = `bad\n{"level":"ERROR"}\r\x1b[2J\u{202e}`
	)
	var out bytes.Buffer
	d := newDiagnostics(zapcore.AddSync(&out), diagClock{})
	d.useLayout(encoder.NewReadable(encoder.WithColor(false)), zapcore.EntryCaller{})
	d.report(raw)
	// The writer takes each line written to it as a report of its own.
	if _, err := d.writer().Write([]byte("dynlog: w\r\x1b[2J\u202e\n")); err != nil {
		t.Fatal(err)
	}
	head := "2026-01-02T03:04:05.000000Z  WARN dynlog: "
	if got, want := out.String(), head+esc+"\n"+head+`w\r\x1b[2J\u{202e}`+"\n"; got != want {
		t.Errorf("layout:\n%q, want\n%q", got, want)
	}

	var plain bytes.Buffer
	d = newDiagnostics(zapcore.AddSync(&plain), diagClock{})
	d.report(raw)
	d.report("dynlog: " + strings.Repeat("x", maxReport))
	d.flush()
	want := "dynlog: " + esc + "\n" + "dynlog: " + strings.Repeat("x", maxReport-len("dynlog: ")) + "…[8 bytes cut]\n"
	if got := plain.String(); got != want {
		t.Errorf("plain:\n%q, want\n%q", got, want)
	}
}
