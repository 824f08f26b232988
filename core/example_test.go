package core_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// New configured from a map instead of the process environment, as a test
// would. DYN_LOGGING_JSONL picks the layout; DYN_LOG the level.
func ExampleNew() {
	vars := map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "debug"}
	log, err := core.New(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithOutput(zapcore.AddSync(os.Stdout)),
		core.WithClock(pinnedClock),
	)
	if err != nil {
		panic(err)
	}
	log = log.WithOptions(zap.WithCaller(false)) // file paths differ per machine
	log.Named("dynamo_runtime::logging").Debug("listening", zap.Int("port", 9090))
	log.Log(core.TraceLevel, "not printed at debug")
	// Output:
	// {"time":"2026-01-02T03:04:05.656503Z","level":"DEBUG","target":"dynamo_runtime::logging","message":"listening","port":9090}
}

// Two loggers that name one file share it; each is closed with Close, and
// the file is closed with the last of them.
func ExampleClose() {
	dir, err := os.MkdirTemp("", "dynlog-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	vars := map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_FILE": filepath.Join(dir, "worker.log")}
	var logs []*zap.Logger
	for range 2 {
		log, err := core.New(
			core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
			core.WithSystemConfig(""),
			core.WithClock(pinnedClock),
		)
		if err != nil {
			panic(err)
		}
		logs = append(logs, log.WithOptions(zap.WithCaller(false)).Named("worker"))
	}
	logs[0].Info("from the first")
	logs[1].Info("from the second")
	for _, log := range logs {
		if err := core.Close(log); err != nil {
			panic(err)
		}
	}
	data, err := os.ReadFile(vars["DYN_LOGGING_FILE"])
	if err != nil {
		panic(err)
	}
	fmt.Print(string(data))
	// Output:
	// {"time":"2026-01-02T03:04:05.656503Z","level":"INFO","target":"worker","message":"from the first"}
	// {"time":"2026-01-02T03:04:05.656503Z","level":"INFO","target":"worker","message":"from the second"}
}
