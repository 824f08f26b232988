package dedup_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The once-only benchmarks, each beside zap in the same run, every logger
// built as core.New builds it (zap.AddCaller, the dynamo-jsonl encoder, a
// sink that discards) and named benchTarget:
//
//	Repeated — a once-only call whose line has printed already, so it
//	           prints nothing: the helper (once-helper), the helper with
//	           two fields (once-helper-fields), the helper behind a filter
//	           core as in core.New (once-helper-filter), the helper on a
//	           plain zap logger (once-helper-zap), and the Once field
//	           on an ordinary call (once-field), which pays zap's Check —
//	           clock and caller — before the core can look. zap-disabled
//	           is the floor: a Debug call on a logger at info.
//	First    — a once-only line that prints because its key is new: the
//	           Once field (once) and the helper (once-helper), beside the
//	           same line without the marker through the same once-only core
//	           (plain) and through no once-only core at all (zap).
//
// First needs a new key every call. The messages are built before the
// timer starts, firstKeys of them, four times DefaultCap, all the same
// length; the loop cycles through them. Before the loop each variant logs
// every message once, so the cache is full and a message comes round again
// only after DefaultCap others have pushed it out: every call is a first
// time, and pays an insert and an eviction, the steady state of a full
// cache. plain and zap log the same messages in the same order. A counting
// sink checks that every call printed.
//
// The loops are sequential (b.Loop), so ns/op is the cost of one call. The
// names pair up for internal/tools/benchreport: BenchmarkDedup/<scenario>/<variant>.

const benchTarget = "dynamo_llm::kv_router"

const benchMessage = "kv router fell back to round robin"

// openLevel: the once-only core sits behind the level gates, so the core
// inside it lets every level through.
const openLevel = zapcore.Level(-128)

const firstKeys = 4 * dedup.DefaultCap

// countingSink discards what it is given and counts the lines.
type countingSink struct{ lines int }

func (s *countingSink) Write(p []byte) (int, error) { s.lines++; return len(p), nil }
func (s *countingSink) Sync() error                 { return nil }

func ioCore(ws zapcore.WriteSyncer, lvl zapcore.Level) zapcore.Core {
	return zapcore.NewCore(encoder.NewJSONL(), ws, lvl)
}

// onceLogger is a logger with a once-only core over sink, at rank 0.
func onceLogger(sink zapcore.WriteSyncer) *zap.Logger {
	c := dedup.NewCore(ioCore(sink, openLevel), dedup.WithRanks(dedup.Ranks{GlobalKnown: true, LocalKnown: true}))
	return zap.New(c, zap.AddCaller()).Named(benchTarget)
}

func BenchmarkDedup(b *testing.B) {
	b.Run("Repeated", func(b *testing.B) {
		repeated := func(b *testing.B, log *zap.Logger, sink *countingSink, call func(*zap.Logger)) {
			call(log)
			if sink != nil && sink.lines != 1 {
				b.Fatalf("the first call printed %d lines, want 1", sink.lines)
			}
			b.ReportAllocs()
			for b.Loop() {
				call(log)
			}
			if sink != nil && sink.lines != 1 {
				b.Fatalf("the repeated calls printed %d lines, want 1 in all", sink.lines)
			}
		}
		b.Run("once-helper", func(b *testing.B) {
			sink := &countingSink{}
			repeated(b, onceLogger(sink), sink, func(log *zap.Logger) { dedup.InfoOnce(log, benchMessage) })
		})
		b.Run("once-helper-fields", func(b *testing.B) {
			sink := &countingSink{}
			repeated(b, onceLogger(sink), sink, func(log *zap.Logger) {
				dedup.InfoOnce(log, benchMessage, zap.String("model", "Qwen/Qwen3-0.6B"), zap.Int64("worker_id", 7))
			})
		})
		b.Run("once-helper-filter", func(b *testing.B) {
			sink := &countingSink{}
			inner := dedup.NewCore(ioCore(sink, openLevel), dedup.WithRanks(dedup.Ranks{GlobalKnown: true, LocalKnown: true}))
			f := filter.New(filter.Directive{Level: zapcore.InfoLevel})
			log := filter.Named(zap.New(filter.NewCore(inner, f), zap.AddCaller()), benchTarget)
			repeated(b, log, sink, func(log *zap.Logger) { dedup.InfoOnce(log, benchMessage) })
		})
		b.Run("once-helper-zap", func(b *testing.B) {
			sink := &countingSink{}
			log := zap.New(ioCore(sink, openLevel), zap.AddCaller()).Named(benchTarget)
			repeated(b, log, sink, func(log *zap.Logger) { dedup.InfoOnce(log, benchMessage) })
		})
		b.Run("once-field", func(b *testing.B) {
			sink := &countingSink{}
			repeated(b, onceLogger(sink), sink, func(log *zap.Logger) { log.Info(benchMessage, dedup.Once()) })
		})
		b.Run("zap-disabled", func(b *testing.B) {
			log := zap.New(ioCore(zapcore.AddSync(io.Discard), zapcore.InfoLevel), zap.AddCaller()).Named(benchTarget)
			repeated(b, log, nil, func(log *zap.Logger) { log.Debug(benchMessage) })
		})
	})

	b.Run("First", func(b *testing.B) {
		msgs := make([]string, firstKeys)
		for i := range msgs {
			msgs[i] = fmt.Sprintf("kv router fell back to round robin for request %07d", i)
		}
		first := func(b *testing.B, log *zap.Logger, sink *countingSink, call func(*zap.Logger, string)) {
			for _, m := range msgs {
				call(log, m)
			}
			before := sink.lines
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				call(log, msgs[i])
				if i++; i == len(msgs) {
					i = 0
				}
			}
			if got := sink.lines - before; got != b.N {
				b.Fatalf("%d calls printed %d lines; want every call to print", b.N, got)
			}
		}
		b.Run("once", func(b *testing.B) {
			sink := &countingSink{}
			first(b, onceLogger(sink), sink, func(log *zap.Logger, m string) { log.Info(m, dedup.Once()) })
		})
		b.Run("once-helper", func(b *testing.B) {
			sink := &countingSink{}
			first(b, onceLogger(sink), sink, func(log *zap.Logger, m string) { dedup.InfoOnce(log, m) })
		})
		b.Run("plain", func(b *testing.B) {
			sink := &countingSink{}
			first(b, onceLogger(sink), sink, func(log *zap.Logger, m string) { log.Info(m) })
		})
		b.Run("zap", func(b *testing.B) {
			sink := &countingSink{}
			log := zap.New(ioCore(sink, openLevel), zap.AddCaller()).Named(benchTarget)
			first(b, log, sink, func(log *zap.Logger, m string) { log.Info(m) })
		})
	})
}
