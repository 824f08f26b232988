package encoder_test

import (
	"errors"
	"io"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The scenarios and their data follow zap's own benchmark suite
// (go.uber.org/zap/benchmarks: zap_test.go, scenario_bench_test.go), so
// that our numbers read against the ones zap publishes:
//
//	TenFields  — zap's BenchmarkAddingFields: ten fields at the call site.
//	TenContext — zap's BenchmarkAccumulatedContext: the same ten fields
//	             added once with With, then a bare message.
//	Static     — zap's BenchmarkWithoutFields: a bare message.
//
// Two differences from zap's suite, both so that ns/op is the cost of one
// call on one core: the loops are sequential (b.Loop), not b.RunParallel,
// and the baselines use zap's stock encoder configs unchanged (zap's suite
// swaps in epoch-nanos times and nanosecond durations for its JSON logger).
//
// The names pair up for internal/tools/benchreport:
// BenchmarkEncoders/<scenario>/<encoder>.

var (
	errExample = errors.New("fail")

	// zap's getMessage(0).
	benchMessage = "Test logging, but use a somewhat realistic message length. (#0)"

	tenInts    = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}
	tenStrings = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	tenTimes   = []time.Time{
		time.Unix(0, 0),
		time.Unix(1, 0),
		time.Unix(2, 0),
		time.Unix(3, 0),
		time.Unix(4, 0),
		time.Unix(5, 0),
		time.Unix(6, 0),
		time.Unix(7, 0),
		time.Unix(8, 0),
		time.Unix(9, 0),
	}
	oneUser = &user{
		Name:      "Jane Doe",
		Email:     "jane@test.com",
		CreatedAt: time.Date(1980, 1, 1, 12, 0, 0, 0, time.UTC),
	}
	tenUsers = users{oneUser, oneUser, oneUser, oneUser, oneUser, oneUser, oneUser, oneUser, oneUser, oneUser}
)

type user struct {
	Name      string
	Email     string
	CreatedAt time.Time
}

var _ zapcore.ObjectMarshaler = (*user)(nil)

func (u *user) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("name", u.Name)
	enc.AddString("email", u.Email)
	enc.AddInt64("createdAt", u.CreatedAt.UnixNano())
	return nil
}

type users []*user

var _ zapcore.ArrayMarshaler = users(nil)

func (uu users) MarshalLogArray(arr zapcore.ArrayEncoder) error {
	var err error
	for _, u := range uu {
		err = errors.Join(err, arr.AppendObject(u))
	}
	return err
}

// fakeFields is zap's fakeFields: the field kinds its benchmarks log. It is
// a function so that each call builds the slice anew, as a call site does.
func fakeFields() []zap.Field {
	return []zap.Field{
		zap.Int("int", tenInts[0]),
		zap.Ints("ints", tenInts),
		zap.String("string", tenStrings[0]),
		zap.Strings("strings", tenStrings),
		zap.Time("time", tenTimes[0]),
		zap.Times("times", tenTimes),
		zap.Object("user1", oneUser),
		zap.Object("user2", oneUser),
		zap.Array("users", tenUsers),
		zap.Error(errExample),
	}
}

// benchEncoders are the encoders compared. zap-json is what
// zap.NewProduction builds; zap-console is what zap.NewDevelopment builds
// (the console encoder with the development config: ISO 8601 times,
// capital levels), the console setup zap documents and the closest to a
// human-readable layout.
var benchEncoders = []struct {
	name string
	new  func() zapcore.Encoder
}{
	{"zap-json", func() zapcore.Encoder { return zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()) }},
	{"dynamo-jsonl", func() zapcore.Encoder { return encoder.NewJSONL() }},
	{"zap-console", func() zapcore.Encoder { return zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()) }},
	{"dynamo-readable", func() zapcore.Encoder { return encoder.NewReadable(encoder.WithColor(false)) }},
	{"vllm", func() zapcore.Encoder { return encoder.NewVLLM(encoder.WithColor(false)) }},
}

// newBenchLogger is the same full logger for every encoder: no caller, no
// stack traces, every level enabled, output discarded.
func newBenchLogger(enc zapcore.Encoder) *zap.Logger {
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(io.Discard), zapcore.DebugLevel))
}

func BenchmarkEncoders(b *testing.B) {
	b.Run("TenFields", func(b *testing.B) {
		for _, e := range benchEncoders {
			b.Run(e.name, func(b *testing.B) {
				logger := newBenchLogger(e.new())
				b.ReportAllocs()
				for b.Loop() {
					logger.Info(benchMessage, fakeFields()...)
				}
			})
		}
	})
	b.Run("TenContext", func(b *testing.B) {
		for _, e := range benchEncoders {
			b.Run(e.name, func(b *testing.B) {
				logger := newBenchLogger(e.new()).With(fakeFields()...)
				b.ReportAllocs()
				for b.Loop() {
					logger.Info(benchMessage)
				}
			})
		}
	})
	b.Run("Static", func(b *testing.B) {
		for _, e := range benchEncoders {
			b.Run(e.name, func(b *testing.B) {
				logger := newBenchLogger(e.new())
				b.ReportAllocs()
				for b.Loop() {
					logger.Info(benchMessage)
				}
			})
		}
	})
}

// BenchmarkJSONLStrings is a line of string fields, half of them holding
// JSON text, in the JSONL layout: by default every one is written as a
// string without looking at its text; with WithEmbeddedJSON(true) each is
// checked and the JSON ones re-parsed, as Dynamo does.
func BenchmarkJSONLStrings(b *testing.B) {
	fields := func() []zap.Field {
		return []zap.Field{
			zap.String("id", "42"),
			zap.String("method", "POST"),
			zap.String("status", "200"),
			zap.String("uri", "/v1/chat/completions"),
			zap.String("params", `{"max_tokens":64,"stream":true}`),
			zap.String("model", "Qwen/Qwen3-0.6B"),
		}
	}
	for _, tc := range []struct {
		name string
		opts []encoder.Option
	}{
		{"default", nil},
		{"embedded", []encoder.Option{encoder.WithEmbeddedJSON(true)}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			logger := newBenchLogger(encoder.NewJSONL(tc.opts...))
			b.ReportAllocs()
			for b.Loop() {
				logger.Info(benchMessage, fields()...)
			}
		})
	}
}
