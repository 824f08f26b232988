package filter_test

import (
	"fmt"
	"os"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func exampleLogger(f *filter.Filter) *zap.Logger {
	inner := zapcore.NewCore(encoder.NewVLLM(encoder.WithBareMessages()), zapcore.AddSync(os.Stdout), zapcore.Level(-128))
	return zap.New(filter.NewCore(inner, f))
}

// Per-target levels: the longest matching target wins, the default applies
// to the rest.
func ExampleParse() {
	f, err := filter.Parse("warn,dynamo_runtime=debug,dynamo_runtime::pipeline=error,h2=loud")
	if err != nil {
		fmt.Println(err) // the bad directive is named; the rest is in force
	}
	log := exampleLogger(f)
	filter.Named(log, "dynamo_runtime::discovery").Debug("discovery debug: printed")
	filter.Named(log, "dynamo_runtime::pipeline").Warn("pipeline warn: dropped")
	log.Named("dynamo_llm").Info("llm info: dropped")
	log.Named("dynamo_llm").Warn("llm warn: printed")
	// Output:
	// filter: ignoring directive "h2=loud": unknown level "loud" (want off, error, warn, info, debug, trace or 0-5)
	// discovery debug: printed
	// llm warn: printed
}

// An Atomic swaps the filter while loggers run, as a SIGHUP or a PUT to its
// HTTP handler would.
func ExampleAtomic() {
	a := filter.NewAtomic(filter.New(filter.Directive{Level: zapcore.InfoLevel}))
	inner := zapcore.NewCore(encoder.NewVLLM(encoder.WithBareMessages()), zapcore.AddSync(os.Stdout), zapcore.Level(-128))
	log := filter.Named(zap.New(filter.NewAtomicCore(inner, a)), "router")

	log.Debug("before: dropped")
	f, _ := filter.Parse("info,router=debug")
	a.Store(f)
	log.Debug("after: printed")
	fmt.Println(a.Load())
	// Output:
	// after: printed
	// info,router=debug
}

// vLLM's suppress_logging: drop everything at or below a level while fn runs.
func ExampleSuppressed() {
	log := exampleLogger(filter.New(filter.Directive{Level: zapcore.DebugLevel}))
	filter.Suppressed(zapcore.WarnLevel, func() {
		log.Warn("warn: dropped")
		log.Error("error: printed")
	})
	log.Info("info: printed again")
	// Output:
	// error: printed
	// info: printed again
}

// Span directives widen the filter inside the spans they name: here debug
// lines of any target inside an http-request span, and trace lines of
// dynamo_llm targets inside handle_payload. The spans come from the call
// (tracing.Ctx makes this field) or from the logger's With.
func ExampleParse_spanDirectives() {
	f, _ := filter.Parse("info,[http-request]=debug,dynamo_llm[handle_payload]=trace")
	log := exampleLogger(f)
	request := &vocab.Spans{Chain: []vocab.Span{{Name: "http-request"}}}
	payload := &vocab.Spans{Chain: []vocab.Span{{Name: "http-request"}, {Name: "handle_payload"}}}

	frontend := filter.Named(log, "dynamo_runtime::http")
	frontend.Debug("frontend debug outside a span: dropped")
	frontend.Debug("frontend debug in http-request: printed", vocab.SpansField(request))
	frontend.Log(zapcore.DebugLevel-1, "frontend trace in handle_payload: dropped", vocab.SpansField(payload))

	worker := filter.Named(log, "dynamo_llm::preprocessor").With(vocab.SpansField(payload))
	worker.Log(zapcore.DebugLevel-1, "worker trace in handle_payload: printed")
	// Output:
	// frontend debug in http-request: printed
	// worker trace in handle_payload: printed
}
