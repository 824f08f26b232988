// Package otlp exports the spans of package tracing, and log lines, over
// OTLP, and reports export failures once rather than on every batch. It is
// apart from package tracing because of what it links: the OTLP exporters
// and gRPC, which a program that only puts trace IDs in its lines does not
// need. Package core/service's StartTracing and Init use it; most programs
// never import it themselves.
//
// # Provider
//
// [NewProvider] builds the OpenTelemetry SDK provider from an [ExportConfig]
// (package core/config reads it from the OTEL_* variables): resource service.name
// (default "dynamo"), a parent-based ratio sampler when a ratio is given,
// tracing's span processor, and, when enabled, an OTLP exporter over gRPC
// (default, http://localhost:4317) or HTTP/protobuf behind a batch processor.
// Making a provider changes no process-wide state; its [Provider.Install]
// makes it the provider of [github.com/dynlog/dynlog/tracing.Start] and
// OpenTelemetry's global one, with W3C trace-context and baggage propagators,
// and its reporter OpenTelemetry's error handler. Nothing blocks on the
// network: an unreachable endpoint costs nothing at span end, its failure is
// reported once on the error output, or as a line of the logger
// [SetErrorLogger] names ([github.com/dynlog/dynlog/core/bridge.RedirectOTel] sets
// it), and its recovery once. The error's text, which may quote what the
// collector answered, is escaped and cut so that a report stays one line
// that cannot drive the terminal. [Provider.Shutdown], which flushes, returns
// when its context ends, with every error it met joined. [Provider.LogInit]
// writes Dynamo's "OpenTelemetry OTLP export enabled" (endpoint, service) or
// "... disabled, traces local only" line under dynamo_runtime::logging.
//
// NewProvider takes an [ExportConfig] value rather than functional options,
// on purpose: the value is the whole of one external configuration (the
// OTEL_* variables, a field each), which package core/config resolves once and hands
// over whole, as [go.uber.org/zap.Config] is to zap's options. Everywhere
// else dynlog switches behaviour with functional options
// ([github.com/dynlog/dynlog/core.Option],
// [github.com/dynlog/dynlog/encoder.Option],
// [github.com/dynlog/dynlog/tracing.CoreOption],
// [github.com/dynlog/dynlog/tracing.MiddlewareOption], …).
//
// # Log lines
//
// Log lines can be exported too, off by default. With
// [ExportConfig.LogsEnabled] (package core: OTEL_LOGS_EXPORTER=otlp) the
// provider also makes an OpenTelemetry SDK logger provider with an OTLP log
// exporter (its own endpoint and protocol, /v1/logs for HTTP) behind a batch
// processor, which Install installs; [NewLogExportCore] is the zap core that
// feeds it. Put it beside the encoder's core, inside the tracing and filter
// cores (zapcore.NewTee(ioCore, NewLogExportCore(nil))), so that what the
// filter drops is not exported either. NewLogExportCore(nil) follows the
// provider installed in the process (the one global it reads, beside
// OpenTelemetry's own global logger provider); a logger that exports its
// own lines from the start holds a [LogExport] instead, whose provider can
// be handed over later (package core/service does so for a logger built
// with OTEL_LOGS_EXPORTER=otlp, then at StartTracing). Each line becomes a record with its
// time, message, severity (TRACE to FATAL, with the level text Dynamo
// prints), fields as attributes, call site as code.* attributes and target as
// instrumentation scope; a line in a span
// ([github.com/dynlog/dynlog/tracing.Ctx]) carries the span's trace and span
// IDs as the record's trace context, so a backend shows the span's logs
// beside it. The core is this package's own rather than OpenTelemetry's
// otelzap bridge, which knows neither the span field nor TRACE. Failures are
// reported as for spans, once, apart from them; LogInit then says
// "OpenTelemetry OTLP export enabled (traces and logs)", as newer Dynamo
// does.
package otlp
