package core

import (
	"os"
	"time"

	"github.com/dynlog/dynlog/internal/clock"
	"go.uber.org/zap/zapcore"
)

// config is what New and NewVLLM can be told besides the environment. The
// environment is read through lookup by the resolve functions of
// settings.go alone.
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
	// site is the caller of New or NewVLLM, where the logger's own reports
	// about the configuration point.
	site zapcore.EntryCaller
	// diag writes the reports about the configuration (warn).
	diag *diagnostics
}

// Option configures [New] and [NewVLLM].
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
	c.diag = newDiagnostics(c.errorOutput, c.clock)
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
// for [New], VLLM_LOGGING_STREAM for [NewVLLM]). Colour in "auto" mode is off
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

// WithProcessName decorates every line [NewVLLM]'s logger prints as vLLM's
// decorate_logs decorates its engine and worker processes' output: each
// physical line starts with "(NAME pid=PID) " (cyan when the layout is
// coloured), continuation lines included, and the prefix's %(processName)s
// prints name. It wins over DYN_LOGGING_PROCESS_NAME; "" turns the
// decoration off. [New] ignores it. [NewDecoratedWriter] decorates other
// writes to the same stream.
func WithProcessName(name string) Option {
	return optionFunc(func(c config) config { c.processName, c.processNameSet = name, true; return c })
}

// WithMaxLineBytes caps every line of [New]'s and [NewVLLM]'s loggers at
// about n bytes ([github.com/dynlog/dynlog/encoder.WithMaxLineBytes]): an
// oversized line has its message, then its largest string values, cut, each
// with a marker "…[truncated N bytes]". 0 is no cap. It wins over
// DYN_LOGGING_MAX_LINE_BYTES and the TOML max_line_bytes.
func WithMaxLineBytes(n int) Option {
	return optionFunc(func(c config) config { c.maxLine, c.maxLineSet = max(n, 0), true; return c })
}

// local is the zone of local time.
func (c config) local() *time.Location {
	if c.location != nil {
		return c.location
	}
	return time.Local
}

// WithClock takes entry times from clock, for deterministic timestamps.
// Without it, entry times come from [MonotonicClock].
func WithClock(clock zapcore.Clock) Option {
	return optionFunc(func(c config) config { c.clock = clock; return c })
}

// warn reports one problem with the configuration on the error output, as
// a WARN line of target "dynlog" in the layout of the logger being built
// (see diagnostics).
func (c config) warn(line string) { c.diag.report(line) }

// MonotonicClock is the clock [New]'s loggers read unless [WithClock] gives
// another: the wall-clock time, as time.Now gives it, read through the
// monotonic clock alone, which costs about half of time.Now (22 against
// 40 ns on the machine BENCHMARKS.md was measured on). zap reads its clock
// on every call that passes Enabled, before Check, so this is what a line
// rejected by logger name in Check, and every printed line, saves. A step of
// the wall clock (settimeofday, an NTP step, a leap second) shows within a
// millisecond; NTP's slewing moves both clocks alike and shows at once. Pass
// zap.WithClock(core.MonotonicClock()) to get the same in a logger built
// with [go.uber.org/zap.New].
func MonotonicClock() zapcore.Clock { return clock.Default }
