package encoder

import (
	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

// dynamoLevel is the level as Dynamo names it; zap's DPanic, Panic and Fatal
// are ERROR, anything below zap's Debug is TRACE.
func dynamoLevel(l zapcore.Level) string {
	switch {
	case l <= levels.Trace:
		return "TRACE"
	case l == zapcore.DebugLevel:
		return "DEBUG"
	case l == zapcore.InfoLevel:
		return "INFO"
	case l == zapcore.WarnLevel:
		return "WARN"
	}
	return "ERROR"
}

// vllmLevel is the level as Python's logging names it in vLLM's layout.
func vllmLevel(l zapcore.Level) string {
	switch {
	case l <= levels.Trace:
		return "TRACE"
	case l == zapcore.DebugLevel:
		return "DEBUG"
	case l == zapcore.InfoLevel:
		return "INFO"
	case l == zapcore.WarnLevel:
		return "WARNING"
	case l == zapcore.ErrorLevel:
		return "ERROR"
	}
	return "CRITICAL"
}
