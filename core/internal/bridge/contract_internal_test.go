package bridge

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

type failingSink struct{}

func (failingSink) Write([]byte) (int, error) { return 0, errors.New("disk full") }
func (failingSink) Sync() error               { return nil }

// The bridges' target core says what it wraps through vocab.Unwrapper, and
// its inner core's write errors reach the logger's ErrorOutput.
func TestTargetCoreContract(t *testing.T) {
	inner, _ := observer.New(zapcore.DebugLevel)
	var c zapcore.Core = NewTargetCore(inner, "foreign")
	if u, ok := c.(vocab.Unwrapper); !ok || u.Unwrap() != inner {
		t.Fatal("the target core does not unwrap to the core it wraps")
	}
	if _, ok := unwrap.Find(zapcore.NewTee(zapcore.RegisterHooks(c)), func(x zapcore.Core) (zapcore.Core, bool) { return x, x == inner }); !ok {
		t.Fatal("the walk does not find the core inside the target core")
	}

	var errOut bytes.Buffer
	sink := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), failingSink{}, zapcore.DebugLevel)
	zap.New(NewTargetCore(sink, "foreign"), zap.ErrorOutput(zapcore.AddSync(&errOut))).Info("m")
	if !strings.Contains(errOut.String(), "write error: disk full") {
		t.Fatalf("error output %q: want the sink's write error", errOut.String())
	}
}
