package target

import (
	"testing"

	"go.uber.org/zap/zapcore"
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
