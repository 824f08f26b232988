// Package vocab is dynlog's shared vocabulary: the words every other
// package of the module agrees on, in one leaf package that imports only
// zapcore and the standard library, so that naming a level or a span key
// pulls in nothing else.
//
// It holds:
//
//   - the levels: [Trace] below zap's Debug and [Off] above every level zap
//     logs at; the level words each input accepts ([ParseLevel] for
//     DYN_LOG, [ParseVLLMLevel] for VLLM_LOGGING_LEVEL, [ParseRecordLevel]
//     for the "level" of a written record) and the names each layout prints
//     ([DynamoName], [ReadableName], [VLLMName], [FilterName]). Every switch
//     over level names in the module goes through these, so that a level
//     word is spelt in this package only.
//   - the trace context a log line carries to the encoders, the filter, the
//     once-only core and the OTLP export: [Spans] and [Span], attached with
//     [SpansField] under [SpansKey], and the span keys a line prints
//     ([KeySpanName], [KeyTraceID] and the rest).
//   - the keys of a record bridged from a foreign logger ([LogTargetKey],
//     [LogFileKey], [LogLineKey], and [BridgedTarget], the target JSONL
//     prints for it).
//   - the one way a core says what it wraps, [Unwrapper], which every
//     wrapping core of the module implements and every lookup of a core
//     inside another uses.
//   - the span timings of a close event, time.busy and time.idle, as
//     tracing-subscriber prints them ([AppendSpanTiming]), for the tracing
//     core's close events and the CLI's view of them.
//
// Package encoder re-exports the span types as aliases
// ([github.com/dynlog/dynlog/encoder.Spans] is [Spans]), and
// [github.com/dynlog/dynlog/core.TraceLevel] and
// [github.com/dynlog/dynlog/filter.OffLevel] are constants equal to [Trace]
// and [Off].
package vocab
