package filter

import "go.uber.org/zap/zapcore"

// Unwrap is the core the filter gates, for code that looks for a core
// inside (the tracing package finds its span-event switch this way).
func (c *filterCore) Unwrap() zapcore.Core { return c.inner }
