package encoder_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// panicObject writes a field, then panics: a bug in the caller's
// marshaler.
type panicObject struct{}

func (panicObject) MarshalLogObject(e zapcore.ObjectEncoder) error {
	e.AddString("half", "written")
	e.OpenNamespace("ns")
	e.AddInt("deeper", 1)
	panic("boom")
}

type panicJSON struct{}

func (panicJSON) MarshalJSON() ([]byte, error) { panic("json boom") }

// wrapsPanic holds a panicking object and hands its error on.
type wrapsPanic struct{}

func (wrapsPanic) MarshalLogObject(e zapcore.ObjectEncoder) error {
	e.AddString("before", "x")
	if err := e.AddObject("inner", panicObject{}); err != nil {
		return err
	}
	e.AddString("after", "y")
	return nil
}

// TestMarshalerPanics: a marshaler, an array marshaler, a MarshalJSON or an
// inline marshaler that panics, at the top or inside another value, costs
// its field: written null (an inline one writes nothing), with the panic
// beside it as <key>Error, "PANIC=…", as zap writes a panicking Error
// method; the line and the fields around it are written whole, in every
// layout, as a line's fields and as a context's (With).
func TestMarshalerPanics(t *testing.T) {
	ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		LoggerName: "t", Caller: caller("/src/app/main.go", 42), Message: "m"}
	fields := []zap.Field{
		zap.String("k1", "v1"),
		zap.Object("o", panicObject{}),
		zap.Array("a", zapcore.ArrayMarshalerFunc(func(e zapcore.ArrayEncoder) error {
			e.AppendInt(1)
			panic(errors.New("array boom"))
		})),
		zap.Reflect("r", panicJSON{}),
		zap.Object("w", wrapsPanic{}),
		zap.Inline(panicObject{}),
		zap.String("k2", "v2"),
	}
	const text = ` k1="v1" o=null oError="PANIC=boom" a=null aError="PANIC=array boom" r=null rError="PANIC=json boom" w=null wError="PANIC=boom" Error="PANIC=boom" k2="v2"` + "\n"
	for _, tc := range []struct {
		name string
		enc  zapcore.Encoder
		want string
	}{
		{"jsonl", encoder.NewJSONL(), `{"time":"2026-01-02T03:04:05.000000Z","level":"INFO","file":"/src/app/main.go","line":42,"target":"t","message":"m",` +
			`"Error":"PANIC=boom","a":null,"aError":"PANIC=array boom","k1":"v1","k2":"v2","o":null,"oError":"PANIC=boom","r":null,"rError":"PANIC=json boom","w":null,"wError":"PANIC=boom"}` + "\n"},
		{"readable", encoder.NewReadable(encoder.WithColor(false)), "2026-01-02T03:04:05.000000Z  INFO t: m" + text},
		{"vllm", encoder.NewVLLM(encoder.WithColor(false), encoder.WithLocation(time.UTC)), "INFO 01-02 03:04:05 [main.go:42] m" + text},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := encode(t, tc.enc, ent, fields...); got != tc.want {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
			// The same fields but the last two as context: a logger's With.
			ctx := tc.enc.Clone()
			for _, f := range fields[:5] {
				f.AddTo(ctx)
			}
			want := strings.NewReplacer(`"Error":"PANIC=boom",`, "", `"k2":"v2",`, "", ` Error="PANIC=boom" k2="v2"`, "").Replace(tc.want)
			if got := encode(t, ctx, ent); got != want {
				t.Errorf("With:\n got %q\nwant %q", got, want)
			}
		})
	}
}
