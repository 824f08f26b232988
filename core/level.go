package core

import (
	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

// TraceLevel is Dynamo's TRACE, one below zap's Debug. Log at it with
// logger.Log(core.TraceLevel, msg, fields...); the layouts print it as TRACE.
const TraceLevel zapcore.Level = levels.Trace
