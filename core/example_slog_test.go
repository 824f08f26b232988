package core_test

import (
	"context"
	"log/slog"
	"os"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// NewSlog is New for log/slog: the same configuration and the same lines.
// The target comes from core.Target (or from the name of the zap logger
// given to NewSlogHandler), and DYN_LOG's directives decide by it; a line
// without one is filed under the calling package.
func ExampleNewSlog() {
	vars := map[string]string{"DYN_LOG": "info,dynamo_llm::kv_router=debug"}
	slg, err := core.NewSlog(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""),
		core.WithOutput(zapcore.AddSync(os.Stdout)),
		core.WithClock(pinnedClock),
	)
	if err != nil {
		panic(err)
	}
	router := slg.With(core.Target("dynamo_llm::kv_router"))
	router.Debug("selected worker", "worker", "decode-0", slog.Group("load", "kv", 0.25))
	slg.Debug("not printed: this package is at info")
	slg.WithGroup("req").Info("served", "status", 200)
	// Output:
	// 2026-01-02T03:04:05.656503Z DEBUG dynamo_llm::kv_router: selected worker worker="decode-0" load={"kv":0.25}
	// 2026-01-02T03:04:05.656503Z  INFO github.com/dynlog/dynlog/core_test: served req.status=200
}

// NewSlogHandler puts a zap logger's lines on slog: the logger's name is the
// target, so a logger from core.Named keeps its bound level.
func ExampleNewSlogHandler() {
	log, err := core.New(
		core.WithEnv(func(string) (string, bool) { return "", false }),
		core.WithSystemConfig(""),
		core.WithOutput(zapcore.AddSync(os.Stdout)),
		core.WithClock(pinnedClock),
	)
	if err != nil {
		panic(err)
	}
	slg := slog.New(core.NewSlogHandler(core.Named(log, "dynamo_llm::http"), core.WithLoggerClock()))
	slg.InfoContext(context.Background(), "listening", "port", 8000)
	log.Named("dynamo_llm::http").Info("listening", zap.Int("port", 8000))
	// Output:
	// 2026-01-02T03:04:05.656503Z  INFO dynamo_llm::http: listening port=8000
	// 2026-01-02T03:04:05.656503Z  INFO dynamo_llm::http: listening port=8000
}
