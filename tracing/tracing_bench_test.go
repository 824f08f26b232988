package tracing_test

import (
	"context"
	"io"
	"testing"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/tracing"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// BenchmarkTracing measures what tracing adds, beside what it is compared
// with, in one run, for tracing's targets:
//
//	Line/outside  an Info line with three fields, JSONL to io.Discard, through
//	              the tracing core, no span;
//	Line/inside   the same line given tracing.Ctx of a span two deep (a
//	              request and a child with fields of their own), so it also
//	              carries the span keys and the child's fields;
//	Span/otel     Start and End of a bare OpenTelemetry SDK span, child of a
//	              root, on a provider with only the SDK's defaults;
//	Span/dynlog   tracing.Start and End on the same provider, child of a
//	              root, span events off.
//
// Both span benchmarks use one provider with no span processor: a processor
// (tracing's, or an exporter's) makes the SDK copy every span at End, a cost
// both would pay alike.
func BenchmarkTracing(b *testing.B) {
	newLogger := func(events bool) *zap.Logger {
		core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), zapcore.DebugLevel)
		form := tracing.EventsOff
		if events {
			form = tracing.EventsDynamo
		}
		return zap.New(tracing.NewCore(core, tracing.WithSpanEvents(form)), zap.AddCaller()).Named("dynamo_llm::http")
	}
	tp := sdktrace.NewTracerProvider()
	tracing.SetTracerProvider(tp)

	b.Run("Line", func(b *testing.B) {
		log := newLogger(false)
		ctx := tracing.WithLogger(context.Background(), log)
		ctx, root := tracing.Start(ctx, "http-request",
			zap.String("method", "POST"), zap.String("uri", "/v1/chat/completions"), zap.String("version", "HTTP/1.1"))
		defer root.End()
		ctx, child := tracing.Start(ctx, "kv_router.select_worker", zap.Int("workers", 8))
		defer child.End()
		line := func(extra ...zap.Field) {
			log.Info("selected worker",
				zap.String("worker_id", "w-17"), zap.Int("overlap_blocks", 42), zap.Float64("cost", 0.73), extra[0])
		}
		b.Run("outside", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				line(zap.Skip())
			}
		})
		b.Run("inside", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				line(tracing.Ctx(ctx))
			}
		})
	})

	b.Run("Span", func(b *testing.B) {
		b.Run("otel", func(b *testing.B) {
			tracer := tp.Tracer("bench")
			ctx, root := tracer.Start(context.Background(), "http-request")
			defer root.End()
			b.ReportAllocs()
			for b.Loop() {
				_, s := tracer.Start(ctx, "kv_router.select_worker")
				s.End()
			}
		})
		b.Run("dynlog", func(b *testing.B) {
			ctx := tracing.WithLogger(context.Background(), newLogger(false))
			ctx, root := tracing.Start(ctx, "http-request")
			defer root.End()
			b.ReportAllocs()
			for b.Loop() {
				_, s := tracing.Start(ctx, "kv_router.select_worker")
				s.End()
			}
		})
	})
}
