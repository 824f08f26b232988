// Package tracing will hold the tracing zapcore.Core that puts OpenTelemetry
// trace context in every line (trace_id, span_id, parent_id, x_request_id),
// spans with SPAN_CREATED / SPAN_CLOSED lifecycle events, W3C and
// x-request-id propagation over HTTP and plain header maps, OTLP export and
// vLLM-style call tracing (DESIGN §9).
//
// Not yet implemented. The encoders already print the span keys, span chain
// and span fields that this core will hand them through encoder.SpansField.
package tracing
