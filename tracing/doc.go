// Package tracing puts OpenTelemetry trace context in zap lines the way
// NVIDIA Dynamo does (DESIGN §4, §5, §9): trace_id, span_id, parent_id and
// x_request_id on every line inside a request, SPAN_CREATED and SPAN_CLOSED
// lifecycle events with busy, idle and total microseconds, W3C propagation
// between services, and OTLP export of the same spans.
//
//	ctx, span := tracing.Start(ctx, "kv_router.select_worker", zap.Int("workers", n))
//	defer span.End()
//	log.Info("selected worker", tracing.Ctx(ctx), zap.String("worker_id", id))
//
// # Lines
//
// Ctx(ctx) is a field that puts the span of ctx on a line (or on a logger,
// with With): in the JSONL layout the keys span_name, span_id, trace_id and,
// when known, parent_id, tracestate, x_request_id and request_id, plus the
// innermost span's own fields as strings; in the readable layout the chain
// of span names before the target and every span's fields after the line's.
// The IDs are the OpenTelemetry span's, so they match what an exporter
// sends. Outside any span the field prints nothing. Spans started directly
// through the OpenTelemetry API work too; on a provider with this package's
// span processor (NewSpanProcessor; the providers this package makes have
// it) their names, chains and fields are known, on others only their IDs and
// name.
//
// A span's keys are computed once, when it starts, so Ctx costs a context
// lookup and allocates nothing.
//
// # Spans
//
// Start (at INFO) and StartAt begin a span: an OpenTelemetry span on the
// provider set with SetTracerProvider (or NewProvider), or on a local SDK
// provider that exports nothing when none is set, so that lines still carry
// real IDs. The span is entered when it starts; Exit and Enter carve out the
// time it waits and Wait(fn) runs fn as waiting time; End closes it. With
// span events on, SPAN_CREATED is written at Start and SPAN_CLOSED at End,
// with integer time.busy_us, time.idle_us and time.duration_us, where
// busy + idle = duration exactly (each truncated to microseconds, idle the
// difference). Events are written at the span's level, with its call site
// (Start's caller) and its target, through the logger of the context
// (WithLogger) or zap.L(), so the filter passes or drops them like any
// line. Ending the span through the OpenTelemetry API
// (trace.SpanFromContext(ctx).End()) is the same as Span.End.
//
// Spans made through the OpenTelemetry API get events from the span
// processor: INFO, no call site, their attributes at start as fields, busy
// for their whole duration. Spans the sampler drops are not recorded by the
// SDK: Start still logs their IDs and events, the processor never sees
// them.
//
// # Span events on or off
//
// NewCore wraps a logger's core with the switch of DESIGN §8
// (DYN_LOGGING_SPAN_EVENTS: on in JSONL and off in readable unless set);
// core.New builds it in. Spans look the switch up when they start, through
// the cores around it (this module's cores have an Unwrap method), so with
// events off a span writes and formats nothing. A logger without a tracing
// core prints span events.
package tracing
