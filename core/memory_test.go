package core_test

import (
	"runtime"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"go.uber.org/zap"
)

// countingSink counts what it is given and keeps nothing, like io.Discard.
type countingSink struct{ n int }

func (s *countingSink) Write(p []byte) (int, error) { s.n += len(p); return len(p), nil }
func (s *countingSink) Sync() error                 { return nil }

// TestNewMemoryProportional: through the whole stack of New and NewVLLM
// (filter, once-only, tracing, sink), one call with a 10 MB message and a
// 10 MB field allocates at most three times the line it writes.
func TestNewMemoryProportional(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates tens of megabytes")
	}
	const size = 10 << 20
	flat := strings.Repeat("payload ", size/8)
	lines := strings.Repeat(strings.Repeat("payload ", 12)+"request\n", size/104)
	for _, tc := range []struct {
		name string
		vars map[string]string
		new  func(...core.Option) (*zap.Logger, error)
		msg  string
	}{
		{"jsonl", map[string]string{"DYN_LOGGING_JSONL": "1"}, core.New, flat},
		{"readable", map[string]string{"DYN_LOGGING_CONSOLE_FORMAT": "readable"}, core.New, lines},
		{"vllm", map[string]string{}, core.NewVLLM, flat},
		{"vllm multi-line", map[string]string{"VLLM_LOGGING_PREFIX": "[%(name)s] "}, core.NewVLLM, lines},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sink := &countingSink{}
			log, err := tc.new(core.WithEnv(coretest.Env(tc.vars)), core.WithOutput(sink), core.WithSystemConfig(""))
			if err != nil {
				t.Fatal(err)
			}
			log = log.Named("big")
			log.Info(tc.msg, zap.String("payload", flat)) // warm-up
			runtime.GC()
			sink.n = 0
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			log.Info(tc.msg, zap.String("payload", flat))
			runtime.ReadMemStats(&after)
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("line %d bytes, allocated %d bytes (%.2f×)", sink.n, alloc, float64(alloc)/float64(sink.n))
			if sink.n < size || alloc > 3*uint64(sink.n) {
				t.Errorf("allocated %d bytes for a line of %d bytes: more than 3×", alloc, sink.n)
			}
		})
	}
}
