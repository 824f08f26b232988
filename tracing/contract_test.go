package tracing

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

type failingSink struct{}

func (failingSink) Write([]byte) (int, error) { return 0, errors.New("disk full") }
func (failingSink) Sync() error               { return nil }

// A span event the tracing core rewrites into its own form goes through
// the inner core's Check and Write; a write error there reaches the
// logger's ErrorOutput, once per event, instead of being dropped.
func TestRewrittenEventReportsWriteError(t *testing.T) {
	localProvider(t)
	for _, form := range []SpanEvents{EventsReadable, Events2025} {
		var errOut bytes.Buffer
		sink := zapcore.NewCore(encoder.NewJSONL(), failingSink{}, zapcore.DebugLevel)
		log := zap.New(NewCore(sink, WithSpanEvents(form)), zap.ErrorOutput(zapcore.AddSync(&errOut))).Named("svc")
		_, s := Start(WithLogger(context.Background(), log), "op")
		s.End()
		if n := strings.Count(errOut.String(), "write error: disk full\n"); n != 2 {
			t.Errorf("%v: %d write errors reported for the span's two events, want 2; error output %q", form, n, errOut.String())
		}
	}
}
