package main

import (
	"strings"
	"testing"
	"time"
)

// tracingSampleOutput is real output of
//
//	go test -run '^$' -bench 'Tracing|Call' -benchmem -count 2 -benchtime 100ms ./tracing/
//
// on a two-core machine, captured verbatim.
const tracingSampleOutput = `goos: linux
goarch: amd64
pkg: github.com/dynlog/dynlog/tracing
cpu: Intel(R) Xeon(R) Processor
BenchmarkCall/none-2 	67574568	         1.825 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/none-2 	64155787	         1.812 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/off-2  	43156494	         2.752 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/off-2  	43338446	         2.774 ns/op	       0 B/op	       0 allocs/op
BenchmarkCall/on-2   	   20221	      5637 ns/op	    1696 B/op	       7 allocs/op
BenchmarkCall/on-2   	   23582	      5329 ns/op	    1696 B/op	       7 allocs/op
BenchmarkTracing/Line/outside-2 	   96673	      1152 ns/op	     496 B/op	       2 allocs/op
BenchmarkTracing/Line/outside-2 	  103407	      1149 ns/op	     496 B/op	       2 allocs/op
BenchmarkTracing/Line/inside-2  	   69272	      1715 ns/op	     496 B/op	       2 allocs/op
BenchmarkTracing/Line/inside-2  	   77876	      1649 ns/op	     496 B/op	       2 allocs/op
BenchmarkTracing/Span/otel-2    	  238110	       499.5 ns/op	     528 B/op	       2 allocs/op
BenchmarkTracing/Span/otel-2    	  242414	       515.2 ns/op	     528 B/op	       2 allocs/op
BenchmarkTracing/Span/dynlog-2  	  110701	      1047 ns/op	    1136 B/op	      10 allocs/op
BenchmarkTracing/Span/dynlog-2  	  116940	      1220 ns/op	    1136 B/op	      10 allocs/op
PASS
ok  	github.com/dynlog/dynlog/tracing	1.737s
`

func TestEvaluateTracingSample(t *testing.T) {
	o, err := parse(strings.NewReader(tracingSampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		ours  string
		value float64
		met   bool
	}{
		{"Tracing/Line/inside", ((1715 + 1649) / 2.0) / ((1152 + 1149) / 2.0), false}, // 1.46×
		{"Tracing/Span/dynlog", ((1047 + 1220) / 2.0) / ((499.5 + 515.2) / 2), false}, // 2.23×
		{"Call/off", ((2.752 + 2.774) / 2) / ((1.825 + 1.812) / 2), true},             // 1.52×
		{"Call/off", 0, true}, // allocs/op
	}
	results := tracingSection.evaluate(o)
	if len(results) != len(want) {
		t.Fatalf("got %d tracing targets, want %d", len(results), len(want))
	}
	for i, r := range results {
		w := want[i]
		if r.ours != w.ours {
			t.Errorf("target %d is %s, want %s", i, r.ours, w.ours)
			continue
		}
		if !r.measured() {
			t.Errorf("%s (%s): not measured", r.label, r.ours)
			continue
		}
		if got := r.value(); !approx(got, w.value) {
			t.Errorf("%s (%s): value = %v, want %v", r.label, r.ours, got, w.value)
		}
		if got := r.met(); got != w.met {
			t.Errorf("%s (%s): met = %v, want %v", r.label, r.ours, got, w.met)
		}
	}
}

// TestTracingTargetsAtBounds: the ratio bounds are inclusive and on the
// medians, and the allocation bound
// holds for every run, not the median.
func TestTracingTargetsAtBounds(t *testing.T) {
	line := func(name, ns, allocs string) string {
		return "Benchmark" + name + "-2 \t 100\t " + ns + " ns/op\t 0 B/op\t " + allocs + " allocs/op\n"
	}
	runs := func(name string, ns ...string) string {
		s := ""
		for _, v := range ns {
			s += line(name, v, "0")
		}
		return s
	}
	tests := []struct {
		name    string
		measure measure
		ours    string
		input   string
		want    bool
	}{
		{"line at 1.3×", nsRatio, "Tracing/Line/inside",
			runs("Tracing/Line/outside", "1000", "1000", "9000") + runs("Tracing/Line/inside", "1300", "1300", "10"), true},
		{"line over 1.3×", nsRatio, "Tracing/Line/inside",
			runs("Tracing/Line/outside", "1000", "1000", "9000") + runs("Tracing/Line/inside", "1301", "1301", "10"), false},
		{"span at 1.5×", nsRatio, "Tracing/Span/dynlog",
			runs("Tracing/Span/otel", "500", "500", "500") + runs("Tracing/Span/dynlog", "750", "750", "9000"), true},
		{"span over 1.5×", nsRatio, "Tracing/Span/dynlog",
			runs("Tracing/Span/otel", "500", "500", "500") + runs("Tracing/Span/dynlog", "751", "751", "10"), false},
		{"call off at 2×", nsRatio, "Call/off", runs("Call/none", "2", "2", "1") + runs("Call/off", "4", "4", "80"), true},
		{"call off over 2×", nsRatio, "Call/off", runs("Call/none", "2", "2", "9") + runs("Call/off", "4.01", "4.01", "1"), false},
		{"call off, no allocation", allocsWorst, "Call/off", runs("Call/off", "3", "3", "3"), true},
		{"call off, one run allocates", allocsWorst, "Call/off",
			line("Call/off", "3", "0") + line("Call/off", "3", "1") + line("Call/off", "3", "0"), false},
		{"call off without -benchmem", allocsWorst, "Call/off",
			"BenchmarkCall/off-2 \t 100\t 3 ns/op\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parse(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, r := range tracingSection.evaluate(o) {
				if r.ours != tt.ours || r.measure != tt.measure {
					continue
				}
				found = true
				if got := r.met(); got != tt.want {
					value := "unmeasured"
					if r.measured() {
						value = formatCount(r.value())
					}
					t.Errorf("%s: met = %v (value %s, bound %s), want %v", r.label, got, value, r.bound(), tt.want)
				}
			}
			if !found {
				t.Fatalf("no tracing target on %s", tt.ours)
			}
		})
	}
}

// TestTracingTargetsMissing: a target whose benchmark or baseline is not in
// the input is reported missing and not met, and a note whose benchmark is
// not there is left out.
func TestTracingTargetsMissing(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"no tracing benchmarks", filterSampleOutput, []string{
			"| Line inside a span | Tracing/Line/inside | Tracing/Line/outside | missing | missing | — | ≤ 1.3× | **NOT met** |\n",
			"| Start+End, span events off | Tracing/Span/dynlog | Tracing/Span/otel | missing | missing | — | ≤ 1.5× | **NOT met** |\n",
			"| Call tracing off | Call/off | Call/none | missing | missing | — | ≤ 2.0× | **NOT met** |\n",
			"| Call tracing off | Call/off | missing | ≤ 0 | **NOT met** |\n",
		}},
		{"baselines only", "BenchmarkTracing/Line/outside-2 \t 100\t 1000 ns/op\n" +
			"BenchmarkTracing/Span/otel-2 \t 100\t 500 ns/op\n" +
			"BenchmarkCall/none-2 \t 100\t 1.8 ns/op\t 0 B/op\t 0 allocs/op\n", []string{
			"| Line inside a span | Tracing/Line/inside | Tracing/Line/outside | missing | 1000 | — | ≤ 1.3× | **NOT met** |\n",
			"| Start+End, span events off | Tracing/Span/dynlog | Tracing/Span/otel | missing | 500 | — | ≤ 1.5× | **NOT met** |\n",
			"| Call tracing off | Call/off | missing | ≤ 0 | **NOT met** |\n",
			"| Call tracing off | Call/off | Call/none | missing | 1.8 | — | ≤ 2.0× | **NOT met** |\n",
		}},
		{"without baselines", "BenchmarkTracing/Line/inside-2 \t 100\t 1000 ns/op\n" +
			"BenchmarkTracing/Span/dynlog-2 \t 100\t 500 ns/op\n", []string{
			"| Line inside a span | Tracing/Line/inside | Tracing/Line/outside | 1000 | missing | — | ≤ 1.3× | **NOT met** |\n",
			"| Start+End, span events off | Tracing/Span/dynlog | Tracing/Span/otel | 500 | missing | — | ≤ 1.5× | **NOT met** |\n",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parse(strings.NewReader(tt.input))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range tracingSection.evaluate(o) {
				if r.oursBench == nil || (r.measure == nsRatio && r.baselineBench == nil) {
					if r.measured() || r.met() {
						t.Errorf("%s (%s): measured %v, met %v without its benchmarks", r.label, r.ours, r.measured(), r.met())
					}
				}
			}
			var b strings.Builder
			tracingSection.writeTargets(&b, o)
			got := b.String()
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("targets lack %q; got:\n%s", want, got)
				}
			}
			if strings.Contains(got, "Call tracing on") {
				t.Errorf("targets print Call/on, which the input lacks:\n%s", got)
			}
		})
	}
}

func TestWriteTracingSection(t *testing.T) {
	o, err := parse(strings.NewReader(tracingSampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	tracingSection.write(&b, o)
	if got := b.String(); got != wantTracingSection {
		t.Errorf("tracing section:\n%s\nwant:\n%s", got, wantTracingSection)
	}
}

// TestWriteReportTracingSection: the section sits after the filter's and
// before the results, and the report's header names the tracing benchmark
// files with the others.
func TestWriteReportTracingSection(t *testing.T) {
	o, err := parse(strings.NewReader(filterSampleOutput + tracingSampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeReport(&b, o, machine{date: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), goVersion: "go1.26.8", numCPU: 2})
	report := b.String()
	if !strings.Contains(report, "\n"+wantTracingSection+"\n## Once-only lines\n") ||
		!strings.Contains(report, "\n## Results\n") {
		t.Errorf("report lacks the tracing section before the next section and the results; report:\n%s", report)
	}
	if i, j := strings.Index(report, "## Filter"), strings.Index(report, "## Tracing"); i < 0 || j < i {
		t.Errorf("the tracing section is not after the filter's")
	}
	header, _, _ := strings.Cut(report, "- Date:")
	header = strings.Join(strings.Fields(header), " ")
	for _, want := range []string{
		"benchmarks in encoder/encoder_bench_test.go, filter/filter_bench_test.go, core/new_bench_test.go, tracing/tracing_bench_test.go, tracing/calltrace/call_bench_test.go, dedup/dedup_bench_test.go and core/output/bench_test.go, run together: every benchmark once per round, in rounds, so that each is measured beside its baseline in every round.",
	} {
		if !strings.Contains(header, want) {
			t.Errorf("header lacks %q; header:\n%s", want, header)
		}
	}
	for _, want := range []string{
		"| BenchmarkCall/off | 2.8 | 2.8–2.8 | 0 | 0 |\n",
		"| BenchmarkTracing/Span/dynlog | 1134 | 1047–1220 | 1136 | 10 |\n",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestReportHeaderListsEverySource: adding a section adds its files to the
// header.
func TestReportHeaderListsEverySource(t *testing.T) {
	o, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeReport(&b, o, machine{date: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), goVersion: "go1.26.8", numCPU: 2})
	header, _, _ := strings.Cut(b.String(), "- Date:")
	for _, src := range benchSources() {
		if !strings.Contains(header, src) {
			t.Errorf("header lacks %s:\n%s", src, header)
		}
	}
	for _, line := range strings.Split(header, "\n") {
		if len(line) > reportWidth {
			t.Errorf("header line is %d bytes, over %d: %q", len(line), reportWidth, line)
		}
	}
}

func TestJoinList(t *testing.T) {
	tests := []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "a"},
		{[]string{"a", "b"}, "a and b"},
		{[]string{"a", "b", "c"}, "a, b and c"},
	}
	for _, tt := range tests {
		if got := joinList(tt.in); got != tt.want {
			t.Errorf("joinList(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// wantTracingSection is the tracing section written for tracingSampleOutput.
const wantTracingSection = "## Tracing\n" +
	"\n" +
	"From tracing/tracing_bench_test.go and tracing/calltrace/call_bench_test.go,\n" +
	"each target beside its baseline in the same run. Ratio is the ns/op\n" +
	"over the baseline's; a bound in allocs/op is on the worst run.\n" +
	"\n" +
	"| Target | Benchmark | Baseline | ns/op | Baseline ns/op | Ratio | Bound | Result |\n" +
	"|---|---|---|--:|--:|--:|--:|---|\n" +
	"| Line inside a span | Tracing/Line/inside | Tracing/Line/outside | 1682 | 1150 | 1.46× | ≤ 1.3× | **NOT met** |\n" +
	"| Start+End, span events off | Tracing/Span/dynlog | Tracing/Span/otel | 1134 | 507 | 2.23× | ≤ 1.5× | **NOT met** |\n" +
	"| Call tracing off | Call/off | Call/none | 2.8 | 1.8 | 1.52× | ≤ 2.0× | met |\n" +
	"\n" +
	"| Target | Benchmark | allocs/op (worst run) | Bound | Result |\n" +
	"|---|---|--:|--:|---|\n" +
	"| Call tracing off | Call/off | 0 | ≤ 0 | met |\n" +
	"\n" +
	"Call tracing on, for information (no target): 5483 ns/op\n" +
	"(Call/on: Call/off's function writing its Call and Return lines to a trace file).\n" +
	"\n" +
	"Line/outside is an Info line with three fields (a string, an int and a\n" +
	"float) through `tracing.NewCore`, span events off, around the dynamo-jsonl\n" +
	"encoder to io.Discard, on a named logger with caller annotation; its fourth\n" +
	"field is `zap.Skip()`, so the line has no span. Line/inside is the same line\n" +
	"with `tracing.Ctx` of a span two deep in place of the skip: a request with\n" +
	"three fields and a child with one, so that the line also carries the span\n" +
	"keys (span_name, span_id, trace_id, parent_id) and the child's fields.\n" +
	"Span/otel is Start and End of a bare OpenTelemetry SDK span, child of a\n" +
	"root, on a provider with only the SDK's defaults; Span/dynlog is\n" +
	"`tracing.Start` and End on the same provider, child of a root, span events\n" +
	"off. That provider has no span processor: a processor (tracing's, or an\n" +
	"exporter's) makes the SDK copy every span at End, a cost both would pay\n" +
	"alike. Call/off is a function whose first statement is\n" +
	"`defer calltrace.Call()()`, run while call tracing is off; Call/none is the\n" +
	"same function without it, so Call/off minus Call/none is what the defer\n" +
	"costs while call tracing is off. Call/on runs Call/off's function with call\n" +
	"tracing on, each call writing a Call and a Return line to the trace file.\n"
