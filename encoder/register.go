package encoder

import (
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Registered encoder names, for [zap.Config.Encoding].
const (
	JSONLName    = "dynamo-jsonl"
	ReadableName = "dynamo-readable"
	VLLMName     = "vllm"
)

func init() {
	register(JSONLName, NewJSONL)
	register(ReadableName, NewReadable)
	register(VLLMName, NewVLLM)
}

// register makes a layout available to zap.Config. The layouts are fixed, so
// the zapcore.EncoderConfig zap passes is not consulted: key names, time and
// level encoders there do not change the bytes. Colour, time zone and
// prefix are not reachable this way; use core.New, core.NewVLLM or the New
// functions of this package for them.
func register(name string, newEncoder func(...Option) zapcore.Encoder) {
	err := zap.RegisterEncoder(name, func(zapcore.EncoderConfig) (zapcore.Encoder, error) {
		return newEncoder(), nil
	})
	if err != nil {
		// Only a second registration of the same name fails, and init runs once.
		panic(err)
	}
}
