package core_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap"
)

// A service's main: Init builds the logger once from the environment (here
// JSONL to a file), makes it zap's global logger and slog's default (a
// slog.Info line is this package's own) and starts tracing (its first line
// says whether spans are exported, as Dynamo's does);
// Shutdown, before the process exits, flushes what is buffered, stops the
// SIGHUP reloads and closes the file.
func ExampleInit() {
	dir, err := os.MkdirTemp("", "dynlog-init-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "frontend.log")
	os.Setenv("DYN_LOGGING_JSONL", "1")
	os.Setenv("DYN_LOGGING_FILE", path)
	defer os.Unsetenv("DYN_LOGGING_JSONL")
	defer os.Unsetenv("DYN_LOGGING_FILE")

	log := core.Init()
	log.Named("dynamo_llm::http").Info("listening", zap.Int("port", 8000))
	zap.L().Named("dynamo_llm::http").Info("zap.L() is the same logger")
	slog.Info("and slog's default")
	if err := core.Shutdown(context.Background()); err != nil {
		fmt.Println("shutdown:", err)
	}

	f, err := os.Open(path)
	if err != nil {
		panic(err)
	}
	defer f.Close()
	for sc := bufio.NewScanner(f); sc.Scan(); {
		var line struct{ Target, Message string }
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			panic(err)
		}
		fmt.Println(line.Target, "|", line.Message)
	}
	// Output:
	// dynamo_runtime::logging | OpenTelemetry OTLP export disabled, traces local only
	// dynamo_llm::http | listening
	// dynamo_llm::http | zap.L() is the same logger
	// github.com/dynlog/dynlog/core_test | and slog's default
}
