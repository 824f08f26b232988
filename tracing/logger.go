package tracing

import (
	"context"

	"github.com/dynlog/dynlog/encoder"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
)

// Logger returns the logger for ctx: the one [WithLogger] put in it (else
// zap.L()), bound to the span in ctx, so that every line it writes carries
// the span's keys (trace_id, span_id, x_request_id and the rest) as if
// tracing.Ctx(ctx) were on each call. Behind [Middleware], a handler's
// Logger(r.Context()) is bound to the request's http-request span; in a
// span from [Start], to that span, whose logger is its parent's.
//
//	func serve(w http.ResponseWriter, r *http.Request) {
//		log := tracing.Logger(r.Context())
//		log.Info("routing", zap.String("model", m)) // with the request's trace_id
//	}
//
// Outside any span it is the context's logger itself, and costs a context
// lookup without allocating. For a span of this package (Start, Middleware,
// or the OpenTelemetry API with the span processor) the bound logger is
// made on the first call and kept with the span, so later calls allocate
// nothing either.
func Logger(ctx context.Context) *zap.Logger {
	base := loggerFrom(ctx)
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return base
	}
	if s := recordOf(ctx, sc); s != nil {
		return s.logger(base)
	}
	return base.With(encoder.SpansField(foreignSpans(ctx, trace.SpanFromContext(ctx))))
}

// boundLogger is a logger bound to a span's keys, and the logger it was
// made from.
type boundLogger struct {
	base, log *zap.Logger
}

// logger is base bound to the span's keys, made once per base: a span's
// context normally holds one logger, so one is kept.
func (s *Span) logger(base *zap.Logger) *zap.Logger {
	if b := s.bound.Load(); b != nil && b.base == base {
		return b.log
	}
	k := s.spans()
	if k == nil {
		return base
	}
	b := &boundLogger{base: base, log: base.With(encoder.SpansField(k))}
	s.bound.Store(b)
	return b.log
}
