package otlp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/internal/otlptest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// forgingAnswer is what a hostile or broken collector answers: a newline
// and a JSONL record of its own, a screen clear, a right-to-left override
// and a C1 CSI.
const forgingAnswer = "refused\n" +
	`{"time":"2025-01-01T00:00:00.000000Z","level":"ERROR","target":"forged","message":"forged"}` +
	"\n\x1b[2J\u202eevil\u009b"

// forgingAnswerEscaped is forgingAnswer as a report prints it.
const forgingAnswerEscaped = `refused\n{"time":"2025-01-01T00:00:00.000000Z","level":"ERROR","target":"forged","message":"forged"}\n\x1b[2J\u{202e}evil\u{9b}`

type fixedClock struct{}

func (fixedClock) Now() time.Time                         { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }
func (fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// TestCollectorAnswerEscaped: a collector's error answer, which the
// exporters put into their error text, reaches the report escaped, on the
// report's one line, through the real exporters and a real collector on
// loopback, over OTLP/HTTP (the 400's body) and gRPC (the status message),
// written to the error output and as a line of the error logger.
func TestCollectorAnswerEscaped(t *testing.T) {
	for _, tt := range []struct {
		protocol string
		receiver func(testing.TB) *otlptest.Receiver
		// the exporter's words around the answer
		before func(endpoint string) string
		after  string
	}{
		{ProtocolHTTPProtobuf, otlptest.NewHTTPReceiver,
			func(endpoint string) string {
				return "traces export: failed to send to " + endpoint + ": 400 Bad Request (body: "
			}, ")"}, // the exporter trims the newline http.Error ends the body with
		{ProtocolGRPC, otlptest.NewGRPCReceiver,
			func(string) string { return "traces export: rpc error: code = InvalidArgument desc = " }, ""},
	} {
		for _, via := range []string{"error output", "jsonl logger", "readable logger"} {
			t.Run(tt.protocol+"/"+via, func(t *testing.T) {
				keepExportGlobals(t)
				rcv := tt.receiver(t)
				rcv.RejectWith(forgingAnswer)
				var errOut, logOut logtest.Buffer
				switch via {
				case "jsonl logger":
					prev := SetErrorLogger(zap.New(zapcore.NewCore(encoder.NewJSONL(), &logOut, zapcore.DebugLevel), zap.WithClock(fixedClock{})).Named("otel"))
					t.Cleanup(func() { SetErrorLogger(prev) })
				case "readable logger":
					prev := SetErrorLogger(zap.New(zapcore.NewCore(encoder.NewReadable(), &logOut, zapcore.DebugLevel), zap.WithClock(fixedClock{})).Named("otel"))
					t.Cleanup(func() { SetErrorLogger(prev) })
				}
				p, err := NewProvider(context.Background(), ExportConfig{Enabled: true, Endpoint: rcv.Endpoint(), Protocol: tt.protocol, ErrorOutput: &errOut})
				if err != nil {
					t.Fatal(err)
				}
				_, s := p.TracerProvider().Tracer("t").Start(context.Background(), "refused")
				s.End()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := p.ForceFlush(ctx); err == nil {
					t.Fatal("export succeeded while the collector refuses")
				}
				shutdown(t, p)

				msg := fmt.Sprintf("OTLP export to %s (%s) failed: %s%s%s; dropped 1 spans and will keep trying, without reporting further failures until an export succeeds",
					p.Endpoint(), tt.protocol, tt.before(p.Endpoint()), forgingAnswerEscaped, tt.after)
				var want, got string
				switch via {
				case "error output":
					want, got = "dynlog: "+msg+"\n", errOut.String()
				case "jsonl logger":
					line, _ := json.Marshal(map[string]string{"message": msg})
					want = `{"time":"2025-01-02T03:04:05.000000Z","level":"ERROR","target":"otel",` + string(line[1:]) + "\n"
					got = logOut.String()
				case "readable logger":
					want, got = "2025-01-02T03:04:05.000000Z ERROR otel: "+msg+"\n", logOut.String()
				}
				if got != want {
					t.Errorf("report\n%q, want\n%q", got, want)
				}
				if strings.Contains(errOut.String()+logOut.String(), "\x1b") {
					t.Errorf("a raw ESC reached the output: %q %q", errOut.String(), logOut.String())
				}
			})
		}
	}
}

// TestReporterCutsLongText: an error text is cut after 512 bytes, with a
// marker that says how much was left out.
func TestReporterCutsLongText(t *testing.T) {
	var out logtest.Buffer
	r := &reporter{Out: &out, Where: "OTLP export to http://collector:4318/v1/traces (http/protobuf)", Items: "spans"}
	long := "\u202e" + strings.Repeat("a", 600) // 603 bytes
	r.Handle(errors.New(long))
	r.Exported(1, errors.New(long))
	kept := `\u{202e}` + strings.Repeat("a", 509)
	want := "dynlog: OpenTelemetry: " + kept + "…[91 bytes cut] (reported once)\n" +
		"dynlog: OTLP export to http://collector:4318/v1/traces (http/protobuf) failed: " + kept + "…[91 bytes cut]; dropped 1 spans and will keep trying, without reporting further failures until an export succeeds\n"
	if out.String() != want {
		t.Errorf("output\n%q, want\n%q", out.String(), want)
	}
}

// TestBadEndpointQuoted: the error for an endpoint that is not a URL quotes
// it cut, whatever its length.
func TestBadEndpointQuoted(t *testing.T) {
	_, err := NewProvider(context.Background(), ExportConfig{Enabled: true, Endpoint: "ftp://\u202e" + strings.Repeat("h", 600)})
	want := `otlp: OTLP endpoint "ftp://\u202e` + strings.Repeat("h", 503) + `"…[97 bytes cut] is not an http:// or https:// URL with a host (such as http://localhost:4317); no provider made`
	if err == nil || err.Error() != want {
		t.Errorf("error\n%v, want\n%s", err, want)
	}
}
