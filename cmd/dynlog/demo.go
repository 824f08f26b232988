package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func demo(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: dynlog demo\n\nPrints the same few log calls in each layout dynlog speaks.\n"+
			"The traced three-service demo is not yet available.\n")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	out := zapcore.AddSync(stdout)
	for _, layout := range []struct {
		title string
		env   map[string]string
		new   func(...core.Option) (*zap.Logger, error)
	}{
		{"Dynamo readable (DYN_LOGGING_JSONL unset)", nil, core.New},
		{"Dynamo JSONL (DYN_LOGGING_JSONL=1)", map[string]string{"DYN_LOGGING_JSONL": "1"}, core.New},
		{"vLLM (VLLM_LOGGING_PREFIX='[node-0] ')", map[string]string{"VLLM_LOGGING_PREFIX": "[node-0] "}, core.NewVLLM},
	} {
		fmt.Fprintf(stdout, "== %s\n", layout.title)
		env := layout.env
		log, err := layout.new(core.WithOutput(out), core.WithEnv(func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		}))
		if err != nil {
			fmt.Fprintf(stderr, "dynlog demo: %v\n", err)
			return 1
		}
		router := log.Named("dynamo_llm::kv_router")
		router.Info("selected worker", zap.String("worker", "decode-0"), zap.Int("overlap_blocks", 12), zap.Float64("load", 0.75))
		router.Warn("prefill queue is deep\nconsider another prefill worker", zap.Int("queued", 42))
		log.Named("dynamo_runtime::system_status_server").Error("health check failed", zap.Error(errors.New("connection refused")))
		_ = log.Sync()
	}
	fmt.Fprintln(stdout, "\nThe traced request across three services is not yet available in this release.")
	return 0
}
