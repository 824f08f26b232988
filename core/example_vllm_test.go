package core_test

import (
	"os"
	"time"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap/zapcore"
)

// NewVLLM with the variables vLLM users already set. (The [file:line] is
// this line of this file: it moves if the lines above it do.)
func ExampleNewVLLM() {
	vars := map[string]string{"VLLM_LOGGING_PREFIX": "[rank0] ", "VLLM_LOGGING_LEVEL": "WARNING"}
	log, err := core.NewVLLM(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithOutput(zapcore.AddSync(os.Stdout)),
		core.WithClock(pinnedClock),
		core.WithLocation(time.UTC), // vLLM prints local time; pinned here
	)
	if err != nil {
		panic(err)
	}
	log.Info("not printed at WARNING")
	log.Warn("KV cache is 95% full")
	// Output:
	// [rank0] WARNING 01-02 03:04:05 [example_vllm_test.go:25] KV cache is 95% full
}
