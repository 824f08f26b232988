package config_test

import (
	"fmt"
	"os"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/config"
	"go.uber.org/zap/zapcore"
)

type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                         { return c.t }
func (c fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// Load resolves the settings; the program reads them, changes one, and
// builds the logger from them.
func ExampleLoad() {
	vars := map[string]string{"DYN_LOGGING_CONSOLE_FORMAT": "readable", "DYN_LOG": "warn"}
	cfg, err := config.Load(
		config.WithSystemConfig(""),
		config.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		config.WithOutput(zapcore.AddSync(os.Stdout)),
		config.WithClock(fixedClock{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}))
	if err != nil {
		panic(err)
	}
	fmt.Println("JSONL:", cfg.JSONL.Value, "from", cfg.JSONL.From)
	fmt.Println("max line bytes:", cfg.MaxLineBytes.Value, "from", cfg.MaxLineBytes.From)
	cfg.MaxLineBytes = config.Setting[int]{Value: 200, From: config.Source{Kind: config.FromOption, Name: "the program"}}

	log, err := core.Build(cfg)
	if err != nil {
		panic(err)
	}
	log.Info("filtered out: DYN_LOG=warn")
	log.Warn("printed")
	// Output:
	// JSONL: false from env DYN_LOGGING_CONSOLE_FORMAT
	// max line bytes: 0 from built-in
	// 2026-01-02T03:04:05.000000Z  WARN github.com/dynlog/dynlog/core/config_test: printed
}
