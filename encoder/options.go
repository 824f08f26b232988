package encoder

import "time"

// config is what the three encoders can be told. It is read-only once an
// encoder is built and shared by every clone.
type config struct {
	loc      *time.Location // nil: UTC with "Z" (Dynamo) or time.Local (vLLM)
	color    bool
	prefix   string // vLLM's VLLM_LOGGING_PREFIX
	relPaths bool   // vLLM's DEBUG-mode relative, shortened [file:line]
	bare     bool   // vLLM unconfigured: the message only
	process  string // vLLM's process decoration and %(processName)s
	// embedJSON: JSONL writes a string field whose whole text is JSON as
	// that JSON value, as Dynamo does (WithEmbeddedJSON(true)).
	embedJSON bool
	maxLine   int // WithMaxLineBytes; 0: no cap
}

// Option configures an encoder made by [NewJSONL], [NewReadable] or
// [NewVLLM].
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		c = o.apply(c)
	}
	return c
}

// WithLocation prints timestamps in loc. For the Dynamo layouts this is
// DYN_LOG_USE_LOCAL_TZ: the time carries a ±HH:MM offset instead of "Z"
// (pass time.Local for the machine's zone). For the vLLM layout it is the
// zone of the date, time.Local by default. A nil loc restores the default.
func WithLocation(loc *time.Location) Option {
	return optionFunc(func(c config) config { c.loc = loc; return c })
}

// WithColor turns the layout's ANSI colours on or off (off by default). The
// encoders do not look at the terminal; package core decides.
func WithColor(on bool) Option {
	return optionFunc(func(c config) config { c.color = on; return c })
}

// WithPrefix sets the vLLM layout's prefix (VLLM_LOGGING_PREFIX), written
// uncoloured at the start of every line, continuation lines included. As in
// vLLM, which puts the prefix into Python's format string, %-directives in it
// expand: %(name)s (the logger name), %(levelname)s (the line's vLLM level
// name, coloured with the level when colour is on), %(process)d (the process
// id), %(processName)s ([WithProcessName]'s name, else "MainProcess"),
// %(thread)d (the process id too: a goroutine has no thread of its own), and
// %% for a %. Python's flags, width and precision work ("%(process)8d",
// "%(name)-12s", "%(levelname).1s"). Any other % is printed as it is, where
// vLLM would fail on every line. A newline in the prefix is one in the line
// as vLLM prints it: each one, like a newline in the message, becomes "\r\n"
// followed by the whole header. The prefix is parsed once, here. The Dynamo
// layouts ignore it.
func WithPrefix(prefix string) Option {
	return optionFunc(func(c config) config { c.prefix = prefix; return c })
}

// WithRelativePaths makes the vLLM layout print the caller's path relative to
// its module's root, shortened as vLLM does when VLLM_LOGGING_LEVEL is DEBUG,
// instead of the file's base name. The Dynamo layouts ignore it.
func WithRelativePaths(on bool) Option {
	return optionFunc(func(c config) config { c.relPaths = on; return c })
}

// WithProcessName decorates every line of the vLLM layout as vLLM's
// decorate_logs decorates the output of its engine and worker processes:
// each physical line, continuation lines included, starts with
// "(NAME pid=PID) " before the prefix, or with colour ([WithColor])
// "ESC[0;36m(NAME pid=PID)ESC[0;0m ". PID is the process id. The name is
// also what %(processName)s prints in the prefix. An empty name decorates
// nothing. The Dynamo layouts ignore it.
func WithProcessName(name string) Option {
	return optionFunc(func(c config) config { c.process = name; return c })
}

// WithBareMessages makes the vLLM layout print the record alone (message,
// fields, stack) with no header and no line rewriting: what Python prints
// when VLLM_CONFIGURE_LOGGING=0 leaves logging unconfigured. The Dynamo
// layouts ignore it.
func WithBareMessages() Option {
	return optionFunc(func(c config) config { c.bare = true; return c })
}

// WithEmbeddedJSON decides whether the JSONL layout embeds a string field
// whose whole value is a JSON text as that JSON value ("123" → 123,
// `{"b":1,"a":2}` → {"a":2,"b":1}), as Dynamo does: its field visitor
// re-parses every string with serde_json. Off by default: every
// [go.uber.org/zap.String] and [go.uber.org/zap.ByteString] stays a JSON
// string, as Go typed it, so a key keeps one type whatever its values. Turn
// it on to reproduce Dynamo's bytes. A value meant as JSON ([JSON], a
// json.RawMessage) is embedded either way. Package core sets it from
// DYN_LOGGING_EMBED_JSON_STRINGS. The text layouts ignore it.
func WithEmbeddedJSON(on bool) Option {
	return optionFunc(func(c config) config { c.embedJSON = on; return c })
}

// WithMaxLineBytes caps the lines of every layout at about n bytes: a line
// that would be longer has its message cut, and then, if that is not enough,
// its largest string values ([go.uber.org/zap.String],
// [go.uber.org/zap.ByteString], and the text of [go.uber.org/zap.Error] and
// [go.uber.org/zap.Stringer]) cut to a common size. A cut text ends with the
// marker "…[truncated N bytes]", N the bytes of the text left out; it is cut
// before it is escaped, at a character boundary, so no escape is broken and a
// JSONL line stays valid JSON. The line then fits n plus a few bytes. What is
// not cut: the head (time, level, target, file), span names and fields,
// fields given to With, nested values (objects, arrays) and the stack, so a
// line made long by those stays long. n ≤ 0 means no cap, the default.
func WithMaxLineBytes(n int) Option {
	return optionFunc(func(c config) config { c.maxLine = max(n, 0); return c })
}
