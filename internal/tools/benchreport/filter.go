package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// filterPrefix is the benchmark in filter/filter_bench_test.go whose
// sub-benchmarks are named <filterPrefix>/<scenario>/<variant>.
const filterPrefix = "BenchmarkFilter"

// A filterTarget bounds one filter benchmark: its ns/op over a baseline's
// when baseline is set, otherwise its ns/op itself.
type filterTarget struct {
	label    string
	ours     string  // <scenario>/<variant> under filterPrefix
	baseline string  // <scenario>/<variant> under filterPrefix; "" for a bound in ns/op
	max      float64 // a ratio, or ns/op when baseline is ""
}

// filterTargets are issue 3's: a filtered-out call on a bound logger within
// 2× zap's disabled call, on an unbound name within 50 ns, an allowed call
// within 1.1× the same call with no filter core, and a 50-directive spec
// parsed within 50 µs.
var filterTargets = []filterTarget{
	{"Filtered-out call, bound logger", "Disabled/bound", "Disabled/zap", 2},
	{"Filtered-out call, unbound name", "Disabled/unbound", "", 50},
	{"Allowed call, bound logger", "Allowed/bound", "Allowed/zap", 1.1},
	{"Allowed call, unbound name", "Allowed/unbound", "Allowed/zap", 1.1},
	{"Parse, 50 directives", "Parse/50", "", 50_000},
}

// filterFloor is the benchmark that shows what zap alone costs for a call
// that passes Enabled and is rejected in Check, the path an unbound name
// takes: the report prints it beside the targets.
const filterFloor = "Disabled/zap-check"

// A filterResult is a filterTarget measured; oursBench or baselineBench is
// nil when the input lacks it.
type filterResult struct {
	filterTarget
	oursBench, baselineBench *benchmark
}

func (t filterTarget) relative() bool { return t.baseline != "" }

// value is the measure the target bounds: the ratio of the medians, or the
// median ns/op.
func (r filterResult) value() float64 {
	if r.relative() {
		return median(r.oursBench.ns()) / median(r.baselineBench.ns())
	}
	return median(r.oursBench.ns())
}

func (r filterResult) met() bool {
	if r.oursBench == nil || (r.relative() && r.baselineBench == nil) {
		return false
	}
	return r.value() <= r.max
}

func filterBenchName(scenario string) string { return filterPrefix + "/" + scenario }

func evaluateFilter(o *benchOutput) []filterResult {
	results := make([]filterResult, len(filterTargets))
	for i, t := range filterTargets {
		results[i] = filterResult{filterTarget: t, oursBench: o.lookup(filterBenchName(t.ours))}
		if t.relative() {
			results[i].baselineBench = o.lookup(filterBenchName(t.baseline))
		}
	}
	return results
}

// formatBound writes a bound in ns with thousands separated: 50,000.
func formatBound(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	end := strings.IndexByte(s, '.')
	if end < 0 {
		end = len(s)
	}
	for i := end - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// writeFilterTargets writes the filter's target table, for the report and
// stdout, and the floor of an unbound call when the input has it.
func writeFilterTargets(w io.Writer, o *benchOutput) {
	fmt.Fprintln(w, "| Target | Benchmark | Baseline | ns/op | Baseline ns/op | Ratio | Bound | Result |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|---|")
	for _, r := range evaluateFilter(o) {
		ns, baseline, baseNs, ratio := "missing", "—", "—", "—"
		if r.oursBench != nil {
			ns = formatNs(median(r.oursBench.ns()))
		}
		bound := "≤ " + formatBound(r.max) + " ns"
		if r.relative() {
			baseline, baseNs = r.baseline, "missing"
			if r.baselineBench != nil {
				baseNs = formatNs(median(r.baselineBench.ns()))
			}
			if r.oursBench != nil && r.baselineBench != nil {
				ratio = fmt.Sprintf("%.2f×", r.value())
			}
			bound = fmt.Sprintf("≤ %.1f×", r.max)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.label, r.ours, baseline, ns, baseNs, ratio, bound, status(r.met()))
	}
	if floor := o.lookup(filterBenchName(filterFloor)); floor != nil {
		fmt.Fprintln(w)
		fmt.Fprintf(w, "Floor of a call rejected in Check, as an unbound name's is: %s ns/op\n", formatNs(median(floor.ns())))
		fmt.Fprintf(w, "(%s: zap with a core that passes Enabled and rejects in Check at no cost).\n", filterFloor)
	}
}

// writeFilterSection is the report's section on the filter benchmarks.
func writeFilterSection(w io.Writer, o *benchOutput) {
	fmt.Fprintln(w, "## Filter (issue 3)")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "From filter/filter_bench_test.go. Ratio is the filter's median ns/op over")
	fmt.Fprintln(w, "plain zap's, same call, same inner core; a bound in ns is on the median itself.")
	fmt.Fprintln(w)
	writeFilterTargets(w, o)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The filter is `filter.Parse` of a DYN_LOG a user might set,")
	fmt.Fprintln(w, "`info,dynamo_runtime=debug`, with Dynamo's built-in `error` for h2, tower,")
	fmt.Fprintln(w, "hyper_util, neli, async_nats, rustls, tokenizers, axum, tonic, hf_hub,")
	fmt.Fprintln(w, "opentelemetry, opentelemetry_sdk, grpc and otel. Every logger is named")
	fmt.Fprintln(w, "`dynamo_llm::kv_router`, which only the default (info) matches. Disabled is")
	fmt.Fprintln(w, "a Debug call that prints nothing: zap is a plain core at info; bound is a")
	fmt.Fprintln(w, "logger made with `filter.Named`, rejected in Enabled; unbound is one made")
	fmt.Fprintln(w, "with zap's own `Named`, which passes Enabled (dynamo_runtime=debug makes")
	fmt.Fprintln(w, "debug the filter's lowest level) and is rejected in Check through the")
	fmt.Fprintln(w, "per-name cache, after zap has read the clock for the entry. Allowed is an")
	fmt.Fprintln(w, "Info call with three fields through the dynamo-jsonl encoder to io.Discard,")
	fmt.Fprintln(w, "with and without `filter.NewCore` around the same core. Behind a filter the")
	fmt.Fprintln(w, "inner core is open at every level, since the filter is the gate. Parse/50")
	fmt.Fprintln(w, "parses a spec of 50 distinct directives in every form Parse reads.")
}
