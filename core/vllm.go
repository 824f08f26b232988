package core

import (
	"fmt"
	"os"

	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/outside"
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
// VLLM_LOGGING_CONFIG_PATH. DYN_LOGGING_PROCESS_NAME, or [WithProcessName],
// decorates every line with vLLM's "(NAME pid=PID) ". DYN_LOG's directives
// apply on top, with the built-in defaults; its bare level, when present,
// replaces VLLM_LOGGING_LEVEL as the default.
//
// The level is one filter, as a zap logger's is: a program that lowers it
// ([filter.Atomic.Store], the level handler) gets the lower lines. vLLM
// keeps VLLM_LOGGING_LEVEL on its handler too, so there a
// logger.setLevel(logging.DEBUG) alone prints nothing more; a Go program
// has no handler level, and one that sets debug means to see debug lines.
//
// The error is for values vLLM itself refuses: an unknown level or stream,
// a VLLM_CONFIGURE_LOGGING that is not an integer, or 0 together with a
// configuration file, and a configuration file that cannot be used. A rank
// variable that does not parse is reported by the new logger itself, one
// WARN line under the name "dynlog.dedup".
//
// NewVLLM is [config.LoadVLLM] followed by [Build].
func NewVLLM(opts ...Option) (*zap.Logger, error) {
	cfg, err := config.LoadVLLM(opts...)
	return build(cfg, err, callSite(1))
}

// newVLLMTraced builds NewVLLM's logger, with call tracing turned on as
// VLLM_TRACE_FUNCTION says: what NewVLLM and NewVLLMSlog build.
func (b *builder) newVLLMTraced() (*zap.Logger, error) {
	l, err := b.newVLLM()
	if err != nil {
		return nil, err
	}
	b.vllmTraceFunction(b.cfg.VLLM, l)
	return l, nil
}

// vllmTraceFunction turns on call tracing when VLLM_TRACE_FUNCTION is a
// non-zero integer, as vLLM does, with vLLM's two lines; call tracing is
// process-wide, so a second NewVLLM keeps the file the first one opened. A
// value that is not an integer (an error in vLLM) is reported and tracing
// stays off.
func (b *builder) vllmTraceFunction(v config.VLLMSettings, l *zap.Logger) {
	if v.TraceProblem != "" {
		b.warn(v.TraceProblem)
		return
	}
	if !v.TraceFunction.Value || calltrace.Path() != "" {
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

// newVLLM is NewVLLM's logger, built from the builder's Config.
func (b *builder) newVLLM() (*zap.Logger, error) {
	s := b.cfg
	v := s.VLLM
	if v.ConfigFile != nil {
		return b.vllmFromFile()
	}
	if !v.Configure.Value {
		// vLLM leaves logging alone; Python's last-resort handler prints
		// WARNING and above, the message only, to stderr. vLLM's
		// decorate_logs does nothing then either.
		out := s.Output.Writer
		if out == nil {
			out = zapcore.Lock(os.Stderr)
		}
		return b.logger(encoder.NewVLLM(encoder.WithBareMessages()), out, nil), nil
	}

	// stream is what colour in auto mode looks at: vLLM colours
	// ext://sys.__stdout__ and ext://sys.__stderr__ only when asked to.
	out, stream := s.Output.Writer, s.Output.Writer
	if out == nil {
		out, stream = zapcore.Lock(v.Stream.Value), nil
		if v.ColourStream {
			stream = v.Stream.Value
		}
	}
	enc := encoder.NewVLLM(
		encoder.WithPrefix(v.Prefix.Value),
		encoder.WithProcessName(v.ProcessName.Value),
		encoder.WithColor(colourOn(s.Colour.Value, stream)),
		encoder.WithRelativePaths(v.Level.Value == zapcore.DebugLevel),
		encoder.WithLocation(s.Location), // nil: time.Local
		encoder.WithMaxLineBytes(s.MaxLineBytes.Value),
	)
	return b.logger(enc, out, nil), nil
}

// vllmFromFile builds the logger a VLLM_LOGGING_CONFIG_PATH file describes
// (Config.VLLM.ConfigFile): the file decides the outputs, as vLLM's
// dictConfig does; WithOutput still wins when given. The logger's state has
// no layout: its reports are plain text.
func (b *builder) vllmFromFile() (*zap.Logger, error) {
	s := b.cfg
	zc, path := *s.VLLM.ConfigFile, s.VLLM.ConfigPath
	zopts := b.zapOptions()
	st := &state{filter: filter.NewAtomic(s.Filter), vllm: true, site: b.site}
	var opened *closableOutput // the outputs opened here, closed if Build fails
	if s.Output.Writer != nil {
		enc, err := encoderFor(zc)
		if err != nil {
			return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s: %s", outside.Text(path), outside.Text(err.Error()))
		}
		out := s.Output.Writer
		zopts = append(zopts, zap.WrapCore(func(zapcore.Core) zapcore.Core {
			return zapcore.NewCore(enc, out, zc.Level)
		}))
	} else if enc, err := encoderFor(zc); err == nil {
		// Open the outputs here rather than in Build, which drops the
		// function that closes them, so that Close can. An encoding only
		// zap's registry knows is left to Build: its files stay open.
		out, closeOut, err := zap.Open(zc.OutputPaths...)
		if err != nil {
			return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s: %s", outside.Text(path), outside.Text(err.Error()))
		}
		co := &closableOutput{out: out, closeO: closeOut}
		opened = co
		st.closeFile = co.Close
		zc.OutputPaths = nil // Build opens nothing more
		zopts = append(zopts, zap.WrapCore(func(zapcore.Core) zapcore.Core {
			return zapcore.NewCore(enc, co, zc.Level)
		}))
	}
	// The tracing core (and OTLP log export, when asked for) as in logger,
	// then DYN_LOG on top, the config's own level deciding the rest.
	var gate zapcore.Core
	zopts = append(zopts, zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		gate = b.around(st)(c)
		return gate
	}))
	logger, err := zc.Build(zopts...)
	if err != nil {
		if opened != nil {
			_ = opened.Close()
		}
		if st.logs != nil {
			_ = st.close()
		}
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s: %s", outside.Text(path), outside.Text(err.Error()))
	}
	// Changes of the filter from outside are written to the cores beneath
	// it, as New's loggers write them.
	if u, ok := gate.(vocab.Unwrapper); ok {
		b.auditChanges(st.filter, u.Unwrap())
	}
	b.reportRanks(logger, s.RankProblems)
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
	return nil, fmt.Errorf("encoding %s cannot be combined with WithOutput", outside.Quote(zc.Encoding))
}
