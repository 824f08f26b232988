package filter

import (
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

var _ vocab.Unwrapper = (*filterCore)(nil)

// Unwrap is the core the filter gates: the core implements
// [vocab.Unwrapper], through which the tracing package finds its
// span-event setting and the once-only helpers their memory.
func (c *filterCore) Unwrap() zapcore.Core { return c.inner }
