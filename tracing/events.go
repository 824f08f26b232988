package tracing

import (
	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
)

// The messages of the span lifecycle events (DESIGN §9.3), as Dynamo
// prints them.
const (
	created = "SPAN_CREATED"
	closed  = "SPAN_CLOSED"
)

// event writes a lifecycle event of s at its level, call site and target,
// through its logger's cores: the filter passes or drops it like any line.
func (s *Span) event(msg string, extra ...zap.Field) {
	ce := s.log.Check(s.level, msg)
	if ce == nil {
		return
	}
	ce.Caller = s.caller
	fields := make([]zap.Field, 0, 1+len(extra))
	fields = append(fields, encoder.SpansField(s.spans))
	ce.Write(append(fields, extra...)...)
}
