package core_test

import (
	"bytes"
	"strconv"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"go.uber.org/zap/zapcore"
)

// TestLoadThenBuild: a program reads the Config Load resolved, changes a
// setting and builds from it; each setting says where it came from.
func TestLoadThenBuild(t *testing.T) {
	var out, errOut bytes.Buffer
	cfg, err := config.Load(core.WithSystemConfig(""),
		core.WithEnv(coretest.Env(map[string]string{"DYN_LOGGING_JSONL": "0", "DYN_LOG": "warn"})),
		core.WithOutput(zapcore.AddSync(&out)), core.WithErrorOutput(zapcore.AddSync(&errOut)),
		core.WithClock(coretest.Clock(coretest.Pinned)), core.WithLocation(time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.JSONL.Value || cfg.JSONL.From.String() != "env DYN_LOGGING_JSONL" || cfg.Output.From.String() != "option WithOutput" {
		t.Fatalf("JSONL %v from %s, output from %s", cfg.JSONL.Value, cfg.JSONL.From, cfg.Output.From)
	}
	cfg.JSONL = config.Setting[bool]{Value: true, From: config.Source{Kind: config.FromOption, Name: "the program"}}
	log, err := core.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	file, line := coretest.Here()
	log.Warn("hello") // must stay on the line after coretest.Here()
	log.Info("filtered out by DYN_LOG=warn")
	want := `{"time":"2026-01-02T03:04:05.656503Z","level":"WARN","file":` + strconv.Quote(file) +
		`,"line":` + strconv.Itoa(line+1) + `,"target":"` + thisTarget + `","message":"hello"}` + "\n"
	if out.String() != want {
		t.Errorf("\n got %q\nwant %q", out.String(), want)
	}
	if errOut.Len() != 0 {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestBuildNil: a nil Config is an error that says what to do, not a panic.
func TestBuildNil(t *testing.T) {
	log, err := core.Build(nil)
	if want := "core: Build: a nil Config; make one with config.Load or config.LoadVLLM"; log != nil || err == nil || err.Error() != want {
		t.Errorf("Build(nil) = %v, %v; want nil, %q", log, err, want)
	}
}
