// Package waterfall rebuilds the spans of a request from the span events
// that services log in Dynamo's JSONL layout (SPAN_FIRST_ENTRY, or the 2025
// guide's SPAN_CREATED, and SPAN_CLOSED) and draws them as a waterfall: one row per span, indented by its
// depth in the tree, with a bar placed and scaled on the trace's time line
// and the span's busy and idle times. It is what `dynlog demo` and
// `dynlog trace` print, and it needs no tracing backend.
//
//	var b waterfall.Builder
//	err := b.Read(logfile.Open(ctx, files, os.Stdin)) // lines that are not JSON objects are counted and skipped
//	for _, t := range b.Traces() {
//		waterfall.Render(os.Stdout, t, waterfall.Options{Width: 40})
//	}
//
// # How spans are rebuilt
//
// A span is identified by its trace_id and span_id; lines of several files
// (several services) join when they share them, and parent_id links a span
// to its parent, across services too. Timing comes from the lines:
//
//   - SPAN_CLOSED carries time.duration_us, time.busy_us and time.idle_us;
//     its line time is the close time.
//   - The span starts at its SPAN_FIRST_ENTRY (or SPAN_CREATED) line's time
//     when there is one,
//     else at the close time minus the duration.
//   - A span with no SPAN_CLOSED (still running, or its service died) is
//     kept and marked open: it starts at its opening event (or its first
//     line) and is drawn to the end of the trace. Nothing is dropped.
//   - A span whose parent is not in the lines read (a service whose file
//     was not given) becomes a root of its trace, and says so. Parent links
//     that loop (only a hostile file makes them) are cut.
//
// Roots and children are ordered by start time, then span_id, so the same
// lines always give the same picture. A trace lasts from its first span's
// start to the last close, or the last line in it, whichever is later.
//
// Lines are read and decoded by package logfile, which is tolerant, as the
// input may be anything: a line that is not a JSON object (or longer than
// logfile.MaxLineSize) is skipped and counted, a key of the wrong type is
// treated as absent, a line without trace_id and span_id plays no part.
// Text taken from the lines is cleaned of control characters before it is
// drawn, so a log cannot drive the terminal.
package waterfall
