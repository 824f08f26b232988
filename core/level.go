package core

import (
	"fmt"
	"strings"

	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

// TraceLevel is Dynamo's TRACE, one below zap's Debug. Log at it with
// logger.Log(core.TraceLevel, msg, fields...); the layouts print it as TRACE.
const TraceLevel zapcore.Level = levels.Trace

// parseVLLMLevel reads VLLM_LOGGING_LEVEL: Python's level names, upper-cased
// as vLLM does, plus TRACE.
func parseVLLMLevel(s string) (zapcore.Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "TRACE":
		return TraceLevel, nil
	case "DEBUG":
		return zapcore.DebugLevel, nil
	case "INFO":
		return zapcore.InfoLevel, nil
	case "WARNING", "WARN":
		return zapcore.WarnLevel, nil
	case "ERROR":
		return zapcore.ErrorLevel, nil
	case "CRITICAL", "FATAL":
		return zapcore.DPanicLevel, nil
	}
	return 0, fmt.Errorf("VLLM_LOGGING_LEVEL: unknown level %q (want DEBUG, INFO, WARNING, ERROR, CRITICAL or TRACE)", s)
}
