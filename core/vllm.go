package core

// How the vLLM preset reads vLLM's variables.
//
// NewVLLM reads VLLM_LOGGING_LEVEL (default INFO; an unknown name is an
// error; DEBUG also prints module-relative, shortened paths as vLLM does),
// VLLM_LOGGING_STREAM (ext://sys.stdout, the default, or ext://sys.stderr;
// ext://sys.__stdout__ and ext://sys.__stderr__ name the same streams and,
// as in vLLM, are coloured only when VLLM_LOGGING_COLOR=1 asks),
// VLLM_LOGGING_PREFIX, and colour from VLLM_LOGGING_COLOR and NO_COLOR (off
// if NO_COLOR is set to anything but "0", the empty string included).
//
// The prefix goes into the header as vLLM puts it into Python's format
// string: %(name)s, %(levelname)s, %(process)d, %(processName)s, %(thread)d
// and %% expand, with Python's flags, width and precision; a % that starts
// nothing known is printed as it is (vLLM fails there). %(thread)d prints
// the process id, since a goroutine has no thread and an OS thread id
// would change from line to line; %(processName)s prints the process name
// below, or Python's "MainProcess". A newline in the prefix becomes "\r\n"
// and the header, as vLLM's NewLineFormatter makes of every newline in the
// formatted record.
//
// With a process name, WithProcessName or else DYN_LOGGING_PROCESS_NAME,
// every physical line starts with vLLM's process decoration,
// "(NAME pid=PID) ", cyan when the layout is coloured, as vLLM's
// decorate_logs prints in its engine and worker processes.
// NewDecoratedWriter decorates a program's other writes to the stream
// (fmt.Println through it, say) the same way.
//
// VLLM_CONFIGURE_LOGGING is read as vLLM reads it, bool(int(value)), with
// Python's int(): " 0", "00" and "-0" are false, "-1" and "1_0" true, and
// "true", "0x1" or an empty value are errors. False gives what Python's
// last-resort handler prints: WARNING and above, the message alone, on
// stderr, undecorated; false with VLLM_LOGGING_CONFIG_PATH set is an error,
// as in vLLM. VLLM_LOGGING_CONFIG_PATH names a JSON file in zap.Config's
// form (it may say "encoding": "vllm" or another of our registered names);
// a missing file, invalid JSON, a top level that is not an object or an
// unknown key is an error that says which. DYN_LOG's directives apply on
// top, with the built-in defaults; a bare level there replaces
// VLLM_LOGGING_LEVEL as the default.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"

	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/tracing"
	"github.com/dynlog/dynlog/tracing/calltrace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewVLLM returns a logger in vLLM's layout, configured from the VLLM_*
// variables as vLLM reads them: VLLM_LOGGING_LEVEL (default INFO; DEBUG
// also turns on the shortened relative paths), VLLM_LOGGING_STREAM
// (ext://sys.stdout, the default, ext://sys.stderr, or their
// ext://sys.__stdout__ and ext://sys.__stderr__ forms), VLLM_LOGGING_PREFIX
// (with its %-directives), VLLM_LOGGING_COLOR and NO_COLOR,
// VLLM_CONFIGURE_LOGGING (read with Python's int() rules) and
// VLLM_LOGGING_CONFIG_PATH. DYN_LOGGING_PROCESS_NAME, or WithProcessName,
// decorates every line with vLLM's "(NAME pid=PID) ". DYN_LOG's directives
// apply on top, with the built-in defaults; its bare level, when present,
// replaces VLLM_LOGGING_LEVEL as the default.
//
// The error is for values vLLM itself refuses: an unknown level or stream,
// a VLLM_CONFIGURE_LOGGING that is not an integer, or 0 together with a
// configuration file, and a configuration file that cannot be used. A rank
// variable that does not parse is reported by the new logger itself, one
// WARN line under the name "dynlog.dedup".
func NewVLLM(opts ...Option) (*zap.Logger, error) {
	c := newConfig(opts)
	c.site = callSite(1)
	defer c.diag.flush()
	return c.newVLLMTraced()
}

// newVLLMTraced is newVLLM with call tracing turned on as
// VLLM_TRACE_FUNCTION says: what NewVLLM and NewVLLMSlog build.
func (c config) newVLLMTraced() (*zap.Logger, error) {
	l, err := c.newVLLM()
	if err != nil {
		return nil, err
	}
	c.vllmTraceFunction(l)
	return l, nil
}

// vllmTraceFunction turns on call tracing when VLLM_TRACE_FUNCTION is a
// non-zero integer, as vLLM does, with vLLM's two lines; call tracing is
// process-wide, so a second NewVLLM keeps the file the first one opened. A
// value that is not an integer (an error in vLLM) is reported and tracing
// stays off.
func (c config) vllmTraceFunction(l *zap.Logger) {
	v, ok := c.env("VLLM_TRACE_FUNCTION")
	if !ok || strings.TrimSpace(v) == "" {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		c.warn(fmt.Sprintf("dynlog: VLLM_TRACE_FUNCTION=%q is not an integer; call tracing stays off", v))
		return
	}
	if n == 0 || calltrace.Path() != "" {
		return
	}
	path, err := calltrace.Enable("")
	if err != nil {
		l.Warn("VLLM_TRACE_FUNCTION is set but call tracing could not start: " + err.Error())
		return
	}
	l.Warn("VLLM_TRACE_FUNCTION is enabled. It will record every function that calls defer calltrace.Call()(). This will slow down the code. It is suggested to be used for debugging hang or crashes only.")
	l.Info("Trace frame log is saved to " + path)
}

func (c config) newVLLM() (*zap.Logger, error) {
	configure := true
	if v, ok := c.env("VLLM_CONFIGURE_LOGGING"); ok {
		zero, ok := pythonIntIsZero(v)
		if !ok {
			return nil, fmt.Errorf("VLLM_CONFIGURE_LOGGING: %q is not an integer as Python's int() reads it (want 0 to leave logging unconfigured, or 1)", v)
		}
		configure = !zero
	}
	path := c.getenv("VLLM_LOGGING_CONFIG_PATH")
	if !configure && path != "" {
		return nil, fmt.Errorf("VLLM_CONFIGURE_LOGGING=%q turns logging configuration off, but VLLM_LOGGING_CONFIG_PATH=%q asks for a configuration file; set VLLM_CONFIGURE_LOGGING=1 or unset VLLM_LOGGING_CONFIG_PATH",
			c.getenv("VLLM_CONFIGURE_LOGGING"), path)
	}
	if path != "" {
		return c.vllmFromFile(path)
	}

	if !configure {
		// vLLM leaves logging alone; Python's last-resort handler prints
		// WARNING and above, the message only, to stderr. vLLM's
		// decorate_logs does nothing then either.
		out := c.output
		if out == nil {
			out = zapcore.Lock(os.Stderr)
		}
		return c.build(encoder.NewVLLM(encoder.WithBareMessages()), out, filter.NewAtomic(c.vllmFilter(zapcore.WarnLevel)), tracing.EventsOff, nil), nil
	}

	level := zapcore.InfoLevel
	if s, ok := c.env("VLLM_LOGGING_LEVEL"); ok {
		l, err := parseVLLMLevel(s)
		if err != nil {
			return nil, err
		}
		level = l
	}
	relPaths := level == zapcore.DebugLevel

	// stream is what colour in auto mode looks at: vLLM colours
	// ext://sys.__stdout__ and ext://sys.__stderr__ only when asked to.
	out, stream := c.output, c.output
	if out == nil {
		switch s := c.getenv("VLLM_LOGGING_STREAM"); s {
		case "", "ext://sys.stdout":
			out, stream = zapcore.Lock(os.Stdout), os.Stdout
		case "ext://sys.stderr":
			out, stream = zapcore.Lock(os.Stderr), os.Stderr
		case "ext://sys.__stdout__":
			out, stream = zapcore.Lock(os.Stdout), nil
		case "ext://sys.__stderr__":
			out, stream = zapcore.Lock(os.Stderr), nil
		default:
			return nil, fmt.Errorf("VLLM_LOGGING_STREAM: unknown stream %q (want ext://sys.stdout, ext://sys.stderr, ext://sys.__stdout__ or ext://sys.__stderr__)", s)
		}
	}

	enc := encoder.NewVLLM(
		encoder.WithPrefix(c.getenv("VLLM_LOGGING_PREFIX")),
		encoder.WithProcessName(c.vllmProcessName()),
		encoder.WithColor(c.vllmColor(stream)),
		encoder.WithRelativePaths(relPaths),
		encoder.WithLocation(c.location), // nil: time.Local
		encoder.WithMaxLineBytes(c.maxLineBytes(fileConfig{})),
	)
	return c.build(enc, out, filter.NewAtomic(c.vllmFilter(level)), c.vllmSpanEvents(), nil), nil
}

// vllmProcessName is the name of vLLM's process decoration: WithProcessName
// if given, else DYN_LOGGING_PROCESS_NAME, trimmed; "" for none.
func (c config) vllmProcessName() string {
	if c.processNameSet {
		return c.processName
	}
	return strings.TrimSpace(c.getenv("DYN_LOGGING_PROCESS_NAME"))
}

// pythonIntIsZero reads s as Python's int(s) does, which is how vLLM reads
// VLLM_CONFIGURE_LOGGING: surrounding whitespace, one sign, decimal digits
// (any script's, as Python allows) with single underscores between them,
// leading zeros. ok is false where int() raises ValueError: an empty or
// blank value, "true", "0x1", "1.0", "1__0".
func pythonIntIsZero(s string) (zero, ok bool) {
	s = strings.TrimFunc(s, isPythonSpace)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	zero, digits, underscore := true, 0, false
	for _, r := range s {
		switch {
		case r == '_':
			if digits == 0 || underscore {
				return false, false
			}
			underscore = true
		case unicode.Is(unicode.Nd, r):
			zero = zero && decimalValue(r) == 0
			digits++
			underscore = false
		default:
			return false, false
		}
	}
	return zero, digits > 0 && !underscore
}

// decimalValue is the value of a decimal digit r (Unicode category Nd). Every
// script's digits are encoded as runs of ten in order, 0 to 9, so it is the
// offset from the start of r's run, modulo 10.
func decimalValue(r rune) int {
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int(r-start) % 10
}

// isPythonSpace is what Python's str.strip() and int() take for
// whitespace: Unicode's, plus the four separators U+001C..U+001F.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

// vllmFilter is the filter of NewVLLM: the built-in defaults, level as the
// default, and DYN_LOG's directives on top (its bare level, if any,
// replacing level). Unlike New, a DYN_LOG without a bare level keeps
// VLLM_LOGGING_LEVEL as the default: vLLM users set that variable and
// expect it to hold.
func (c config) vllmFilter(level zapcore.Level) *filter.Filter {
	source := filter.SourceBuiltin
	if _, ok := c.env("VLLM_LOGGING_LEVEL"); ok {
		source = "env VLLM_LOGGING_LEVEL"
	}
	ds := append(builtinDirectives(), filter.Directive{Level: level, Source: source})
	f := filter.New(append(ds, parseDynLog(c.getenv("DYN_LOG"), c.warn)...)...)
	reportWarnings(f, c.warn)
	return f
}

// vllmColor is vLLM's decision: off if NO_COLOR is set to
// anything but "0" (the empty string included) or VLLM_LOGGING_COLOR is
// "0"; on if VLLM_LOGGING_COLOR is "1"; otherwise on only when stream is
// stdout or stderr and a terminal (stream is nil for the __stdout__ and
// __stderr__ names, which vLLM never colours on its own).
func (c config) vllmColor(stream zapcore.WriteSyncer) bool {
	if v, ok := c.env("NO_COLOR"); ok && v != "0" {
		return false
	}
	switch c.getenv("VLLM_LOGGING_COLOR") {
	case "0":
		return false
	case "1":
		return true
	}
	return isTerminal(stream)
}

// vllmFromFile builds the logger a VLLM_LOGGING_CONFIG_PATH file describes: a
// JSON object in zap.Config's own form, which may name our encoders
// ("encoding": "vllm", "dynamo-jsonl", "dynamo-readable"). The file decides
// the outputs, as vLLM's dictConfig does; WithOutput still wins when given.
func (c config) vllmFromFile(path string) (*zap.Logger, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: file %q does not exist", path)
		}
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %w", err)
	}
	trimmed := bytes.TrimSpace(data)
	if !json.Valid(trimmed) {
		var syntax *json.SyntaxError
		var v any
		if err := json.Unmarshal(trimmed, &v); errors.As(err, &syntax) {
			return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s is not valid JSON: %v (at byte %d)", path, err, syntax.Offset)
		}
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s is not valid JSON", path)
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s must hold a JSON object at the top level", path)
	}
	var zc zap.Config
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&zc); err != nil {
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s: %v", path, err)
	}
	if strings.TrimSpace(zc.Encoding) == "" {
		zc.Encoding = encoder.VLLMName
	}
	if len(zc.OutputPaths) == 0 {
		zc.OutputPaths = []string{"stdout"}
	}
	if len(zc.ErrorOutputPaths) == 0 {
		zc.ErrorOutputPaths = []string{"stderr"}
	}
	if zc.Level == (zap.AtomicLevel{}) {
		zc.Level = zap.NewAtomicLevelAt(zapcore.InfoLevel)
	}
	zopts := c.zapOptions()
	if c.output != nil {
		enc, err := encoderFor(zc)
		if err != nil {
			return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s: %v", path, err)
		}
		out := c.output
		zopts = append(zopts, zap.WrapCore(func(zapcore.Core) zapcore.Core {
			return zapcore.NewCore(enc, out, zc.Level)
		}))
	}
	// The tracing core (and OTLP log export, when asked for) as in build,
	// then DYN_LOG on top, the config's own level deciding the rest.
	ranks, rankErrs := dedup.RanksFromEnv(c.lookup)
	zopts = append(zopts, zap.WrapCore(c.around(filter.NewAtomic(c.vllmFilter(TraceLevel)), c.vllmSpanEvents(), ranks)))
	logger, err := zc.Build(zopts...)
	if err != nil {
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s: %v", path, err)
	}
	c.reportRanks(logger, rankErrs)
	return logger, nil
}

// encoderFor makes the encoder a zap.Config names, for when WithOutput
// replaces the config's outputs: zap builds encoders by name only inside
// Config.Build.
func encoderFor(zc zap.Config) (zapcore.Encoder, error) {
	switch zc.Encoding {
	case "json":
		return zapcore.NewJSONEncoder(zc.EncoderConfig), nil
	case "console":
		return zapcore.NewConsoleEncoder(zc.EncoderConfig), nil
	case encoder.VLLMName:
		return encoder.NewVLLM(), nil
	case encoder.JSONLName:
		return encoder.NewJSONL(), nil
	case encoder.ReadableName:
		return encoder.NewReadable(), nil
	}
	return nil, fmt.Errorf("encoding %q cannot be combined with WithOutput", zc.Encoding)
}
