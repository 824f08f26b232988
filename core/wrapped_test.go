package core_test

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestWrappedCores: a logger of New wrapped by zap.Hooks, zap's sampler,
// zap.WrapCore or a tee keeps its filter handle (AtomicOf, Reload, Named),
// its once-only lines and its span events.
func TestWrappedCores(t *testing.T) {
	wrappers := []struct {
		name string
		opt  zap.Option
	}{
		{"zap.Hooks", zap.Hooks(func(zapcore.Entry) error { return nil })},
		{"sampler", zap.WrapCore(func(c zapcore.Core) zapcore.Core {
			return zapcore.NewSamplerWithOptions(c, time.Hour, 1000, 1000)
		})},
		{"WrapCore", zap.WrapCore(func(c zapcore.Core) zapcore.Core { return struct{ zapcore.Core }{c} })},
		{"tee", zap.WrapCore(func(c zapcore.Core) zapcore.Core {
			other, _ := observer.New(zapcore.FatalLevel)
			return zapcore.NewTee(c, other)
		})},
	}
	for _, w := range wrappers {
		t.Run(w.name, func(t *testing.T) {
			var mu sync.Mutex
			vars := map[string]string{"DYN_LOG": "warn", "DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "1"}
			lookup := func(k string) (string, bool) {
				mu.Lock()
				defer mu.Unlock()
				v, ok := vars[k]
				return v, ok
			}
			var out bytes.Buffer
			opts := []core.Option{core.WithEnv(lookup), core.WithOutput(zapcore.AddSync(&out)), core.WithSystemConfig(""),
				core.WithErrorOutput(zapcore.AddSync(&out)), core.WithClock(coretest.Clock(coretest.Pinned))}
			base, err := core.New(opts...)
			if err != nil {
				t.Fatal(err)
			}
			log := base.WithOptions(w.opt)

			if a := filter.AtomicOf(log.Core()); a == nil || a != filter.AtomicOf(base.Core()) {
				t.Fatalf("AtomicOf = %p, want the logger's own %p", a, filter.AtomicOf(base.Core()))
			}
			svc := core.Named(log, "svc")
			svc.Info("hidden: below warn")
			mu.Lock()
			vars["DYN_LOG"] = "info"
			mu.Unlock()
			if err := core.Reload(log, opts...); err != nil {
				t.Fatalf("Reload: %v", err)
			}
			svc.Info("shown: after Reload")
			for range 3 {
				dedup.WarnOnce(log, "once")
			}
			_, span := tracing.Start(tracing.WithLogger(context.Background(), svc), "op")
			span.End()

			var msgs []string
			for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				_, msg, _ := strings.Cut(l, `"message":"`)
				msg, _, _ = strings.Cut(msg, `"`)
				msgs = append(msgs, msg)
			}
			want := "shown: after Reload,once,SPAN_FIRST_ENTRY,SPAN_CLOSED"
			got := strings.Join(msgs, ",")
			if strings.HasPrefix(got, "filter replaced by core.Reload: 1 directive added, 1 removed; added info; removed warn,") {
				got = strings.TrimPrefix(got, "filter replaced by core.Reload: 1 directive added, 1 removed; added info; removed warn,")
			} else {
				t.Errorf("no audit line for the reload first")
			}
			if got != want {
				t.Errorf("messages %s, want %s\n%s", got, want, out.String())
			}
		})
	}
}
