package unwrap_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// BenchmarkStack is a line through the stack core.New builds (filter,
// once-only, tracing, a JSONL sink to io.Discard, the caller on), with the
// built-in targets at ERROR and a span directive in the filter, down each
// way it can be decided:
//
//	named          a named logger's Info line, decided at Check
//	unnamed        an unnamed logger's Info line, decided at Write by its
//	               caller's package
//	span-directive a Debug line that a span directive lets through, decided
//	               at Write by the spans on the call
//	span-events    Start and End of a span whose events the tracing core
//	               rewrites (readable form)
//	once-repeated  InfoOnce of a line already printed
//	rejected       a named logger's Warn line under a target at ERROR,
//	               rejected in Check
//	disabled       a Debug line of a logger bound by filter.Named to a target
//	               at ERROR, rejected in Enabled
//
// Ratios against the code before a change, in one run, not absolute times.
func BenchmarkStack(b *testing.B) {
	f, err := filter.Parse("info,h2=error,tower=error,hyper=error,dynamo_llm::kv_router[req]=debug")
	if err != nil {
		b.Fatal(err)
	}
	newLogger := func() *zap.Logger {
		sink := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), zapcore.Level(-128))
		ranks := dedup.WithRanks(dedup.Ranks{GlobalKnown: true, LocalKnown: true})
		c := filter.NewCore(dedup.NewCore(tracing.NewCore(sink, tracing.WithSpanEvents(tracing.EventsReadable)), ranks), f)
		return zap.New(c, zap.AddCaller())
	}
	fields := func() []zap.Field {
		return []zap.Field{zap.String("model", "Qwen/Qwen3-0.6B"), zap.Int64("worker_id", 7), zap.Duration("elapsed", 1500*time.Microsecond)}
	}
	b.Run("named", func(b *testing.B) {
		log := newLogger().Named("dynamo_llm::kv_router")
		b.ReportAllocs()
		for b.Loop() {
			log.Info("kv router selected a worker", fields()...)
		}
	})
	b.Run("unnamed", func(b *testing.B) {
		log := newLogger()
		b.ReportAllocs()
		for b.Loop() {
			log.Info("kv router selected a worker", fields()...)
		}
	})
	b.Run("span-directive", func(b *testing.B) {
		log := newLogger().Named("dynamo_llm::kv_router")
		b.ReportAllocs()
		for b.Loop() {
			log.Debug("kv router selected a worker", req)
		}
	})
	b.Run("span-events", func(b *testing.B) {
		ctx := tracing.WithLogger(context.Background(), newLogger().Named("dynamo_llm::kv_router"))
		b.ReportAllocs()
		for b.Loop() {
			_, s := tracing.Start(ctx, "op")
			s.End()
		}
	})
	b.Run("once-repeated", func(b *testing.B) {
		log := newLogger().Named("dynamo_llm::kv_router")
		b.ReportAllocs()
		for b.Loop() {
			dedup.InfoOnce(log, "kv router fell back to round robin")
		}
	})
	b.Run("rejected", func(b *testing.B) {
		log := newLogger().Named("h2")
		b.ReportAllocs()
		for b.Loop() {
			log.Warn("kv router selected a worker")
		}
	})
	b.Run("disabled", func(b *testing.B) {
		log := filter.Named(newLogger(), "tower")
		b.ReportAllocs()
		for b.Loop() {
			log.Debug("kv router selected a worker")
		}
	})
}
