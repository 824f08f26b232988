// Package tracing puts OpenTelemetry trace context in zap lines the way
// NVIDIA Dynamo does: trace_id, span_id, parent_id and
// x_request_id on every line inside a request, SPAN_FIRST_ENTRY and
// SPAN_CLOSED lifecycle events with busy, idle and total microseconds, W3C propagation
// between services; package tracing/otlp exports the same spans over OTLP.
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
// innermost span's own fields as strings; in the readable layout the chain of
// span names before the target and every span's fields after the line's. The
// IDs are the OpenTelemetry span's, so they match what an exporter sends.
// Outside any span the field prints nothing. Spans started directly through
// the OpenTelemetry API work too; on a provider with this package's span
// processor ([NewSpanProcessor]; the local provider and tracing/otlp's have
// it) their names, chains and fields are known, on others only their IDs and
// name.
//
// A span's keys are computed once, when it starts, so [Ctx] costs a context
// lookup and allocates nothing.
//
// Logger(ctx) puts them on every line instead: it is the logger [WithLogger]
// put in the context (else zap.L()) bound to the span of ctx, so a handler
// behind [Middleware] that logs through Logger(r.Context()) has the request's
// trace_id and x_request_id on each line without Ctx, and a span's
// children get their own span's keys under the same logger. Outside a span
// it is the context's logger itself; in one, the bound logger is made once
// and kept with the span.
//
//	log := tracing.Logger(r.Context())
//	log.Info("routing", zap.String("model", model))
//
// Logger(ctx) is Bind(ctx, the context's logger). [Bind] binds any other
// logger the same way: its lines keep that logger's name (their target) and
// filter and carry the span's keys. A line's target is its logger's name,
// and zap joins nested names with ".": under a context logger named
// svc::http, core.Named(tracing.Logger(ctx), "svc::db") (like zap's own
// Named) has the target svc::http.svc::db, which DYN_LOG's svc::db=debug
// does not match. The whole target svc::db is a name given to the unnamed
// root logger; name it once and bind it per request:
//
//	db := core.Named(root, "svc::db")            // root: the logger core.New or core.Init returned
//	tracing.Bind(r.Context(), db).Debug("query") // target svc::db, the request's trace_id
//
// A span keeps the loggers bound to it (up to 8), so binding the same
// logger again allocates nothing. A logger bound to one span and bound to
// another is in the other: package encoder's encoders, the filter and OTLP
// export take the last span put on a logger. Outside a span Bind returns
// the logger unchanged.
//
// # Spans
//
// [Start] (at INFO) and [StartAt] begin a span: an OpenTelemetry span on the
// provider set with [SetTracerProvider] (which an
// [github.com/dynlog/dynlog/tracing/otlp.Provider]'s Install calls), or on a
// local SDK provider that exports nothing when none is set, so that lines
// still carry real IDs. The span is entered when it starts; [Span.Exit] and
// [Span.Enter] carve out the time it waits and Wait(fn) runs fn as waiting
// time; End closes it. With span events on, SPAN_FIRST_ENTRY is written at
// Start (its first entry) and SPAN_CLOSED at End, with integer time.busy_us,
// time.idle_us and time.duration_us, where busy + idle = duration exactly
// (each truncated to microseconds, idle the difference). Events are written
// at the span's level, with its call site (Start's caller) and its target,
// through the logger of the context ([WithLogger]) or zap.L(), so the filter
// passes or drops them like any line. End a span with [Span.End]: ending its
// OpenTelemetry span directly (trace.SpanFromContext(ctx).End()) ends the
// export but writes no SPAN_CLOSED.
//
// Spans made through the OpenTelemetry API get events from the span
// processor: INFO, no call site, their attributes at start as fields, busy
// for their whole duration. Spans the sampler drops are not recorded by the
// SDK: Start still logs their IDs and events, the processor never sees
// them.
//
// # Span events: on, off, and in which form
//
// [NewCore] wraps a logger's core with the form of span events its loggers
// print, given by [WithSpanEvents] ([github.com/dynlog/dynlog/core.New]
// builds it in from DYN_LOGGING_SPAN_EVENTS and
// DYN_LOGGING_SPAN_EVENTS_LAYOUT):
//
//   - [EventsOff]: none, today's Dynamo default.
//   - [EventsDynamo]: SPAN_FIRST_ENTRY and SPAN_CLOSED, as above (a logger
//     without a tracing core prints these).
//   - [EventsReadable]: tracing-subscriber's, as Dynamo's readable layout
//     prints them: SPAN_FIRST_ENTRY under the target span_event (filtered,
//     though, under the span's target, as the close is), and at the end
//     "close time.busy=29.6µs time.idle=25.7µs" under the span's target,
//     each duration in ns, µs, ms or s with 2 decimals below 10, 1 below
//     100 and none below 1000 of its unit.
//   - [Events2025]: the layout of Dynamo's 2025 logging guide, SPAN_CREATED
//     at the start instead of SPAN_FIRST_ENTRY.
//
// Spans look the form up when they start, in O(1): the filter, once-only
// and tracing cores each hold what the cores inside them hold, so the
// logger's core answers, or one Unwrap step in from a core of the module
// around it. With events off a span then writes and formats nothing.
// Behind a wrapper that hides these cores (zap.Hooks, zap's sampler, a
// tee) a span does not look: it writes its events, and each tracing core
// rewrites the events that pass through it into its own form or drops
// them, so a logger whose core is a tee of several (a readable console and
// a JSONL file) prints each sink's form.
//
// # Propagation
//
// [Middleware] serves each HTTP request in a root span named http-request (of
// server kind for OpenTelemetry), with the fields method, uri, version,
// x_request_id and request_id, as Dynamo's frontend does; give the server its
// logger with BaseContext and [WithLogger]. The span's events go under that
// logger's name, or, when it has none, under the service name its tracing
// core was given ([WithServiceName]; core.New gives OTEL_SERVICE_NAME), else
// the program's name, never the calling package;
// MiddlewareWith(next, WithTarget("frontend")) names the target outright, and
// dynlog trace shows the service by it. The exported span also tells the
// trace store how the request went, in OpenTelemetry's HTTP semantic
// conventions: http.response.status_code, http.response.body.size, and for a
// 5xx error.type and the status Error (the lines do not change). The uri
// field keeps the query string unless [WithoutQuery] drops it (tokens and
// API keys travel there); [WithRequestIDEcho] writes the kept x-request-id
// into the response, never one that failed the check below.
//
// [Transport] sends the trace on with outbound calls, and [Inject] and
// [Extract] do the same over any
// [go.opentelemetry.io/otel/propagation.TextMapCarrier], such as
// [go.opentelemetry.io/otel/propagation.MapCarrier] for the headers of a
// message. Four headers travel: traceparent (W3C; version 00 on the way out,
// flags reduced to the sampled bit), tracestate (raw, at most 4096 bytes, and
// only with a valid traceparent), x-request-id (printable ASCII, at most 256
// bytes) and request-id (a UUID; a new v4 one when it is absent or invalid,
// so every request has one). A worker's span therefore shares the caller's
// trace_id, has the caller's span as its parent_id and repeats x_request_id
// and request_id. A header that fails its check is dropped without a line,
// and a bad traceparent starts a new trace: the request is always served.
// Values reach the lines escaped by the encoders, and a tracestate that is
// not a plain-ASCII HTTP field value is not sent on, so a hostile inbound
// value cannot break an outbound call. Transport starts no client span: start
// one around a call that deserves a name. Request data stored by Extract
// inside a span wins over the span's.
//
// # What it imports
//
// This package is what every traced program imports, so it keeps to spans,
// their context and their propagation: it links the OpenTelemetry API and
// trace SDK, never gRPC nor an OTLP exporter. OTLP export of spans and log
// lines, the provider that does it and the reports of its failures are
// package tracing/otlp's, which package core's StartTracing and Init use;
// vLLM's call tracing (VLLM_TRACE_FUNCTION) is package tracing/calltrace's.
//
// # Process-wide state
//
// The package reads no environment: what it needs comes from options. Its
// globals are those OpenTelemetry's API makes global too. [Start] takes a
// context, not a provider, so the provider it starts spans on is one per
// process ([SetTracerProvider]; until then a local SDK provider, made on
// first use). Spans started through the OpenTelemetry API by other
// libraries reach [Ctx] and [Logger] by their span context alone, so the
// span processor keeps their records in one process-wide map from their
// start to their end. Tests of this package replace the clock of span
// times; programs never do.
package tracing
