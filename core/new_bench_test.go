package core_test

import (
	"io"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"go.uber.org/zap/zapcore"
)

// BenchmarkNew/Disabled/unbound is the filter's unbound case (see
// filter/filter_bench_test.go) through the logger New returns: every core
// New installs (filter, once-only, tracing, the JSONL sink to io.Discard)
// and the entry clock it gives, with DYN_LOG=info,dynamo_runtime=debug so
// that a Debug call passes Enabled, on a logger named with zap's own Named,
// rejected in Check.
func BenchmarkNew(b *testing.B) {
	b.Run("Disabled", func(b *testing.B) {
		b.Run("unbound", func(b *testing.B) {
			log, err := core.New(
				core.WithEnv(coretest.Env(map[string]string{"DYN_LOG": "info,dynamo_runtime=debug", "DYN_LOGGING_JSONL": "1"})),
				core.WithOutput(zapcore.AddSync(io.Discard)),
				core.WithErrorOutput(zapcore.AddSync(io.Discard)),
				core.WithSystemConfig(""))
			if err != nil {
				b.Fatal(err)
			}
			log = log.Named("dynamo_llm::kv_router")
			if !log.Core().Enabled(zapcore.DebugLevel) || log.Check(zapcore.DebugLevel, "") != nil {
				b.Fatal("want a Debug call that passes Enabled and is rejected in Check")
			}
			b.ReportAllocs()
			for b.Loop() {
				log.Debug("kv router selected a worker")
			}
		})
	})
}
