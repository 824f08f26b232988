package otlptest

import (
	"context"
	"encoding/hex"
	"sync"

	"go.opentelemetry.io/otel/trace"
)

// FixedIDs is an OpenTelemetry SDK IDGenerator (sdktrace.WithIDGenerator)
// that hands out the IDs it is given, in order: Traces for new roots, each
// with the next of Spans, and Spans for children. It panics when it runs
// out, which only a test that logged more spans than it meant to can do.
type FixedIDs struct {
	mu     sync.Mutex
	Traces []string // 32 hex digits each
	Spans  []string // 16 hex digits each
}

// NewIDs is the next trace ID and the next span ID.
func (g *FixedIDs) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var tid trace.TraceID
	if _, err := hex.Decode(tid[:], []byte(g.Traces[0])); err != nil {
		panic(err)
	}
	g.Traces = g.Traces[1:]
	return tid, g.nextSpan()
}

// NewSpanID is the next span ID.
func (g *FixedIDs) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.nextSpan()
}

func (g *FixedIDs) nextSpan() trace.SpanID {
	var sid trace.SpanID
	if _, err := hex.Decode(sid[:], []byte(g.Spans[0])); err != nil {
		panic(err)
	}
	g.Spans = g.Spans[1:]
	return sid
}
