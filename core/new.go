package core

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/env"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

// New returns a logger in Dynamo's layouts, configured from the environment
// (DESIGN §8): DYN_LOGGING_CONSOLE_FORMAT or DYN_LOGGING_JSONL choose JSONL
// or readable, DYN_LOG_USE_LOCAL_TZ the time zone, the colour variables of
// DESIGN §5 the colour, and DYN_LOG the level. It writes to stderr unless
// WithOutput says otherwise, and annotates every line with the caller.
//
// The error is for configuration that cannot be honoured at all; problems a
// logger can live with (an unknown format name, a directive it skips) are
// reported on the error output, one line each, and the logger is built.
func New(opts ...Option) (*zap.Logger, error) {
	c := newConfig(opts)
	out, stream := c.output, c.output
	if out == nil {
		out, stream = zapcore.Lock(os.Stderr), os.Stderr
	}

	var encOpts []encoder.Option
	if env.Bool(c.getenv("DYN_LOG_USE_LOCAL_TZ")) {
		encOpts = append(encOpts, encoder.WithLocation(time.Local))
	}
	var enc zapcore.Encoder
	if c.dynamoJSONL() {
		enc = encoder.NewJSONL(encOpts...)
	} else {
		encOpts = append(encOpts, encoder.WithColor(c.dynamoColor(stream)))
		enc = encoder.NewReadable(encOpts...)
	}

	level := zapcore.InfoLevel
	if spec, ok := c.env("DYN_LOG"); ok {
		if l, ok := globalLevel(spec, c.warn); ok {
			level = l
		}
	}
	return c.build(enc, out, level), nil
}

// dynamoJSONL applies DYN_LOGGING_CONSOLE_FORMAT, which wins, then
// DYN_LOGGING_JSONL.
func (c config) dynamoJSONL() bool {
	if f, ok := c.env("DYN_LOGGING_CONSOLE_FORMAT"); ok {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "jsonl":
			return true
		case "readable":
			return false
		}
		c.warn(fmt.Sprintf("dynlog: DYN_LOGGING_CONSOLE_FORMAT=%q is neither \"readable\" nor \"jsonl\"; using readable", f))
		return false
	}
	return env.Bool(c.getenv("DYN_LOGGING_JSONL"))
}

// dynamoColor decides colour for the readable layout (DESIGN §5): off if
// DYN_SDK_DISABLE_ANSI_LOGGING is true or NO_COLOR is non-empty; on if
// FORCE_COLOR is non-empty or DYN_LOGGING_ANSI is true; otherwise on only
// when the stream is a terminal. Dynamo colours pipes too; we do not.
func (c config) dynamoColor(stream zapcore.WriteSyncer) bool {
	switch {
	case env.Bool(c.getenv("DYN_SDK_DISABLE_ANSI_LOGGING")), c.getenv("NO_COLOR") != "":
		return false
	case c.getenv("FORCE_COLOR") != "", env.Bool(c.getenv("DYN_LOGGING_ANSI")):
		return true
	}
	return isTerminal(stream)
}

// isTerminal reports whether ws is the process's stdout or stderr and that
// stream is a terminal.
func isTerminal(ws zapcore.WriteSyncer) bool {
	f, ok := ws.(*os.File)
	if !ok || (f != os.Stdout && f != os.Stderr) {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// build puts the pieces together the same way for both presets.
func (c config) build(enc zapcore.Encoder, out zapcore.WriteSyncer, level zapcore.Level) *zap.Logger {
	core := zapcore.NewCore(enc, out, zap.NewAtomicLevelAt(level))
	zopts := []zap.Option{zap.AddCaller(), zap.ErrorOutput(c.errorOutput)}
	if c.clock != nil {
		zopts = append(zopts, zap.WithClock(c.clock))
	}
	return zap.New(core, zopts...)
}
