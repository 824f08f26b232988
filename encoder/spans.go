package encoder

import (
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap"
)

// The span types live in package vocab, which the filter, the once-only
// core and the tracing core share with the encoders; these names stay for
// code written against package encoder.

// SpansKey is [vocab.SpansKey].
const SpansKey = vocab.SpansKey

// Spans is [vocab.Spans], the trace context of one log line.
type Spans = vocab.Spans

// Span is [vocab.Span], one span in scope.
type Span = vocab.Span

// SpansField is [vocab.SpansField]: the field that carries s to the
// encoders of this package. A nil s is a field that prints nothing.
func SpansField(s *Spans) zap.Field { return vocab.SpansField(s) }
