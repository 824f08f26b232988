// Package levels holds the level facts the encoders and core share, so that
// the encoders need not import core.
package levels

import "go.uber.org/zap/zapcore"

// Trace is the level below zap's Debug, printed as TRACE.
// core.TraceLevel re-exports it.
const Trace = zapcore.DebugLevel - 1
