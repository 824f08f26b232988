package target

import (
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestOf(t *testing.T) {
	for _, tc := range []struct {
		name, function, want string
	}{
		{"dynamo_runtime::logging", "github.com/acme/router.main", "dynamo_runtime::logging"},
		{"", "github.com/acme/router.(*Server).route", "github.com/acme/router"},
		{"", "github.com/acme/router/internal/kv.Select.func1", "github.com/acme/router/internal/kv"},
		{"", "main.main", "main"},
		{"", "gopkg.in/natefinch/lumberjack%2ev2.(*Logger).Write", "gopkg.in/natefinch/lumberjack%2ev2"},
		{"", "", ""},
	} {
		ent := zapcore.Entry{LoggerName: tc.name, Caller: zapcore.EntryCaller{Function: tc.function}}
		if got := Of(ent); got != tc.want {
			t.Errorf("Of(%q, %q) = %q, want %q", tc.name, tc.function, got, tc.want)
		}
	}
}

// TestFixed: entries go on under the fixed target whatever the logger's
// name, through With too, and the level is decided by the inner core.
func TestFixed(t *testing.T) {
	inner, logs := observer.New(zapcore.InfoLevel)
	log := zap.New(Fixed(inner, "dynamo_runtime::logging")).Named("other")
	log.Info("one")
	log.With(zap.Int("k", 1)).Warn("two")
	log.Debug("dropped by the inner core's level")
	got := logs.All()
	if len(got) != 2 {
		t.Fatalf("%d entries, want 2: %v", len(got), got)
	}
	for _, e := range got {
		if e.LoggerName != "dynamo_runtime::logging" {
			t.Errorf("%q under %q, want dynamo_runtime::logging", e.Message, e.LoggerName)
		}
	}
	if len(got[1].Context) != 1 || got[1].Context[0].Key != "k" {
		t.Errorf("With's field lost: %v", got[1].Context)
	}
}
