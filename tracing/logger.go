package tracing

import (
	"context"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
)

// Logger returns the logger for ctx: the one [WithLogger] put in it (else
// zap.L()), bound to the span in ctx, so that every line it writes carries
// the span's keys (trace_id, span_id, x_request_id and the rest) as if
// tracing.Ctx(ctx) were on each call. Behind [Middleware], a handler's
// Logger(r.Context()) is bound to the request's http-request span; in a
// span from [Start], to that span, whose logger is its parent's. It is
// [Bind] of the context's logger.
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
	return Bind(ctx, loggerFrom(ctx))
}

// Bind returns l bound to the span in ctx: l's lines keep l's name, which is
// their target, and l's filter, and carry the span's keys (trace_id,
// span_id, span_name, x_request_id and the rest) as [Logger]'s do. It is
// how a logger of another target logs inside a request's span:
//
//	db := core.Named(root, "svc::db") // made once; root is the unnamed logger core.New returned
//	...
//	tracing.Bind(r.Context(), db).Debug("query") // target svc::db, the request's trace_id
//
// Name the logger before binding it, from the unnamed root: zap joins
// nested names with ".", so core.Named(tracing.Logger(ctx), "svc::db") under
// a context logger named svc::http has the target svc::http.svc::db, which
// a directive svc::db=debug does not match. core.Named and zap's Named
// both join that way; only a name given to the unnamed logger is the
// whole target.
//
// Outside any span Bind returns l itself, allocating nothing. A nil l is the
// context's logger: Bind(ctx, nil) is Logger(ctx). A logger already bound to
// a span (by Bind, Logger or With(Ctx(…))) and bound again is in the new
// span: the encoders of package encoder, the filter and OTLP export take the
// last span put on a logger, so the new span's keys replace the old ones on
// its lines. (zap's own encoders, which print a span as an object under the
// key "span", print both; bind the unbound logger for them.)
//
// For a span of this package the bound logger is made on the first Bind of
// l and kept with the span, so later calls with the same l allocate nothing.
// A span keeps up to 8 such loggers (past that it forgets those it made
// before and makes them again on their next call); make named loggers once
// and bind them per request, since a logger made anew for each call is
// bound anew too.
func Bind(ctx context.Context, l *zap.Logger) *zap.Logger {
	if l == nil {
		l = loggerFrom(ctx)
	}
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return l
	}
	if s := recordOf(ctx, sc); s != nil {
		return s.logger(l)
	}
	return l.With(vocab.SpansField(foreignSpans(ctx, trace.SpanFromContext(ctx))))
}

// maxBound is how many bound loggers a span keeps.
const maxBound = 8

// boundLogger is a logger bound to a span's keys and the logger it was made
// from, in a list of those a span keeps, newest first. A list, once a
// span holds it, does not change: a new one is a new head.
type boundLogger struct {
	base, log *zap.Logger
	next      *boundLogger
	n         int // the number of loggers in the list from here
}

// find is the bound logger of base in the list from b, nil if none.
func (b *boundLogger) find(base *zap.Logger) *zap.Logger {
	for ; b != nil; b = b.next {
		if b.base == base {
			return b.log
		}
	}
	return nil
}

// logger is base bound to the span's keys, made once per base and kept:
// a span's lines normally come from a few loggers (the context's and a
// handful of named ones), so a short list holds them.
func (s *Span) logger(base *zap.Logger) *zap.Logger {
	head := s.bound.Load()
	if log := head.find(base); log != nil {
		return log
	}
	k := s.spans()
	if k == nil {
		return base
	}
	log := base.With(vocab.SpansField(k))
	for {
		b := &boundLogger{base: base, log: log, n: 1}
		if head != nil && head.n < maxBound {
			b.next, b.n = head, head.n+1
		}
		if s.bound.CompareAndSwap(head, b) {
			return log
		}
		// Another call kept a logger meanwhile: if it bound base too, its
		// logger is the one every caller gets.
		head = s.bound.Load()
		if other := head.find(base); other != nil {
			return other
		}
	}
}
