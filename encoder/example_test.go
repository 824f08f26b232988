package encoder_test

import (
	"os"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// A zap core with Dynamo's JSONL layout. Keys after the head are sorted, and
// a later value for a key replaces an earlier one, the context's included.
func ExampleNewJSONL() {
	core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	log := zap.New(core, zap.WithClock(stoppedClock{})).Named("dynamo_llm::kv_router")
	log = log.With(zap.String("worker", "unknown"), zap.Int("attempt", 1))
	log.Info("selected worker", zap.String("worker", "decode-0"), zap.Float64("load", 1))
	// Output:
	// {"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"dynamo_llm::kv_router","message":"selected worker","attempt":1,"load":1.0,"worker":"decode-0"}
}

// Dynamo's readable layout, with the spans a tracing core would attach.
func ExampleNewReadable() {
	core := zapcore.NewCore(encoder.NewReadable(), zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	log := zap.New(core, zap.WithClock(stoppedClock{})).Named("dynamo_llm::kv_router")
	spans := &vocab.Spans{TraceID: "425ef761ca5b44c795b4c912f1d84b39", SpanID: "6959a1b2d1ee41a5",
		Chain: []vocab.Span{{Name: "http-request", Fields: []zap.Field{zap.String("method", "POST")}}}}
	log.Warn("queue is deep", zap.Int("queued", 42), vocab.SpansField(spans))
	// Output:
	// 2025-09-02T16:38:06.656503Z  WARN http-request: dynamo_llm::kv_router: queue is deep queued=42 method="POST"
}

// vLLM's layout with VLLM_LOGGING_PREFIX's prefix. (A multi-line message
// repeats the header on every line after a CR LF, which an Output comment
// cannot show; TestGoldenVLLM checks it against vLLM's own bytes.)
func ExampleNewVLLM() {
	enc := encoder.NewVLLM(encoder.WithPrefix("[node-7] "), encoder.WithLocation(time.UTC))
	core := zapcore.NewCore(enc, zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	log := zap.New(core, zap.WithClock(stoppedClock{}))
	log.Warn("Info with prefix", zap.String("model", "Qwen/Qwen3-0.6B"))
	// Output:
	// [node-7] WARNING 09-02 16:38:06 [unknown:0] Info with prefix model="Qwen/Qwen3-0.6B"
}

// Any zap user can name the layouts in a zap.Config.
func Example_zapConfig() {
	cfg := zap.NewProductionConfig()
	cfg.Encoding = encoder.JSONLName // "dynamo-jsonl"
	cfg.OutputPaths = []string{"stdout"}
	cfg.DisableCaller = true
	log, err := cfg.Build(zap.WithClock(stoppedClock{}))
	if err != nil {
		panic(err)
	}
	log.Named("router").Info("ready", zap.Int("port", 8000))
	// Output:
	// {"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"router","message":"ready","port":8000}
}

type stoppedClock struct{}

func (stoppedClock) Now() time.Time {
	return time.Date(2025, 9, 2, 16, 38, 6, 656503999, time.UTC)
}

func (stoppedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// A string field is a JSON string whatever its text; a value meant as JSON
// is given as one, with encoder.JSON (or zap.Any and a json.RawMessage).
// Text that is not JSON is written as a string.
func ExampleJSON() {
	core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	log := zap.New(core, zap.WithClock(stoppedClock{})).Named("router")
	log.Info("request", zap.String("id", "42"), encoder.JSON("params", `{"stream": true, "max_tokens": 64}`),
		encoder.JSON("partial", `{"cut`))
	// Output:
	// {"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"router","message":"request","id":"42","params":{"max_tokens":64,"stream":true},"partial":"{\"cut"}
}

// WithEmbeddedJSON(true) reproduces Dynamo's bytes: a string field whose
// whole text is JSON is written as that JSON value, as Dynamo re-parses
// every string field.
func ExampleWithEmbeddedJSON() {
	core := zapcore.NewCore(encoder.NewJSONL(encoder.WithEmbeddedJSON(true)), zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	log := zap.New(core, zap.WithClock(stoppedClock{})).Named("router")
	log.Info("request", zap.String("id", "42"), zap.String("model", "Qwen/Qwen3-0.6B"))
	// Output:
	// {"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"router","message":"request","id":42,"model":"Qwen/Qwen3-0.6B"}
}
