package dynlogtest

import (
	"bytes"
	"log/slog"
	"maps"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Time is the time every line of this package's loggers carries unless
// [WithTime] says otherwise: 2026-01-02T03:04:05.123456Z.
func Time() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC) }

// Layout is one of dynlog's layouts.
type Layout int

// The layouts [NewLogger] can print.
const (
	Readable Layout = iota // Dynamo's readable layout, without colour
	JSONL                  // Dynamo's JSONL
	VLLM                   // vLLM's layout
)

// Option configures [NewLogger], [NewSlog] and [NewRecorder].
type Option interface {
	apply(config) config
}

type config struct {
	layout Layout
	env    map[string]string
	time   time.Time
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

// WithLayout chooses the layout of [NewLogger] and [NewSlog] ([Readable] if
// not given). [NewRecorder] always records [JSONL].
func WithLayout(l Layout) Option {
	return optionFunc(func(c config) config { c.layout = l; return c })
}

// WithDynLog sets DYN_LOG, the per-target levels (default "trace": every
// line prints).
func WithDynLog(spec string) Option {
	return WithEnv(map[string]string{"DYN_LOG": spec})
}

// WithEnv sets variables the logger is configured from, as [core.New] and
// [core.NewVLLM] read them (DYN_LOGGING_SPAN_EVENTS, VLLM_LOGGING_PREFIX, …);
// later calls add to earlier ones. The process environment is never read.
func WithEnv(vars map[string]string) Option {
	return optionFunc(func(c config) config {
		c.env = maps.Clone(c.env)
		if c.env == nil {
			c.env = map[string]string{}
		}
		maps.Copy(c.env, vars)
		return c
	})
}

// WithTime makes t the time of every line.
func WithTime(t time.Time) Option {
	return optionFunc(func(c config) config { c.time = t; return c })
}

func newConfig(opts []Option) config {
	c := config{time: Time(), env: map[string]string{"DYN_LOG": levels.DynLogName(levels.Trace)}}
	for _, o := range opts {
		c = o.apply(c)
	}
	return c
}

// NewLogger returns a logger that writes each line to t.Log, in the
// layout of [WithLayout], at the fixed time.
func NewLogger(t testing.TB, opts ...Option) *zap.Logger {
	return newConfig(opts).build(t, testWriter{t})
}

// NewSlog is [NewLogger] for slog: a *slog.Logger over [core.NewSlogHandler],
// whose lines also carry the fixed time.
func NewSlog(t testing.TB, opts ...Option) *slog.Logger {
	return slog.New(core.NewSlogHandler(NewLogger(t, opts...), core.WithLoggerClock()))
}

// build is the logger of c writing to out; a configuration error fails t.
func (c config) build(t testing.TB, out zapcore.WriteSyncer) *zap.Logger {
	t.Helper()
	env := maps.Clone(c.env)
	newLogger := core.New
	switch c.layout {
	case JSONL:
		env["DYN_LOGGING_JSONL"] = "1"
	case VLLM:
		newLogger = core.NewVLLM
		if _, ok := env["VLLM_LOGGING_LEVEL"]; !ok {
			env["VLLM_LOGGING_LEVEL"] = levels.VLLMName(zapcore.DebugLevel)
		}
	}
	log, err := newLogger(
		core.WithEnv(func(k string) (string, bool) { v, ok := env[k]; return v, ok }),
		core.WithSystemConfig(""),
		core.WithOutput(out),
		core.WithErrorOutput(out),
		core.WithClock(fixedClock{c.time}),
		core.WithLocation(time.UTC),
	)
	if err != nil {
		t.Fatalf("dynlogtest: %v", err)
	}
	return log
}

// fixedClock is a zapcore.Clock that is always at one time.
type fixedClock struct{ t time.Time }

var _ zapcore.Clock = fixedClock{}

func (c fixedClock) Now() time.Time { return c.t }

func (c fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// testWriter writes each line to t.Log, without its newline, as zaptest
// does.
type testWriter struct{ t testing.TB }

var _ zapcore.WriteSyncer = testWriter{}

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimSuffix(p, []byte("\n"))))
	return len(p), nil
}

func (w testWriter) Sync() error { return nil }
