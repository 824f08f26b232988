package filter

import (
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

var _ vocab.Unwrapper = (*filterCore)(nil)

// Unwrap is the core the filter gates ([vocab.Unwrapper]): the way into
// the cores inside for a lookup that starts at a wrapper outside this
// module.
func (c *filterCore) Unwrap() zapcore.Core { return c.inner }
