package benchmarks

import (
	"context"
	"io"
	"runtime"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
)

// BenchmarkContextLogger is a line of dynlog-jsonl in a span, and outside
// one, with the span's keys put on by tracing.Ctx on the call (ctx-field)
// and by the context's logger (context-logger: tracing.Logger(ctx) on each
// call): BenchmarkContextLogger/<span|no-span>/<way>.
func BenchmarkContextLogger(b *testing.B) {
	for _, inSpan := range []bool{true, false} {
		name := "no-span"
		if inSpan {
			name = "span"
		}
		b.Run(name, func(b *testing.B) {
			for _, w := range contextWays {
				b.Run(w.name, func(b *testing.B) {
					log := newDynlog(b, core.New, io.Discard, "DYN_LOGGING_CONSOLE_FORMAT", "jsonl")
					ctx := tracing.WithLogger(context.Background(), log)
					if inSpan {
						var span *tracing.Span
						ctx, span = tracing.Start(ctx, "request")
						defer span.End()
					}
					call := w.call(log, ctx)
					b.ReportAllocs()
					// Each benchmark starts from a collected heap, so that
					// the garbage of the one before is not collected on
					// its time: the allocating scenarios otherwise switch
					// between two speeds from round to round.
					runtime.GC()
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							call()
						}
					})
				})
			}
		})
	}
}

// contextWays are the two ways of putting a context's span on a line.
var contextWays = []struct {
	name string
	call func(log *zap.Logger, ctx context.Context) func()
}{
	{"ctx-field", func(log *zap.Logger, ctx context.Context) func() {
		return func() { log.Info(benchMessage, tracing.Ctx(ctx)) }
	}},
	{"context-logger", func(_ *zap.Logger, ctx context.Context) func() {
		return func() { tracing.Logger(ctx).Info(benchMessage) }
	}},
}
