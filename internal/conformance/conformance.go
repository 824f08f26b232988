// Package conformance is one table of log entries and the exact bytes each
// layout must print for them, colour on and off. The encoder tests run it
// against the three encoders; the core tests run it through the presets.
// In the manner of log/slog's slogtest: the table is the specification in
// executable form, and any implementation of the layouts can be held to it.
package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Layout names a layout and its colour.
type Layout string

// The layouts a case gives bytes for.
const (
	JSONL         Layout = "jsonl"
	Readable      Layout = "readable"
	ReadableColor Layout = "readable+color"
	VLLM          Layout = "vllm"
	VLLMColor     Layout = "vllm+color"
)

// Layouts lists every layout, in a fixed order.
var Layouts = []Layout{JSONL, Readable, ReadableColor, VLLM, VLLMColor}

// Encoder returns a fresh encoder for l, UTC timestamps.
func Encoder(l Layout) zapcore.Encoder {
	switch l {
	case JSONL:
		return encoder.NewJSONL()
	case Readable:
		return encoder.NewReadable()
	case ReadableColor:
		return encoder.NewReadable(encoder.WithColor(true))
	case VLLM:
		return encoder.NewVLLM(encoder.WithLocation(time.UTC))
	case VLLMColor:
		return encoder.NewVLLM(encoder.WithLocation(time.UTC), encoder.WithColor(true))
	}
	panic(fmt.Sprintf("conformance: unknown layout %q", l))
}

// Case is one entry, the context it is logged with, and what each layout
// prints for it.
type Case struct {
	Name    string
	Entry   zapcore.Entry
	Context []zap.Field // added with With before the entry is written
	Fields  []zap.Field
	Want    map[Layout]string
}

// CaseWant is a case's bytes per layout; wants.go holds them apart from the
// entries so that each can be read on its own.
type CaseWant = map[Layout]string

// Time is the instant every case is logged at.
var Time = time.Date(2025, 9, 2, 16, 38, 6, 656503999, time.UTC)

// File and Line are the call site every case with a caller has.
const (
	File = "/src/router/main.go"
	Line = 42
)

func entry(l zapcore.Level, name, msg string) zapcore.Entry {
	return zapcore.Entry{Level: l, Time: Time, LoggerName: name, Message: msg,
		Caller: zapcore.EntryCaller{Defined: true, File: File, Line: Line, Function: "github.com/acme/router.(*Server).route"}}
}

type user struct {
	Name string
	ID   int64
}

func (u user) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("name", u.Name)
	enc.AddInt64("id", u.ID)
	return nil
}

type stringer struct{}

func (stringer) String() string { return "stringer <ok>" }

// Write logs c through a core with enc, as a logger does, and returns nothing;
// the bytes go to ws.
func Write(c Case, enc zapcore.Encoder, ws zapcore.WriteSyncer) {
	var core zapcore.Core = zapcore.NewCore(enc, ws, zapcore.Level(math.MinInt8))
	if len(c.Context) > 0 {
		core = core.With(c.Context)
	}
	if ce := core.Check(c.Entry, nil); ce != nil {
		ce.Write(c.Fields...)
	}
}

var errRefused = errors.New("connection refused")

// Cases is the table.
var Cases = []Case{
	{Name: "static info", Entry: entry(zapcore.InfoLevel, "dynamo_llm::kv_router", "selected worker")},
	{Name: "trace", Entry: entry(levels.Trace, "t", "deep")},
	{Name: "debug", Entry: entry(zapcore.DebugLevel, "t", "d")},
	{Name: "warn", Entry: entry(zapcore.WarnLevel, "t", "w")},
	{Name: "error", Entry: entry(zapcore.ErrorLevel, "t", "e")},
	{Name: "dpanic is error or critical", Entry: entry(zapcore.DPanicLevel, "t", "c")},
	{Name: "fatal is error or critical", Entry: entry(zapcore.FatalLevel, "t", "c")},
	{Name: "unnamed logger: target is the caller's package", Entry: entry(zapcore.InfoLevel, "", "hi")},
	{Name: "no caller, no name", Entry: zapcore.Entry{Level: zapcore.InfoLevel, Time: Time, Message: "bare"}},
	{Name: "empty message", Entry: entry(zapcore.InfoLevel, "t", "")},
	{Name: "scalar fields", Entry: entry(zapcore.InfoLevel, "t", "scalars"), Fields: []zap.Field{
		zap.String("s", `say "hi"\now`), zap.Int("i", -7), zap.Uint64("u", 18446744073709551615),
		zap.Bool("ok", true), zap.Float64("one", 1), zap.Float64("half", 0.5), zap.Float64("big", 1e16),
		zap.Float64("tiny", 1.5e-7), zap.Float64("nan", math.NaN()), zap.Float32("f32", 0.1),
	}},
	{Name: "string escapes", Entry: entry(zapcore.InfoLevel, "t", "esc"), Fields: []zap.Field{
		zap.String("ctl", "a\tb\nc\rd\x00e\x1bf\x7fg\u0085h</>&\u00e9\U0001F600"),
		zap.String("bad", "x\xffy"),
	}},
	{Name: "other fields", Entry: entry(zapcore.InfoLevel, "t", "others"), Fields: []zap.Field{
		zap.Duration("took", 1500*time.Millisecond), zap.Time("at", time.Date(2025, 9, 2, 1, 2, 3, 400, time.UTC)),
		zap.Error(errRefused), zap.ByteString("raw", []byte("bytes")), zap.Binary("bin", []byte{0, 1, 2}),
		zap.Stringer("str", stringer{}), zap.Complex128("c", complex(1, -2)),
	}},
	{Name: "structured fields", Entry: entry(zapcore.InfoLevel, "t", "structs"), Fields: []zap.Field{
		zap.Object("user", user{"ana", 7}), zap.Ints("ids", []int{3, 1, 2}),
		zap.Strings("tags", []string{"a", "b"}), zap.Any("m", map[string]int{"z": 1, "a": 2}),
		zap.Objects("users", []user{{"x", 1}, {"y", 2}}),
	}},
	{Name: "strings keep their type; JSON values are JSON", Entry: entry(zapcore.InfoLevel, "t", "types"), Fields: []zap.Field{
		zap.String("id", "42"), zap.ByteString("q", []byte(`{"b":1}`)),
		encoder.JSON("params", `{"stream": true, "max_tokens": 64}`), zap.Any("raw", json.RawMessage("[1, 2.50]")),
		encoder.JSON("bad", "{x"),
	}},
	{Name: "namespace", Entry: entry(zapcore.InfoLevel, "t", "ns"), Fields: []zap.Field{
		zap.String("before", "b"), zap.Namespace("req"), zap.String("id", "r1"), zap.Int("n", 2),
	}},
	{Name: "duplicate keys: last wins in JSONL", Entry: entry(zapcore.InfoLevel, "t", "dup"), Fields: []zap.Field{
		zap.String("k", "first"), zap.Int("a", 1), zap.String("k", "second"),
	}},
	{Name: "head keys as fields", Entry: entry(zapcore.InfoLevel, "t", "heads"), Fields: []zap.Field{
		zap.String("message", "m"), zap.String("level", "l"), zap.Int("line", 9), zap.String("time", "now"),
	}},
	{Name: "sorting is byte-wise", Entry: entry(zapcore.InfoLevel, "t", "sort"), Fields: []zap.Field{
		zap.Int("b", 1), zap.Int("B", 2), zap.Int("a.b", 3), zap.Int("a_b", 4), zap.Int("a", 5), zap.Int("\u00e9", 6),
	}},
	{Name: "context and fields", Entry: entry(zapcore.InfoLevel, "svc", "ctx"),
		Context: []zap.Field{zap.String("component", "router"), zap.String("k", "ctx"), zap.Int("z", 26)},
		Fields:  []zap.Field{zap.String("k", "call"), zap.Int("a", 1)},
	},
	{Name: "message with newlines and controls", Entry: entry(zapcore.WarnLevel, "t", "line one\nline \x1b[31mtwo\x07\u0090 \xff end\n")},
	{Name: "bridged record", Entry: entry(zapcore.InfoLevel, "log", "from python"), Fields: []zap.Field{
		zap.String("log.target", "main.init"), zap.Int("log.line", 191), zap.String("log.file", "/opt/app/main.py"), zap.Int("n", 1),
	}},
	{Name: "spans", Entry: entry(zapcore.DebugLevel, "dynamo_llm::kv_router", "routing"), Fields: []zap.Field{
		zap.String("worker", "decode-0"), zap.String("endpoint", "event"),
		vocab.SpansField(&vocab.Spans{
			TraceID: "425ef761ca5b44c795b4c912f1d84b39", SpanID: "b035f33bdd5c4b50", ParentID: "6959a1b2d1ee41a5",
			XRequestID: "req-1", RequestID: "8372eac7-5f43-4d76-beca-0a94cfb311d0",
			Chain: []vocab.Span{
				{Name: "http-request", Fields: []zap.Field{zap.String("method", "POST")}},
				{Name: "handle_payload", Fields: []zap.Field{zap.String("endpoint", "generate"), zap.Int64("instance_id", 75)}},
			},
		}),
	}},
	{Name: "stack", Entry: func() zapcore.Entry {
		e := entry(zapcore.ErrorLevel, "t", "failed")
		e.Stack = "main.main\n\t/src/main.go:10"
		return e
	}()},
}
