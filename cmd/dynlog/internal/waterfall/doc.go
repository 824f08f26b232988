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
//     was not given, or a parent_id of another trace) becomes a root of its
//     trace, and says so (ParentMissing).
//   - Parent links that loop (only a broken or hostile file makes them: a
//     span its own parent, or A's parent B and B's A, of any length) are
//     cut at the loop's span that starts first, then by span_id: that span
//     becomes a root and says so (ParentLoop, "parent_loop" in the JSON);
//     the rest of the loop, and the spans hanging from it, stay under
//     their parents.
//
// Roots and children are ordered by start time, then span_id, so the same
// lines always give the same picture. Rebuilding takes time in proportion
// to the spans (n log n for the sort), whatever the parent links, and no
// recursion: a chain a million spans deep is drawn, indented at most 24
// levels.
//
// Builder.Max bounds the spans held, for input of any size: past it, the
// Builder keeps the spans that start first and counts the lines of the
// others in Stats.Dropped. Parents start before their children, so what
// is kept is mostly whole subtrees; a span whose parent was dropped is
// drawn as a root, its parent missing. A trace lasts from its first span's
// start to the last close, or the last line in it, whichever is later.
//
// Lines are read and decoded by package logfile, which is tolerant, as the
// input may be anything: a line that is not a JSON object (or longer than
// logfile.MaxLineSize) is skipped and counted, a key of the wrong type is
// treated as absent, a line without trace_id and span_id plays no part.
// Text taken from the lines is cleaned of control characters before it is
// drawn, so a log cannot drive the terminal.
package waterfall
