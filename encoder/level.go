package encoder

import (
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

// dynamoLevel is the level as Dynamo names it: [vocab.DynamoName].
func dynamoLevel(l zapcore.Level) string { return vocab.DynamoName(l) }

// vllmLevel is the level as Python's logging names it in vLLM's layout:
// [vocab.VLLMName].
func vllmLevel(l zapcore.Level) string { return vocab.VLLMName(l) }
