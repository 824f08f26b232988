package core

import (
	"time"

	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/internal/clock"
	"go.uber.org/zap/zapcore"
)

// Option configures [New] and [NewVLLM]: it is package config's Option,
// since New is [config.Load] followed by [Build]. The With functions below
// are this package's spelling of config's, for programs that use core
// alone.
type Option = config.Option

// WithEnv reads variables through lookup instead of os.LookupEnv, so a test
// or an embedding program can configure a logger without touching the
// process environment ([config.WithEnv]).
func WithEnv(lookup func(string) (string, bool)) Option { return config.WithEnv(lookup) }

// WithOutput writes log lines to ws instead of the preset's stream (stderr
// for [New], VLLM_LOGGING_STREAM for [NewVLLM]) ([config.WithOutput]).
func WithOutput(ws zapcore.WriteSyncer) Option { return config.WithOutput(ws) }

// WithErrorOutput sends the logger's own complaints there instead of
// stderr ([config.WithErrorOutput]).
func WithErrorOutput(ws zapcore.WriteSyncer) Option { return config.WithErrorOutput(ws) }

// WithSystemConfig reads path instead of [config.SystemConfigPath] as the
// first TOML layer; "" reads none ([config.WithSystemConfig]).
func WithSystemConfig(path string) Option { return config.WithSystemConfig(path) }

// WithLocation sets the zone of local time ([config.WithLocation]).
func WithLocation(loc *time.Location) Option { return config.WithLocation(loc) }

// WithProcessName decorates every line [NewVLLM]'s logger prints with
// vLLM's "(NAME pid=PID) " ([config.WithProcessName]).
func WithProcessName(name string) Option { return config.WithProcessName(name) }

// WithMaxLineBytes caps every line at about n bytes
// ([config.WithMaxLineBytes]).
func WithMaxLineBytes(n int) Option { return config.WithMaxLineBytes(n) }

// WithClock takes entry times from clock, for deterministic timestamps.
// Without it, entry times come from [MonotonicClock] ([config.WithClock]).
func WithClock(clock zapcore.Clock) Option { return config.WithClock(clock) }

// MonotonicClock is the clock [New]'s loggers read unless [WithClock] gives
// another: the wall-clock time, as time.Now gives it, read through the
// monotonic clock alone, which costs less than time.Now (BenchmarkFilter's
// Disabled/zap-check against Disabled/zap-check-timenow). zap reads its clock
// on every call that passes Enabled, before Check, so this is what a line
// rejected by logger name in Check, and every printed line, saves. A step of
// the wall clock (settimeofday, an NTP step, a leap second) shows within a
// millisecond; NTP's slewing moves both clocks alike and shows at once. Pass
// zap.WithClock(core.MonotonicClock()) to get the same in a logger built
// with [go.uber.org/zap.New].
func MonotonicClock() zapcore.Clock { return clock.Default }
