package core_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap/zapcore"
)

// Levels change while the process runs. The logger's filter is an HTTP
// handler (serve it on loopback): GET shows it, PUT overrides it, DELETE
// removes the override. Reload reads the TOML files and DYN_LOG again, as
// SIGHUP does after core.Init, beneath an override, which stays in force
// until it is deleted. Each change writes one INFO line of target "dynlog".
func ExampleReload() {
	dir, _ := os.MkdirTemp("", "dynlog-example-")
	defer os.RemoveAll(dir)
	conf := filepath.Join(dir, "logging.toml")
	os.WriteFile(conf, []byte("log_level = \"warn\"\n"), 0o644)
	vars := map[string]string{"DYN_LOGGING_CONFIG_PATH": conf}
	opts := []core.Option{
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""),
		core.WithOutput(zapcore.AddSync(io.Discard)),
	}
	log, err := core.New(opts...)
	if err != nil {
		panic(err)
	}
	router := log.Named("dynamo_llm::kv_router")

	levels := httptest.NewServer(filter.Handler(log.Core()))
	defer levels.Close()
	show := func(when string) {
		resp, err := http.Get(levels.URL)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		var got struct{ Filter string }
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			panic(err)
		}
		// The filter starts with its default level; the built-in defaults
		// (h2=error, tonic=error, …) follow unless a PUT left them out.
		level, _, _ := strings.Cut(got.Filter, ",")
		fmt.Printf("%s: default %s, router at debug: %v\n", when, level, router.Check(zapcore.DebugLevel, "x") != nil)
	}
	show("from the TOML file")

	req, _ := http.NewRequest(http.MethodPut, levels.URL, strings.NewReader("warn,dynamo_llm::kv_router=debug"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	show("after PUT")

	os.WriteFile(conf, []byte("log_level = \"info\"\n"), 0o644)
	if err := core.Reload(log, opts...); err != nil {
		panic(err)
	}
	show("after Reload")

	req, _ = http.NewRequest(http.MethodDelete, levels.URL, nil)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	resp.Body.Close()
	show("after DELETE")
	// Output:
	// from the TOML file: default warn, router at debug: false
	// after PUT: default warn, router at debug: true
	// after Reload: default warn, router at debug: true
	// after DELETE: default info, router at debug: false
}

// Named binds the filter's level for a target into the logger: a call the
// filter drops then costs what zap's disabled call costs. Make such loggers
// once, at start-up, and keep them.
func ExampleNamed() {
	vars := map[string]string{"DYN_LOG": "warn,dynamo_llm::kv_router=debug"}
	log, err := core.New(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""),
		core.WithOutput(zapcore.AddSync(os.Stdout)),
		core.WithClock(pinnedClock))
	if err != nil {
		panic(err)
	}
	router := core.Named(log, "dynamo_llm::kv_router")
	frontend := core.Named(log, "dynamo_llm::http")

	router.Debug("selected worker")   // debug passes for the router
	frontend.Info("request received") // below warn: dropped for the rest
	frontend.Warn("slow request")
	// Output:
	// 2026-01-02T03:04:05.656503Z DEBUG dynamo_llm::kv_router: selected worker
	// 2026-01-02T03:04:05.656503Z  WARN dynamo_llm::http: slow request
}
