package unwrap_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/unwrap"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// The module's wrapping cores keep zap's Core contract: the unwrap walk
// sees through each, each honours the inner core's Check on every path it
// writes by, and each hands the inner cores' write errors back to zap,
// which reports them to the logger's ErrorOutput.

// wrapper is one of the module's wrapping cores, and the lines that take
// each of its paths to the inner core.
type wrapper struct {
	name  string
	wrap  func(zapcore.Core) zapcore.Core
	lines []line
}

type line struct {
	name string
	log  func(*zap.Logger)
}

var req = vocab.SpansField(&vocab.Spans{TraceID: strings.Repeat("1", 32), SpanID: strings.Repeat("2", 16), Chain: []vocab.Span{{Name: "req"}}})

func wrappers(t *testing.T) []wrapper {
	f, err := filter.Parse("warn,[req]=info")
	if err != nil {
		t.Fatal(err)
	}
	info := func(l *zap.Logger) { l.Info("info line") }
	return []wrapper{
		{"filter", func(c zapcore.Core) zapcore.Core { return filter.NewCore(c, f) }, []line{
			{"decided at Check", func(l *zap.Logger) { l.Warn("warn line") }},
			{"decided at Write by a span directive", func(l *zap.Logger) { l.Info("info line", req) }},
		}},
		{"filter.Named", func(c zapcore.Core) zapcore.Core { return filter.NewCore(c, f) }, []line{
			{"bound, decided at Write by a span directive", func(l *zap.Logger) { filter.Named(l, "bound").Info("info line", req) }},
		}},
		{"dedup", func(c zapcore.Core) zapcore.Core { return dedup.NewCore(c) }, []line{
			{"plain line", info},
			{"once-only line", func(l *zap.Logger) { l.Info("once line", dedup.Once(dedup.Process)) }},
		}},
		{"tracing", func(c zapcore.Core) zapcore.Core {
			return tracing.NewCore(c, tracing.WithSpanEvents(tracing.EventsReadable))
		}, []line{
			{"plain line", info},
			{"a user's line that reads as a span event", func(l *zap.Logger) { l.Info("SPAN_CLOSED") }},
		}},
	}
}

func TestWrappersUnwrap(t *testing.T) {
	for _, w := range wrappers(t) {
		inner, _ := observer.New(zapcore.DebugLevel)
		c := w.wrap(inner)
		u, ok := c.(vocab.Unwrapper)
		if !ok {
			t.Errorf("%s: does not implement vocab.Unwrapper", w.name)
			continue
		}
		if u.Unwrap() != inner {
			t.Errorf("%s: Unwrap is not the core it wraps", w.name)
		}
		// Through zap's own wrappers around it, too.
		outer := zapcore.NewSamplerWithOptions(zapcore.RegisterHooks(c), time.Hour, 100, 100)
		found, ok := unwrap.Find(outer, func(x zapcore.Core) (zapcore.Core, bool) { return x, x == inner })
		if !ok || found != inner {
			t.Errorf("%s: the walk does not find the core inside it", w.name)
		}
	}
}

// An info line through each wrapper into a tee of a debug core and a warn
// core reaches the debug core only: the tee's Check decides, as it would
// with no wrapper. A wrapper writing to the tee's Write would hand it to
// both.
func TestWrappersHonourInnerCheck(t *testing.T) {
	for _, w := range wrappers(t) {
		for _, ln := range w.lines {
			debug, debugLogs := observer.New(zapcore.DebugLevel)
			errOnly, errLogs := observer.New(zapcore.ErrorLevel)
			log := zap.New(w.wrap(zapcore.NewTee(debug, errOnly))).Named("svc")
			ln.log(log)
			if debugLogs.Len() != 1 || errLogs.Len() != 0 {
				t.Errorf("%s, %s: %d lines in the debug core, %d in the error core; want 1 and 0",
					w.name, ln.name, debugLogs.Len(), errLogs.Len())
			}
		}
	}
}

// A sampler inside the once-only core keeps counting: of three identical
// plain lines it lets the first through.
func TestDedupHonoursInnerSampler(t *testing.T) {
	obs, logs := observer.New(zapcore.DebugLevel)
	log := zap.New(dedup.NewCore(zapcore.NewSamplerWithOptions(obs, time.Hour, 1, 0)))
	for range 3 {
		log.Info("same line")
	}
	if logs.Len() != 1 {
		t.Fatalf("%d lines through a sampler keeping the first; want 1", logs.Len())
	}
}

type failingSink struct{}

func (failingSink) Write([]byte) (int, error) { return 0, errors.New("disk full") }
func (failingSink) Sync() error               { return nil }

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) Sync() error { return nil }
func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// A write error of the inner core reaches the logger's ErrorOutput through
// every path of every wrapper, once.
func TestWrappersReportWriteErrors(t *testing.T) {
	for _, w := range wrappers(t) {
		for _, ln := range w.lines {
			var errOut syncBuffer
			sink := zapcore.NewCore(zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig()), failingSink{}, zapcore.DebugLevel)
			log := zap.New(w.wrap(sink), zap.ErrorOutput(&errOut)).Named("svc")
			ln.log(log)
			got := errOut.String()
			if strings.Count(got, "write error: disk full\n") != 1 || strings.Count(got, "write error") != 1 {
				t.Errorf("%s, %s: error output %q; want one report of disk full", w.name, ln.name, got)
			}
		}
	}
}
