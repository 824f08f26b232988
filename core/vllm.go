package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/env"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewVLLM returns a logger in vLLM's layout, configured from the VLLM_*
// variables (DESIGN §8): VLLM_LOGGING_LEVEL (default INFO; DEBUG also turns
// on the shortened relative paths), VLLM_LOGGING_STREAM (ext://sys.stdout,
// the default, or ext://sys.stderr), VLLM_LOGGING_PREFIX, VLLM_LOGGING_COLOR
// and NO_COLOR, VLLM_CONFIGURE_LOGGING and VLLM_LOGGING_CONFIG_PATH.
// DYN_LOG's directives apply on top, with the built-in defaults of DESIGN
// §7; its bare level, when present, replaces VLLM_LOGGING_LEVEL as the
// default.
func NewVLLM(opts ...Option) (*zap.Logger, error) {
	c := newConfig(opts)
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
	if n == 0 || tracing.CallTracePath() != "" {
		return
	}
	path, err := tracing.EnableCallTrace("")
	if err != nil {
		l.Warn("VLLM_TRACE_FUNCTION is set but call tracing could not start: " + err.Error())
		return
	}
	l.Warn("VLLM_TRACE_FUNCTION is enabled. It will record every function that calls defer tracing.Call()(). This will slow down the code. It is suggested to be used for debugging hang or crashes only.")
	l.Info("Trace frame log is saved to " + path)
}

func (c config) newVLLM() (*zap.Logger, error) {

	if path := c.getenv("VLLM_LOGGING_CONFIG_PATH"); path != "" {
		return c.vllmFromFile(path)
	}

	if c.getenv("VLLM_CONFIGURE_LOGGING") == "0" {
		// vLLM leaves logging alone; Python's last-resort handler prints
		// WARNING and above, the message only, to stderr.
		out := c.output
		if out == nil {
			out = zapcore.Lock(os.Stderr)
		}
		return c.build(encoder.NewVLLM(encoder.WithBareMessages()), out, filter.NewAtomic(c.vllmFilter(zapcore.WarnLevel)), false, nil), nil
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

	out, stream := c.output, c.output
	if out == nil {
		switch s := c.getenv("VLLM_LOGGING_STREAM"); s {
		case "", "ext://sys.stdout":
			out, stream = zapcore.Lock(os.Stdout), os.Stdout
		case "ext://sys.stderr":
			out, stream = zapcore.Lock(os.Stderr), os.Stderr
		default:
			return nil, fmt.Errorf("VLLM_LOGGING_STREAM: unknown stream %q (want ext://sys.stdout or ext://sys.stderr)", s)
		}
	}

	enc := encoder.NewVLLM(
		encoder.WithPrefix(c.getenv("VLLM_LOGGING_PREFIX")),
		encoder.WithColor(c.vllmColor(stream)),
		encoder.WithRelativePaths(relPaths),
		encoder.WithLocation(c.location), // nil: time.Local
	)
	return c.build(enc, out, filter.NewAtomic(c.vllmFilter(level)), env.Bool(c.getenv("DYN_LOGGING_SPAN_EVENTS")), nil), nil
}

// vllmFilter is the filter of NewVLLM: the built-in defaults, level as the
// default, and DYN_LOG's directives on top (its bare level, if any,
// replacing level). Unlike New, a DYN_LOG without a bare level keeps
// VLLM_LOGGING_LEVEL as the default: vLLM users set that variable and
// expect it to hold.
func (c config) vllmFilter(level zapcore.Level) *filter.Filter {
	ds := append(builtinDirectives(), filter.Directive{Level: level})
	return filter.New(append(ds, parseDynLog(c.getenv("DYN_LOG"), c.warn)...)...)
}

// vllmColor is vLLM's decision (DESIGN §6): off if NO_COLOR is set to
// anything but "0" (the empty string included) or VLLM_LOGGING_COLOR is
// "0"; on if VLLM_LOGGING_COLOR is "1"; otherwise on only for a terminal.
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
	spanEvents := env.Bool(c.getenv("DYN_LOGGING_SPAN_EVENTS"))
	zopts = append(zopts, zap.WrapCore(c.around(filter.NewAtomic(c.vllmFilter(TraceLevel)), spanEvents)))
	logger, err := zc.Build(zopts...)
	if err != nil {
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s: %v", path, err)
	}
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
