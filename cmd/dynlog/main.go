// Command dynlog is dynlog's command-line companion. Today it prints what
// the three layouts look like; the three-service traced demo, the JSONL
// viewer, the validator and the span waterfall come in later releases.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

const usage = `dynlog: logs that read, parse and correlate like NVIDIA Dynamo's and vLLM's.

Usage:
  dynlog demo        print sample lines in the Dynamo readable, Dynamo JSONL
                     and vLLM layouts (the traced three-service demo is not
                     yet available)
  dynlog validate    not yet available
  dynlog view        not yet available
  dynlog trace       not yet available
  dynlog --help      this text
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "demo":
		return demo(args[1:], stdout, stderr)
	case "validate", "view", "trace":
		fmt.Fprintf(stderr, "dynlog %s: not yet available in this release\n", args[0])
		return 1
	}
	fmt.Fprintf(stderr, "dynlog: unknown command %q (try dynlog --help)\n", args[0])
	return 2
}

func demo(args []string, stdout, stderr io.Writer) int {
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
