package core

import (
	"fmt"

	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

// TraceLevel is Dynamo's TRACE, one below zap's Debug. Log at it with
// logger.Log(core.TraceLevel, msg, fields...); the layouts print it as TRACE.
const TraceLevel zapcore.Level = levels.Trace

// parseVLLMLevel reads VLLM_LOGGING_LEVEL: Python's level names, upper-cased
// as vLLM does, plus TRACE.
func parseVLLMLevel(s string) (zapcore.Level, error) {
	l, err := levels.ParseVLLM(s)
	if err != nil {
		return 0, fmt.Errorf("VLLM_LOGGING_LEVEL: %w", err)
	}
	return l, nil
}
