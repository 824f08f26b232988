package tracing

import (
	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The messages of the span lifecycle events (DESIGN §9.3), as Dynamo
// prints them.
const (
	created = "SPAN_CREATED"
	closed  = "SPAN_CLOSED"
)

// spanEvents is where a span's events go: its logger, without zap's own
// caller lookup, and the call site they report instead.
type spanEvents struct {
	log    *zap.Logger
	caller zapcore.EntryCaller // undefined for spans made through the OTel API
}

// event writes a lifecycle event of s at its level, call site and target,
// through its logger's cores: the filter passes or drops it like any line.
func (s *Span) event(msg string, extra ...zap.Field) {
	ce := s.events.log.Check(s.level, msg)
	if ce == nil {
		return
	}
	ce.Caller = s.events.caller
	fields := make([]zap.Field, 0, 1+len(extra))
	fields = append(fields, encoder.SpansField(s.spans()))
	ce.Write(append(fields, extra...)...)
}
