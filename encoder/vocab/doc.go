// Package vocab is dynlog's shared vocabulary: the words the encoders, the
// filter, the once-only core, the tracing core and the OTLP export agree
// on, in one leaf package (it imports zapcore, the standard library and
// the encoders' slot for a Spans, internal/spancache), so that naming a span
// key pulls in nothing else.
//
// It holds:
//
//   - the trace context a log line carries: [Spans] and [Span], attached
//     with [SpansField] under [SpansKey], and the span keys a line prints
//     ([KeySpanName], [KeyTraceID] and the rest).
//   - the keys of a record bridged from a foreign logger ([LogTargetKey],
//     [LogFileKey], [LogLineKey], and [BridgedTarget], the target JSONL
//     prints for it).
//   - the one way a core says what it wraps, [Unwrapper], which every
//     wrapping core of the module implements and every lookup of a core
//     inside another uses.
//   - the span timings of a close event, time.busy and time.idle, as
//     tracing-subscriber prints them ([AppendSpanTiming]).
//
// The levels are not here: a program names them
// [github.com/dynlog/dynlog/core.TraceLevel] and
// [github.com/dynlog/dynlog/filter.OffLevel], and reads and prints DYN_LOG's
// level words with [github.com/dynlog/dynlog/filter.ParseLevel] and
// [github.com/dynlog/dynlog/filter.LevelName].
package vocab
