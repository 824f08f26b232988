// Package encoder provides zapcore.Encoders for the log layouts of NVIDIA
// Dynamo and vLLM, byte for byte:
//
//   - [NewJSONL], registered as "dynamo-jsonl": Dynamo's JSONL, one JSON
//     object per line, keys time, level, file, line, target, message, then
//     every other key sorted byte-wise, each once.
//   - [NewReadable], registered as "dynamo-readable": Dynamo's readable text,
//     "<time> <LEVEL> <spans><target>: <message> name=value…".
//   - [NewVLLM], registered as "vllm": vLLM's text,
//     "<prefix><LEVEL> <MM-DD HH:MM:SS> [<file>:<line>] <message>".
//
// Most users get them from package core ([github.com/dynlog/dynlog/core.New],
// [github.com/dynlog/dynlog/core.NewVLLM]), which also chooses colour, time
// zone and the rest from the environment. Any zap user can pick one by name:
//
//	import _ "github.com/dynlog/dynlog/encoder"
//
//	cfg := zap.NewProductionConfig()
//	cfg.Encoding = "dynamo-jsonl"
//	log, _ := cfg.Build()
//
// or build one with options and hand it to [go.uber.org/zap/zapcore.NewCore]:
//
//	enc := encoder.NewReadable(encoder.WithColor(true), encoder.WithLocation(time.Local))
//	log := zap.New(zapcore.NewCore(enc, zapcore.Lock(os.Stderr), zap.InfoLevel), zap.AddCaller())
//
// Registered by name the layouts take no options: zap's EncoderConfig is
// not consulted, because the layouts are fixed.
//
// The exact bytes of each layout, the references they were checked against
// (Dynamo's and vLLM's own output, rustc for Rust's formatting) and every
// deliberate difference are in docs/layouts.md. The rules a user meets
// first:
//
//   - The target is the logger's name; an unnamed logger's is the import path
//     of the calling package ([go.uber.org/zap.AddCaller] needed). file and
//     line are the caller's.
//   - A record with a string field "log.target" ([vocab.LogTargetKey]) came
//     from a foreign logger (package core's bridges): JSONL prints target
//     "log" with log.file, log.line and log.target; the text layouts use
//     them for the target and the location.
//   - The tracing core hands the spans in scope to the encoders as one
//     field, [vocab.SpansField]: JSONL adds the trace keys and the innermost span's
//     fields, readable prints the span chain and every span's fields, vLLM
//     appends the span fields.
//   - Field types are the caller's: JSONL writes a zap.String or
//     zap.ByteString as a JSON string whatever its text ("id":"42"), so a
//     key keeps one type. [WithEmbeddedJSON](true) re-parses a string whose
//     whole text is JSON ("200" → 200), as Dynamo does with every &str. A
//     value meant as JSON, [JSON] or a json.RawMessage given to zap.Any, is
//     embedded either way.
//   - The span types and the bridged-record keys are package vocab's
//     ([vocab.Spans], [vocab.LogTargetKey]), a leaf shared with the filter,
//     the once-only core and the tracing core.
//   - Nothing a line carries can drive a terminal, forge a line or a
//     field, or turn a line around in the text layouts: controls and
//     bidirectional controls are escaped, names that are not plain words
//     are quoted, Display values cannot break the line.
//   - [WithMaxLineBytes] caps a line (off by default): an oversized message,
//     then the largest values, are cut with a visible marker.
package encoder

// The choices below were made where Dynamo and vLLM give no answer, or
// where copying them would lose data or let a line do harm; docs/layouts.md
// states them for users.
//
//   - A field named like a head key (time, level, file, line, target,
//     message) is printed in JSONL as "fields.<key>", so every key appears
//     once and the head keeps its meaning, as tracing-subscriber's JSON keeps
//     event fields apart.
//   - A stack (zap.AddStacktrace) is the key "stacktrace" in JSONL, sorted
//     with the others; in the text layouts it follows the line, on its own
//     lines (in vLLM each one with the header, as vLLM prints a traceback).
//   - Nested objects keep their keys in call order; only the top level is
//     sorted. zap.Namespace opens a nested object in JSONL and prefixes the
//     names ("ns.key=") in the text layouts.
//   - JSONL writes a zap.String or zap.ByteString as a JSON string by
//     default, though Dynamo's field visitor hands every &str to serde_json
//     and writes the value it parses: a Go string is the caller's string,
//     and a key whose type changed with its value ("id":"x", then "id":42)
//     breaks log stores that give a key one type. With
//     WithEmbeddedJSON(true) it embeds one whose whole text is JSON
//     (RFC 8259, whitespace around it allowed) as that JSON value, as
//     Dynamo does: "123" → 123, " 42 " → 42, "1e2" → 100.0, "-0" → -0.0,
//     `{"b":1,"a":2}` → {"a":2,"b":1}. The value is written back as serde_json writes it:
//     compact, keys sorted byte-wise with the last of equal keys kept,
//     integers within u64/i64 as integers, other numbers as f64 (computed as
//     serde_json computes them), nesting up to serde_json's 127 levels.
//     Anything serde_json rejects stays a string: "[1,", "nan", "01", "1.",
//     "+1", lone surrogate escapes, 1e400 (out of range). Not embedded: the
//     message, span fields (strings in Dynamo's JSONL too), zap.Stringer and
//     zap.Error values (Rust's % Display is recorded as text), strings inside
//     objects, arrays and namespaces (zap's own structure, which Dynamo has
//     no counterpart for). Strings given to With are embedded like the
//     line's own; zap passes them to the encoder without their type, so a
//     zap.Stringer or zap.Error given to With is embedded when its text is
//     JSON. With the setting on, a string whose first non-space byte cannot
//     start JSON costs one byte test and no rejected string allocates; off,
//     the text is not looked at.
//   - A value meant as JSON is embedded whatever WithEmbeddedJSON says, at
//     the top level and nested: [JSON](key, text), and a json.RawMessage
//     (or *json.RawMessage) given to zap.Any. It is written as the embedding
//     above writes it (serde_json's form: keys sorted, numbers re-printed);
//     text that is not one JSON value as serde_json reads it is written as
//     a JSON string of the text, never as a broken line or a null, and a
//     nil json.RawMessage is null. The text layouts print the value as
//     written, compacted, its escapes kept (as encoding/json writes a
//     json.RawMessage): serde_json's form would unescape controls that
//     those layouts must not print raw.
//   - zap.Any on a value with no zap marshaler goes through encoding/json,
//     whose number and escaping rules then apply inside that value.
//   - A field whose value runs the caller's code (zap.Object, zap.Array,
//     zap.Inline, zap.Any through a MarshalJSON) and panics there, at the
//     top or inside another value, costs that field alone: it is written
//     null (zap.Inline writes nothing) with "PANIC=…" beside it as
//     <key>Error, as zap writes a panicking Error or String method, and the
//     line goes on. zap's own encoders let such a panic through; a logging
//     call should not take the program down for a bug in a value. Not
//     caught: a zap.Inline given to With (zap hands it to its marshaler
//     directly).
//   - Durations print as Go writes them ("1.5s"), quoted in JSONL and bare
//     in the text layouts; times as RFC 3339 with nanoseconds.
//   - Text layouts: strings are quoted as Rust's {:?} of a str: \" \\ \n
//     \r \t \0, and \u{…} for each character Rust does not print as is
//     (controls, format characters, unassigned code points, private use,
//     separators other than the space, Grapheme_Extend: "e\u{301}"). Which
//     characters those are comes from rustc 1.95 (Unicode 17.0), not from
//     Go's unicode package (Unicode 15.0): encoder/testdata/rust holds the
//     program that printed the table.
//   - Display values (zap.Error, zap.Stringer: Rust's &dyn Error and %value)
//     are unquoted, escaped like the message, with newlines written \n so
//     that they cannot start a line; a value holding a word of the form
//     " name=…", which would read as a field of its own, is quoted instead.
//     An error or Stringer given to With, which zap adds through the plain
//     string path, is quoted like any string.
//   - A field name is written as given when it is made of letters, digits
//     (any script) and _ . - : # (Rust identifiers, r#type, time.busy, Go
//     names); any other name is quoted like a string ("a b"="v"), so that
//     no name forges a field or a line.
//   - Readable: an empty message leaves one space after the target's colon
//     ("t: k=v"); in colour each span's fields are one dimmed group
//     (" ESC[2m" fields "ESC[0m"), as tracing-subscriber's compact format
//     that Dynamo uses writes them.
//   - Floats: JSONL as serde_json prints them since it went to zmij (1.0.147):
//     plain with ".0" when 1e-5 ≤ |x| < 1e16, else "1e+16", "1.5e-7". The
//     text layouts as Rust's {:?}: plain with ".0" when 1e-4 ≤ |x| < 1e16,
//     else "1e16", "1e-5"; NaN, inf, -inf. Where two shortest digit strings
//     are equally near the value (2^-25), JSONL takes the even one as
//     serde_json does ("2.9802322387695312e-8") and the text layouts the
//     upper one as Rust's formatter does ("…313e-8").
//   - The readable layout escapes ESC, BEL, BS, FF, DEL and C1 controls in
//     the message, target, span names and field names, so a log line cannot
//     drive the terminal. The vLLM layout escapes them in the message the
//     same way (\x1b, \x07, \x08, \x0c, \x7f, \u{80}…\u{9f}), though vLLM
//     writes them raw: a message from a request must not be able to clear
//     an operator's screen or retitle the terminal. Tab and carriage return
//     stay raw there, as in the readable layout, and newlines keep vLLM's
//     multi-line rule. Every layout writes invalid UTF-8 as U+FFFD.
//   - The bidirectional controls (U+200E, U+200F, U+202A to U+202E, U+2066
//     to U+2069), which make a line read otherwise than it is stored, are
//     escaped wherever the text layouts write text: as \u{202e} in the
//     message, the target, span names, Display values, file names and the
//     stack, as Rust's {:?} already writes them in a quoted string; in
//     vLLM's prefix and process name too. Dynamo and vLLM write them raw;
//     this is a deliberate difference. Inside the JSON text of an object,
//     array or zap.Any value, which JSON would leave raw, they are JSON
//     escapes (\u202e), and so are DEL and the C1 controls (\u007f,
//     \u009b): the same JSON value, unable to drive the terminal. JSONL
//     writes them raw inside its strings, as serde_json does: they cannot
//     break a JSON line, and a reader gets the text that was logged.
//   - vLLM's prefix (WithPrefix) is parsed once into literal text and the
//     directives %(name)s and %(levelname)s; %(process)d, %(processName)s,
//     %(thread)d and %% are expanded then. %(thread)d is the process id:
//     goroutines are not threads, and the thread running the encoder
//     changes from line to line. Unknown directives and stray % signs are
//     printed as they are, where Python's logging would fail. %(name)s is
//     the target, as in the readable layout (a bridged record's log.target).
//   - vLLM's process decoration (WithProcessName) follows the layout's
//     colour; vLLM decides it per stream with the same rule.
//   - vLLM repeats the header only when the message is not empty; dynlog
//     repeats it for every newline of the record, so a stack logged with an
//     empty message still has its header on every line.
//   - Only a message or a stack may break a line. Names
//     (field keys, the target, span names, file names, vLLM's %(name)s)
//     write a newline or carriage return as the two characters \n or \r
//     and escape the terminal controls as a message does; Display values
//     too. A line therefore parses back to the fields logged, whatever
//     their text. The readable layout keeps a message's newlines raw, as
//     Dynamo does, so a message's second line can look like a record of its
//     own, in Dynamo too; JSONL is the layout to parse untrusted messages
//     from. vLLM's continuation lines always start with the real header.
//   - WithMaxLineBytes(n) caps lines at about n bytes (no cap by default).
//     An oversized line has its message cut first, then its largest string
//     values (zap.String, zap.ByteString, error and Stringer texts) to a
//     common size, each cut text ending with "…[truncated N bytes]", N the
//     bytes left out. Texts are cut before escaping, at a character
//     boundary, so no escape breaks and JSONL stays valid JSON. The head,
//     span names, With fields, nested values and the stack are not cut.
//   - A line costs memory in proportion to its size: long texts are
//     measured and escaped once into room made for them, and the line is
//     written straight into the buffer zap reads, so a line with a 10 MB
//     message and a 10 MB field allocates at most about 2.5 times itself.
//   - JSONL keys are sorted and deduplicated in their printed form, so two
//     keys that differ only in invalid bytes are one key.
//   - Invalid UTF-8 becomes one U+FFFD per byte that does not start a valid
//     sequence, as Go's range loop and zap decode it. Rust's
//     String::from_utf8_lossy differs only on a truncated multi-byte
//     sequence ("\xe2\x82"), which it replaces with a single U+FFFD.
//   - zap.Float32 prints its own shortest digits ("0.1"): in JSONL as
//     serde_json prints an f32 (zmij's f32 layout: plain between 1e-6 and
//     1e13, "1e+13" above), in the text layouts as Rust's {:?} of an f32.
//     Rust's tracing widens f32 to f64 before recording it, so Dynamo would
//     print 0.10000000149011612; a Go user who wrote 0.1 expects 0.1.
//   - vLLM: TRACE has no colour (vLLM's table has no entry for it, as for
//     any custom level); an entry without a caller shows [unknown:0]; in
//     DEBUG mode a main package, whose import path the runtime does not
//     report, shows its file's base name.
