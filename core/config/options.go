package config

import (
	"os"
	"time"

	"go.uber.org/zap/zapcore"
)

// config is what Load and LoadVLLM can be told besides the environment.
// The environment is read through lookup, by the resolve functions alone.
type config struct {
	lookup      func(string) (string, bool)
	output      zapcore.WriteSyncer
	errorOutput zapcore.WriteSyncer
	clock       zapcore.Clock
	location    *time.Location // nil: time.Local
	// systemConfig is the first TOML layer, SystemConfigPath by default.
	systemConfig string
	// processName is WithProcessName's, when processNameSet.
	processName    string
	processNameSet bool
	// maxLine is WithMaxLineBytes's cap, when maxLineSet.
	maxLine    int
	maxLineSet bool
	// reports are the problems met so far (warn), shared by the copies of
	// the config the resolve functions make.
	reports *[]string
}

// Option configures [Load] and [LoadVLLM], and so core.New and
// core.NewVLLM, which are Load and LoadVLLM followed by a build. Package
// core spells it core.Option.
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

func newConfig(opts []Option) config {
	c := config{lookup: os.LookupEnv, systemConfig: SystemConfigPath}
	for _, o := range opts {
		c = o.apply(c)
	}
	if c.errorOutput == nil {
		c.errorOutput = zapcore.Lock(os.Stderr)
	}
	c.reports = new([]string)
	return c
}

// WithEnv reads variables through lookup instead of os.LookupEnv, so a test
// or an embedding program can configure a logger without touching the
// process environment.
func WithEnv(lookup func(string) (string, bool)) Option {
	return optionFunc(func(c config) config {
		if lookup != nil {
			c.lookup = lookup
		}
		return c
	})
}

// WithOutput writes log lines to ws instead of the preset's stream (stderr
// for core.New, VLLM_LOGGING_STREAM for core.NewVLLM). Colour in "auto" mode is off
// unless ws is os.Stdout or os.Stderr and a terminal.
func WithOutput(ws zapcore.WriteSyncer) Option {
	return optionFunc(func(c config) config { c.output = ws; return c })
}

// WithErrorOutput sends the logger's own complaints there instead of stderr:
// configuration warnings (an unknown DYN_LOGGING_CONSOLE_FORMAT, a skipped
// directive, a misspelt level), written as WARN lines of target "dynlog"
// in the logger's layout, and zap's internal errors (a failed write).
func WithErrorOutput(ws zapcore.WriteSyncer) Option {
	return optionFunc(func(c config) config { c.errorOutput = ws; return c })
}

// WithSystemConfig reads path instead of [SystemConfigPath] as the first TOML
// layer; "" reads none. $DYN_LOGGING_CONFIG_PATH is still layered over it.
func WithSystemConfig(path string) Option {
	return optionFunc(func(c config) config { c.systemConfig = path; return c })
}

// WithLocation sets the zone of local time: the offset DYN_LOG_USE_LOCAL_TZ
// (or the TOML local_tz) prints in the Dynamo layouts, and the zone of
// vLLM's date. Without it, time.Local.
func WithLocation(loc *time.Location) Option {
	return optionFunc(func(c config) config { c.location = loc; return c })
}

// WithProcessName decorates every line core.NewVLLM's logger prints as vLLM's
// decorate_logs decorates its engine and worker processes' output: each
// physical line starts with "(NAME pid=PID) " (cyan when the layout is
// coloured), continuation lines included, and the prefix's %(processName)s
// prints name. It wins over DYN_LOGGING_PROCESS_NAME; "" turns the
// decoration off. core.New ignores it. core.NewDecoratedWriter decorates other
// writes to the same stream.
func WithProcessName(name string) Option {
	return optionFunc(func(c config) config { c.processName, c.processNameSet = name, true; return c })
}

// WithMaxLineBytes caps every line of core.New's and core.NewVLLM's loggers at
// about n bytes ([github.com/dynlog/dynlog/encoder.WithMaxLineBytes]): an
// oversized line has its message, then its largest string values, cut, each
// with a marker "…[truncated N bytes]". 0 is no cap. It wins over
// DYN_LOGGING_MAX_LINE_BYTES and the TOML max_line_bytes.
func WithMaxLineBytes(n int) Option {
	return optionFunc(func(c config) config { c.maxLine, c.maxLineSet = max(n, 0), true; return c })
}

// WithClock takes entry times from clock, for deterministic timestamps.
// Without it, entry times come from core.MonotonicClock.
func WithClock(clock zapcore.Clock) Option {
	return optionFunc(func(c config) config { c.clock = clock; return c })
}

// warn records one problem with the configuration, which the logger
// reports on its error output, as a WARN line of target "dynlog" in its
// layout.
func (c config) warn(line string) { *c.reports = append(*c.reports, line) }

// getenv is the variable name, "" when it is not set (whatever a lookup
// of WithEnv returns beside false).
func (c config) getenv(name string) string {
	if v, ok := c.lookup(name); ok {
		return v
	}
	return ""
}
