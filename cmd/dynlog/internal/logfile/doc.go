// Package logfile reads log files line by line for dynlog's command-line
// tools (view, validate, trace) and decodes Dynamo JSONL lines
// into Records.
//
// A Reader yields the lines of one stream or of many files in turn, each
// with its file name and 1-based line number:
//
//	r := logfile.Open(ctx, []string{"a.jsonl", "-"}, os.Stdin)
//	for r.Next() {
//		l := r.Line()
//		rec, err := logfile.Decode(l.Bytes)
//		…
//	}
//	if err := r.Err(); err != nil { … } // files that could not be read
//
// # The rules
//
//   - A line ends at "\n"; a "\r" before it is dropped (CRLF), and a last
//     line without "\n" is still a line. Bytes are handed over as they are:
//     invalid UTF-8 and NULs are the caller's to judge, never a panic.
//   - A line longer than MaxLineSize is not read into memory: the Reader
//     keeps its first MaxLineSize bytes, marks it TooLong and skips the rest
//     (counted in its Length), so a hostile file cannot make it allocate
//     without bound.
//   - A file whose name ends in ".gz" (a compressed backup) is read
//     through gzip, to its end: it is never followed; one that is not gzip
//     is reported.
//   - A file that cannot be opened or read is reported (Err, WithErrorFunc)
//     and the Reader goes on with the next one.
//   - With WithFollow the Reader does not stop at the end of the last file:
//     it polls it for growth, as tail -F does, until the context is done,
//     and waits for it if it does not exist yet (then reads first the
//     backups rotated while it waited). A file renamed away (rotated) is
//     read to its end, what was written to it up to the rename included,
//     then the backups rotated after it in lumberjack's naming
//     (NAME-TIME.EXT, as dynlog's file output writes; through gzip as
//     NAME-TIME.EXT.gz once compressed, known by the modification time
//     compression keeps and the length its gzip trailer gives), however
//     many rotations came between two looks, then the new file. A file
//     truncated (copytruncate) is read again from its start, after the
//     lines it held past the last read are read from the copy beside it,
//     found by the bytes last read; only one copy per poll interval is
//     found. Each file's line numbers start at 1.
//
// Decode is tolerant: any JSON object decodes, and a known key with a value
// of the wrong type is kept among Fields rather than failing the line.
package logfile
