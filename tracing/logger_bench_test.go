package tracing_test

import (
	"context"
	"io"
	"testing"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// BenchmarkBind is an Info line, JSONL to io.Discard, from a logger bound
// to a span (Start's, events off) on each call: the context's logger
// (span/logger: tracing.Logger(ctx)), another named logger
// (span/bind: tracing.Bind(ctx, db)), both in turn (span/both, two lines),
// and Bind outside any span (no-span/bind).
func BenchmarkBind(b *testing.B) {
	c := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), zapcore.DebugLevel)
	root := zap.New(tracing.NewCore(c))
	db := root.Named("svc::db")
	base := tracing.WithLogger(context.Background(), root.Named("svc::http"))
	inSpan, span := tracing.Start(base, "request")
	defer span.End()
	for _, bc := range []struct {
		name string
		call func()
	}{
		{"span/logger", func() { tracing.Logger(inSpan).Info("query") }},
		{"span/bind", func() { tracing.Bind(inSpan, db).Info("query") }},
		{"span/both", func() {
			tracing.Logger(inSpan).Info("query")
			tracing.Bind(inSpan, db).Info("query")
		}},
		{"no-span/bind", func() { tracing.Bind(base, db).Info("query") }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.call()
			}
		})
	}
}
