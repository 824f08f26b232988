package core_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/internal/conformance"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestPresetsConformance runs the conformance table through the cores that
// New and NewVLLM build, each layout chosen by the preset's own variables.
func TestPresetsConformance(t *testing.T) {
	presets := map[conformance.Layout]struct {
		new  func(...core.Option) (*zap.Logger, error)
		vars map[string]string
	}{
		conformance.JSONL:         {core.New, map[string]string{"DYN_LOG": "trace", "DYN_LOGGING_JSONL": "1"}},
		conformance.Readable:      {core.New, map[string]string{"DYN_LOG": "trace"}},
		conformance.ReadableColor: {core.New, map[string]string{"DYN_LOG": "trace", "FORCE_COLOR": "1"}},
		conformance.VLLM:          {core.NewVLLM, map[string]string{"DYN_LOG": "trace"}},
		conformance.VLLMColor:     {core.NewVLLM, map[string]string{"DYN_LOG": "trace", "VLLM_LOGGING_COLOR": "1"}},
	}
	for _, l := range conformance.Layouts {
		p := presets[l]
		for _, c := range conformance.Cases {
			t.Run(string(l)+"/"+c.Name, func(t *testing.T) {
				var out bytes.Buffer
				log, err := p.new(core.WithEnv(coretest.Env(p.vars)), core.WithOutput(zapcore.AddSync(&out)), core.WithSystemConfig(""),
					core.WithLocation(time.UTC)) // vLLM prints local time; the table is in UTC
				if err != nil {
					t.Fatal(err)
				}
				var lc zapcore.Core = log.Core()
				if len(c.Context) > 0 {
					lc = lc.With(c.Context)
				}
				ce := lc.Check(c.Entry, nil)
				if ce == nil {
					t.Fatalf("preset refused %v", c.Entry.Level)
				}
				ce.Write(c.Fields...)
				if got, want := out.String(), c.Want[l]; got != want {
					t.Errorf("\n got %q\nwant %q", got, want)
				}
			})
		}
	}
}
