package tracing

import (
	"sync"
	"sync/atomic"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
)

// tracerOf pairs a provider with the tracer Start takes from it, so that
// Start does not ask the provider for its tracer on every span.
type tracerOf struct {
	provider trace.TracerProvider
	tracer   trace.Tracer
}

// current is the provider SetTracerProvider gave, nil until then; the
// local provider is made on first use when it was never called. Global as
// OpenTelemetry's own provider is: Start takes a context, not a provider.
var (
	current      atomic.Pointer[tracerOf]
	localOnce    sync.Once
	localTracers *tracerOf
)

// SetTracerProvider makes [Start] create its spans on tp. Give it your own
// OpenTelemetry SDK provider (with [NewSpanProcessor] registered, so spans
// made by other libraries get events too) if you have one; the Install of
// package tracing/otlp's Provider calls it. Until it is called, Start uses a local SDK
// provider that samples every trace and exports nothing, so that lines
// still get real trace and span IDs.
func SetTracerProvider(tp trace.TracerProvider) {
	current.Store(&tracerOf{provider: tp, tracer: tp.Tracer(ScopeName)})
}

// TracerProvider is the provider [Start] creates spans on.
func TracerProvider() trace.TracerProvider { return tracers().provider }

func currentTracer() trace.Tracer { return tracers().tracer }

func tracers() *tracerOf {
	if t := current.Load(); t != nil {
		return t
	}
	localOnce.Do(func() {
		tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(NewSpanProcessor()))
		localTracers = &tracerOf{provider: tp, tracer: tp.Tracer(ScopeName)}
	})
	return localTracers
}
