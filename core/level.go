package core

import (
	"fmt"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

// TraceLevel is Dynamo's TRACE, one below zap's Debug. Log at it with
// logger.Log(core.TraceLevel, msg, fields...); the layouts print it as TRACE.
const TraceLevel zapcore.Level = vocab.Trace

// parseVLLMLevel reads VLLM_LOGGING_LEVEL: Python's level names, upper-cased
// as vLLM does, plus TRACE ([vocab.ParseVLLMLevel]).
func parseVLLMLevel(s string) (zapcore.Level, error) {
	l, err := vocab.ParseVLLMLevel(s)
	if err != nil {
		return 0, fmt.Errorf("VLLM_LOGGING_LEVEL: %w", err)
	}
	return l, nil
}
