package bridge_test

import (
	"log"
	"os"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/bridge"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc/grpclog"
)

// The log package through the bridge: the line's target is the package
// that called log.Printf, as an unnamed logger's is.
func ExampleRedirectStdLog() {
	logger, err := core.New(
		core.WithEnv(func(string) (string, bool) { return "", false }),
		core.WithOutput(zapcore.AddSync(os.Stdout)),
		core.WithSystemConfig(""),
		core.WithClock(pinnedClock),
	)
	if err != nil {
		panic(err)
	}
	defer bridge.RedirectStdLog(logger)()
	log.Printf("listening on %s", ":8080")
	// Output:
	// 2026-01-02T03:04:05.656503Z  INFO github.com/dynlog/dynlog/core/bridge_test: listening on :8080
}

// gRPC's lines have target grpc, which the built-in defaults hold at error;
// DYN_LOG lowers it.
func ExampleRedirectGRPC() {
	vars := map[string]string{"DYN_LOG": "info,grpc=warn"}
	logger, err := core.New(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithOutput(zapcore.AddSync(os.Stdout)),
		core.WithSystemConfig(""),
		core.WithClock(pinnedClock),
	)
	if err != nil {
		panic(err)
	}
	defer bridge.RedirectGRPC(logger)()
	channel := grpclog.Component("core")
	channel.Info("not printed at grpc=warn")
	channel.Warningf("[Channel #1] connection to %s lost", "10.0.0.7:50051")
	// Output:
	// 2026-01-02T03:04:05.656503Z  WARN grpc: [core] [Channel #1] connection to 10.0.0.7:50051 lost
}
