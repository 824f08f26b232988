package filter_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/clock"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The filter benchmarks, each beside plain zap in the same run:
//
//	Disabled — a Debug call that prints nothing: zap's disabled call
//	           (a core at info), a filtered-out call on a logger made with
//	           filter.Named (bound), and one on a logger made with zap's
//	           own Named (unbound), which the per-name cache rejects.
//	           zap-check is the floor for the unbound case: a core that
//	           passes Enabled and rejects in Check at no cost, so what zap
//	           does between the two (it reads the clock) is all it measures.
//	           Both read the clock core.New gives its loggers
//	           (core.MonotonicClock); the -timenow variants read zap's
//	           default clock, time.Now, as a logger made with zap.New does.
//	Allowed  — an Info call with three fields that prints, through the same
//	           encoder and the same inner core, with and without the filter.
//	Parse    — filter.Parse of a 50-directive spec.
//	Span     — benchSpec plus [http-request]=debug, on a bound logger: a
//	           Debug call with no span, which only Write can reject
//	           (outside); one in http-request, which prints (inside); and
//	           a trace call, which Enabled still rejects (disabled).
//
// The loops are sequential (b.Loop), so ns/op is the cost of one call. The
// names pair up for internal/tools/benchreport:
// BenchmarkFilter/<scenario>/<variant>.

// benchTarget is matched by no directive of benchSpec but the default.
const benchTarget = "dynamo_llm::kv_router"

// benchSpec is a DYN_LOG a user might set, with Dynamo's built-in defaults
// for its noisy dependencies. dynamo_runtime=debug makes debug the lowest
// level any target prints at, so an unbound logger's Debug call passes
// Enabled and is decided in Check, by name.
var benchSpec = "info,dynamo_runtime=debug," + strings.Join([]string{
	"h2", "tower", "hyper_util", "neli", "async_nats", "rustls", "tokenizers",
	"axum", "tonic", "hf_hub", "opentelemetry", "opentelemetry_sdk", "grpc", "otel",
}, "=error,") + "=error"

// openLevel is the inner core's level under a filter: the filter is the
// gate, so the core behind it lets through every level, trace included.
const openLevel = zapcore.DebugLevel - 1

// spec50 is a spec of 50 distinct directives in each form Parse reads:
// LEVEL, TARGET=LEVEL, TARGET:LEVEL, a bare TARGET and numeric levels.
func spec50() string {
	parts := strings.Split(benchSpec, ",") // 16 directives
	forms := []string{"%s=debug", "%s:warn", "%s=4", "%s", "%s=WARNING", "%s=off"}
	for i := 0; len(parts) < 50; i++ {
		parts = append(parts, fmt.Sprintf(forms[i%len(forms)], fmt.Sprintf("dynamo_llm::module_%02d", i)))
	}
	return strings.Join(parts, ",")
}

func parseBench(b *testing.B, spec string) *filter.Filter {
	b.Helper()
	f, err := filter.Parse(spec)
	if err != nil {
		b.Fatalf("Parse(%q): %v", spec, err)
	}
	return f
}

// logAllowed is the allowed call: an Info line with three fields, built at
// the call site.
func logAllowed(log *zap.Logger) {
	log.Info("kv router selected a worker",
		zap.String("model", "Qwen/Qwen3-0.6B"),
		zap.Int64("worker_id", 7),
		zap.Duration("elapsed", 1500*time.Microsecond))
}

var parsed *filter.Filter

// rejectAtCheck passes every level in Enabled and rejects every entry in
// Check: the least a core that decides by logger name can cost.
type rejectAtCheck struct{ zapcore.Core }

var _ zapcore.Core = rejectAtCheck{}

func (rejectAtCheck) Enabled(zapcore.Level) bool { return true }

func (rejectAtCheck) Check(_ zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	return ce
}

func BenchmarkFilter(b *testing.B) {
	f := parseBench(b, benchSpec)

	b.Run("Disabled", func(b *testing.B) {
		disabled := func(b *testing.B, log *zap.Logger) {
			if log.Core().Enabled(zapcore.DebugLevel) && log.Check(zapcore.DebugLevel, "") != nil {
				b.Fatal("the benchmarked Debug call would print")
			}
			b.ReportAllocs()
			for b.Loop() {
				log.Debug("kv router selected a worker")
			}
		}
		b.Run("zap", func(b *testing.B) {
			core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), zapcore.InfoLevel)
			disabled(b, zap.New(core).Named(benchTarget))
		})
		zapCheck := func(opts ...zap.Option) func(b *testing.B) {
			return func(b *testing.B) {
				core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), openLevel)
				disabled(b, zap.New(rejectAtCheck{core}, opts...).Named(benchTarget))
			}
		}
		b.Run("zap-check", zapCheck(zap.WithClock(clock.Default)))
		b.Run("zap-check-timenow", zapCheck())
		b.Run("bound", func(b *testing.B) {
			core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), openLevel)
			log := filter.Named(zap.New(filter.NewCore(core, f)), benchTarget)
			if log.Core().Enabled(zapcore.DebugLevel) {
				b.Fatal("a bound logger's Debug passes Enabled; want it rejected there")
			}
			disabled(b, log)
		})
		unbound := func(opts ...zap.Option) func(b *testing.B) {
			return func(b *testing.B) {
				core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), openLevel)
				log := zap.New(filter.NewCore(core, f), opts...).Named(benchTarget)
				if !log.Core().Enabled(zapcore.DebugLevel) {
					b.Fatal("an unbound logger's Debug fails Enabled; want it decided in Check")
				}
				disabled(b, log)
			}
		}
		b.Run("unbound", unbound(zap.WithClock(clock.Default)))
		b.Run("unbound-timenow", unbound())
	})

	b.Run("Allowed", func(b *testing.B) {
		allowed := func(b *testing.B, log *zap.Logger) {
			if log.Check(zapcore.InfoLevel, "") == nil {
				b.Fatal("the benchmarked Info call would not print")
			}
			b.ReportAllocs()
			for b.Loop() {
				logAllowed(log)
			}
		}
		b.Run("zap", func(b *testing.B) {
			core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), openLevel)
			allowed(b, zap.New(core).Named(benchTarget))
		})
		b.Run("bound", func(b *testing.B) {
			core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), openLevel)
			allowed(b, filter.Named(zap.New(filter.NewCore(core, f)), benchTarget))
		})
		b.Run("unbound", func(b *testing.B) {
			core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), openLevel)
			allowed(b, zap.New(filter.NewCore(core, f)).Named(benchTarget))
		})
	})

	b.Run("Span", func(b *testing.B) {
		fs := parseBench(b, benchSpec+",[http-request]=debug")
		request := vocab.SpansField(&vocab.Spans{
			TraceID: "0af7651916cd43dd8448eb211c80319c", SpanID: "b7ad6b7169203331",
			Chain: []vocab.Span{{Name: "http-request"}, {Name: "handle_payload"}},
		})
		newLog := func() *zap.Logger {
			core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(io.Discard), openLevel)
			return filter.Named(zap.New(filter.NewCore(core, fs)), benchTarget)
		}
		b.Run("outside", func(b *testing.B) {
			log := newLog()
			b.ReportAllocs()
			for b.Loop() {
				log.Debug("kv router selected a worker", zap.Int64("worker_id", 7))
			}
		})
		b.Run("inside", func(b *testing.B) {
			log := newLog()
			b.ReportAllocs()
			for b.Loop() {
				log.Debug("kv router selected a worker", request, zap.Int64("worker_id", 7))
			}
		})
		b.Run("disabled", func(b *testing.B) {
			log := newLog()
			if log.Core().Enabled(openLevel) {
				b.Fatal("a trace call passes Enabled; want it rejected there")
			}
			b.ReportAllocs()
			for b.Loop() {
				log.Log(openLevel, "kv router selected a worker")
			}
		})
	})

	b.Run("Parse", func(b *testing.B) {
		b.Run("50", func(b *testing.B) {
			spec := spec50()
			if n := len(parseBench(b, spec).Directives()); n != 50 {
				b.Fatalf("spec50 has %d directives, want 50: %s", n, spec)
			}
			b.ReportAllocs()
			for b.Loop() {
				parsed, _ = filter.Parse(spec)
			}
		})
	})
}

// putBody is a PUT body of nearly 64 KiB (the handler's bound) holding
// "info" and then filter.MaxDirectives-1 directives that no logger of the
// benchmarks matches, each made by form from a padded number: what an
// attacker who can reach the level handler sends to make matching slow.
func putBody(form string) string {
	digits := 63 - (len(form) - len("%s")) // 63 bytes and a comma each
	parts := []string{"info"}
	for i := 1; i < filter.MaxDirectives; i++ {
		parts = append(parts, fmt.Sprintf(form, fmt.Sprintf("%0*d", digits, i)))
	}
	return strings.Join(parts, ",")
}

// put sends body to a's level handler as a PUT and fails unless it is
// accepted.
func put(b *testing.B, a *filter.Atomic, body string) {
	b.Helper()
	rec := httptest.NewRecorder()
	a.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/", strings.NewReader(body)))
	if rec.Code != http.StatusOK {
		b.Fatalf("PUT of %d bytes: %d %s", len(body), rec.Code, rec.Body.String())
	}
}

// BenchmarkFilterAfterPUT is a filtered-out Debug call, beside plain zap's
// disabled call in the same run, under benchSpec (default) and after a PUT
// to the level handler of nearly 64 KiB of directives that match nothing:
// span directives [s…]=trace (span-put) or target directives t…=debug
// (target-put), each with info as the default, filter.MaxDirectives in all;
// and after a PUT of one such directive and info (one-span, one-target),
// which costs what span-put and target-put cost if matching does not
// depend on the number of directives. A span directive makes a call that
// the target directives reject wait for Write, where the spans are known:
// one-span shows what that costs.
//
//	Span3 — a bound logger's call inside a 3-deep span (the spans field on
//	        the call), which no directive names.
//	Names — a call through each of 10,000 loggers of distinct names in
//	        turn: bound (filter.Named) and unbound (zap's Named; a name
//	        that holds none of the per-name cache's 64 slots walks the
//	        index).
//	Refill — what a change of filter costs those 10,000 loggers: one op is
//	        a Store of a filter, then a call through each logger, which
//	        computes its levels afresh; zap is the 10,000 calls alone.
//
// BENCHMARKS.md's Filter section shows Span3's five and two of Names', for
// information: compare span-put with one-span and target-put with
// one-target.
func BenchmarkFilterAfterPUT(b *testing.B) {
	puts := []struct{ name, body string }{
		{"default", ""},
		{"one-span", "info,[s1]=trace"},
		{"span-put", putBody("[s%s]=trace")},
		{"one-target", "info,t1=debug"},
		{"target-put", putBody("t%s=debug")},
	}
	for _, p := range []int{2, 4} {
		p := puts[p]
		if len(p.body) > 64<<10 || len(p.body) < 60<<10 {
			b.Fatalf("%s body is %d bytes, want just under 64 KiB", p.name, len(p.body))
		}
	}
	// Every call is filtered out: the benchmarks fail if one writes.
	var written countingWriter
	b.Cleanup(func() {
		if written > 0 {
			b.Errorf("%d bytes written; every benchmarked call must be filtered out", written)
		}
	})
	newFiltered := func(b *testing.B, body string) *zap.Logger {
		core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(&written), openLevel)
		log := zap.New(filter.NewCore(core, parseBench(b, benchSpec)), zap.WithClock(clock.Default))
		if body != "" {
			put(b, filter.AtomicOf(log.Core()), body)
		}
		return log
	}
	newZap := func() *zap.Logger {
		core := zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(&written), zapcore.InfoLevel)
		return zap.New(core, zap.WithClock(clock.Default))
	}

	b.Run("Span3", func(b *testing.B) {
		spans := vocab.SpansField(&vocab.Spans{
			TraceID: "0af7651916cd43dd8448eb211c80319c", SpanID: "b7ad6b7169203331",
			Chain: []vocab.Span{{Name: "http-request"}, {Name: "handle_payload"}, {Name: "route"}},
		})
		run := func(b *testing.B, log *zap.Logger) {
			b.ReportAllocs()
			for b.Loop() {
				log.Debug("kv router selected a worker", spans)
			}
		}
		b.Run("zap", func(b *testing.B) { run(b, newZap().Named(benchTarget)) })
		for _, p := range puts {
			b.Run(p.name, func(b *testing.B) {
				run(b, filter.Named(newFiltered(b, p.body), benchTarget))
			})
		}
	})

	b.Run("Names", func(b *testing.B) {
		const n = 10000
		names := make([]string, n)
		for i := range names {
			names[i] = fmt.Sprintf("%s_%05d", benchTarget, i)
		}
		run := func(b *testing.B, logs []*zap.Logger) {
			for _, l := range logs { // fill the caches: Refill measures that
				l.Debug("kv router selected a worker")
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				logs[i].Debug("kv router selected a worker")
				if i++; i == n {
					i = 0
				}
			}
		}
		b.Run("zap", func(b *testing.B) {
			log, logs := newZap(), make([]*zap.Logger, n)
			for i := range logs {
				logs[i] = log.Named(names[i])
			}
			run(b, logs)
		})
		for _, p := range puts {
			b.Run("bound-"+p.name, func(b *testing.B) {
				log, logs := newFiltered(b, p.body), make([]*zap.Logger, n)
				for i := range logs {
					logs[i] = filter.Named(log, names[i])
				}
				run(b, logs)
			})
			b.Run("unbound-"+p.name, func(b *testing.B) {
				log, logs := newFiltered(b, p.body), make([]*zap.Logger, n)
				for i := range logs {
					logs[i] = log.Named(names[i])
				}
				run(b, logs)
			})
		}
	})

	b.Run("Refill", func(b *testing.B) {
		const n = 10000
		run := func(b *testing.B, logs []*zap.Logger, change func()) {
			b.ReportAllocs()
			for b.Loop() {
				change()
				for _, l := range logs {
					l.Debug("kv router selected a worker")
				}
			}
		}
		b.Run("zap", func(b *testing.B) {
			log, logs := newZap(), make([]*zap.Logger, n)
			for i := range logs {
				logs[i] = log.Named(fmt.Sprintf("%s_%05d", benchTarget, i))
			}
			run(b, logs, func() {})
		})
		for _, p := range puts {
			for _, bound := range []bool{true, false} {
				name := "unbound-" + p.name
				if bound {
					name = "bound-" + p.name
				}
				b.Run(name, func(b *testing.B) {
					log, logs := newFiltered(b, p.body), make([]*zap.Logger, n)
					for i := range logs {
						if logs[i] = log.Named(fmt.Sprintf("%s_%05d", benchTarget, i)); bound {
							logs[i] = filter.Named(log, fmt.Sprintf("%s_%05d", benchTarget, i))
						}
					}
					a := filter.AtomicOf(log.Core())
					f := a.Load()
					run(b, logs, func() { a.Override(filter.New(f.Directives()...), "benchmark") })
				})
			}
		}
	})
}

// countingWriter counts the bytes written to it.
type countingWriter int

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}
