package tracing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel/propagation"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// A worker picks up the caller's trace from a message's headers, starts its
// own span, and logs inside it: the line repeats the caller's trace_id, names
// the caller's span as parent_id and carries x_request_id. The worker's own
// span_id is random, so the example prints only the keys that are not.
func ExampleCtx() {
	var out bytes.Buffer
	inner := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(&out), zapcore.DebugLevel)
	log := zap.New(tracing.NewCore(inner)).Named("worker")

	headers := propagation.MapCarrier{
		"traceparent":  "00-425ef761ca5b44c795b4c912f1d84b39-6959a1b2d1ee41a5-01",
		"x-request-id": "req-42",
	}
	ctx := tracing.Extract(context.Background(), headers)
	ctx, span := tracing.Start(tracing.WithLogger(ctx, log), "handle_payload", zap.String("endpoint", "generate"))
	log.Info("generating", tracing.Ctx(ctx))
	span.End()

	var line map[string]any
	if err := json.Unmarshal(out.Bytes(), &line); err != nil {
		panic(err)
	}
	for _, key := range []string{"message", "span_name", "trace_id", "parent_id", "x_request_id", "endpoint"} {
		fmt.Printf("%s=%v\n", key, line[key])
	}
	// Output:
	// message=generating
	// span_name=handle_payload
	// trace_id=425ef761ca5b44c795b4c912f1d84b39
	// parent_id=6959a1b2d1ee41a5
	// x_request_id=req-42
	// endpoint=generate
}

// Inject writes what Extract read, for the next hop: an HTTP request's
// headers (Transport does this for net/http) or a message plane's metadata.
// Here ctx holds the caller's span as Extract found it, so the traceparent
// goes on unchanged; inside a span started with Start it would name that
// span instead.
func ExampleInject() {
	in := propagation.MapCarrier{
		"traceparent":  "00-425ef761ca5b44c795b4c912f1d84b39-6959a1b2d1ee41a5-01",
		"x-request-id": "req-42",
		"request-id":   "0b7c5a0e-3f1d-4a59-9a51-2a3f0e6b9c11",
	}
	ctx := tracing.Extract(context.Background(), in)

	out := propagation.MapCarrier{}
	tracing.Inject(ctx, out)
	for _, key := range []string{"traceparent", "x-request-id", "request-id"} {
		fmt.Printf("%s: %s\n", key, out.Get(key))
	}
	// Output:
	// traceparent: 00-425ef761ca5b44c795b4c912f1d84b39-6959a1b2d1ee41a5-01
	// x-request-id: req-42
	// request-id: 0b7c5a0e-3f1d-4a59-9a51-2a3f0e6b9c11
}
