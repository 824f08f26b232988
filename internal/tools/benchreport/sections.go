package main

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// A section is the report's part on the benchmarks of one part of dynlog: where
// they are, the targets set for them, and what they measure.
type section struct {
	title   string   // the heading: "Filter"
	sources []string // the benchmark files, for the report's header
	// prefix is the part of the benchmarks' names that targets and notes
	// leave out: with "BenchmarkFilter/", "Disabled/bound" is
	// BenchmarkFilter/Disabled/bound. A prefix of "Benchmark" lets one
	// section name several benchmarks, as Tracing/Line/inside and Call/off.
	prefix  string
	intro   []string // lines between the heading and the target tables
	targets []target
	notes   []note   // printed after the target tables, when the input has them
	prose   []string // lines after the notes: what the benchmarks measure
}

// sections are the report's, in its order, between the encoders' scenarios
// and the full results.
var sections = []section{filterSection, tracingSection, dedupSection, outputsSection}

// A measure is what a target bounds.
type measure int

const (
	nsRatio     measure = iota // ns/op over a baseline's (roundRatio)
	allocsWorst                // allocs/op of the worst run
)

// A target bounds one benchmark of a section: ours, and for nsRatio its
// baseline, are named without the section's prefix.
type target struct {
	label    string
	measure  measure
	ours     string
	baseline string  // nsRatio only
	max      float64 // a ratio or allocs/op
}

// ratioAtMost is a target of ours' ns/op at most max times baseline's.
func ratioAtMost(label, ours, baseline string, max float64) target {
	return target{label: label, measure: nsRatio, ours: ours, baseline: baseline, max: max}
}

// allocsAtMost is a target of at most max allocs/op in every run of ours: a
// target of zero allocations is not met by a median.
func allocsAtMost(label, ours string, max float64) target {
	return target{label: label, measure: allocsWorst, ours: ours, max: max}
}

// bound is the target as the tables write it: ≤ 1.1×, ≤ 0.
func (t target) bound() string {
	if t.measure == nsRatio {
		return fmt.Sprintf("≤ %.1f×", t.max)
	}
	return "≤ " + formatCount(t.max)
}

// A targetResult is a target measured; oursBench or baselineBench is nil when
// the input lacks it.
type targetResult struct {
	target
	oursBench, baselineBench *benchmark
}

// measured reports whether the input has what the target bounds.
func (r targetResult) measured() bool {
	switch {
	case r.oursBench == nil:
		return false
	case r.measure == nsRatio:
		return r.baselineBench != nil
	case r.measure == allocsWorst:
		return r.value() >= 0 // -1 when run without -benchmem
	}
	return true
}

// value is the measure the target bounds; call it only when the benchmarks
// it needs are in the input.
func (r targetResult) value() float64 {
	switch r.measure {
	case nsRatio:
		return roundRatio(r.oursBench, r.baselineBench)
	default:
		return slices.Max(r.oursBench.allocs())
	}
}

// met is false for a target whose benchmarks are missing: a target the run
// did not measure is not met.
func (r targetResult) met() bool {
	if !r.measured() {
		return false
	}
	return r.value() <= r.max
}

// benchName is the full name of a benchmark of the section: name with the
// section's prefix, unless name is already a full name (a benchmark of
// another file that belongs in this section).
func (s section) benchName(name string) string {
	if strings.HasPrefix(name, "Benchmark") {
		return name
	}
	return s.prefix + name
}

func (s section) evaluate(o *benchOutput) []targetResult {
	results := make([]targetResult, len(s.targets))
	for i, t := range s.targets {
		results[i] = targetResult{target: t, oursBench: o.lookup(s.benchName(t.ours))}
		if t.measure == nsRatio {
			results[i].baselineBench = o.lookup(s.benchName(t.baseline))
		}
	}
	return results
}

// unmet names the section's targets that o does not meet, each with what
// the run measured: "Filter: Allowed call, bound logger: 1.14× (Allowed/bound ≤ 1.1×)".
func (s section) unmet(o *benchOutput) []string {
	var out []string
	for _, r := range s.evaluate(o) {
		if r.met() {
			continue
		}
		got := "missing"
		switch {
		case r.measured() && r.measure == nsRatio:
			got = fmt.Sprintf("%.2f×", r.value())
		case r.measured():
			got = formatCount(r.value()) + " allocs/op"
		}
		out = append(out, fmt.Sprintf("%s: %s: %s (%s %s)", s.title, r.label, got, r.ours, r.bound()))
	}
	return out
}

// A note prints one benchmark that is no target beside the targets, when the
// input has it: a floor the targets cannot go below, or a cost shown for
// information. It reads
//
//	<lead>: <median> ns/op
//	(<bench>: <about>).
type note struct {
	lead  string
	bench string // without the section's prefix
	about string
}

// writeTargets writes the section's target tables, for the report and
// stdout: one of the targets on ns/op, one of those on allocs/op, each only
// when the section has such targets, then the notes.
func (s section) writeTargets(w io.Writer, o *benchOutput) {
	var ns, allocs []targetResult
	for _, r := range s.evaluate(o) {
		if r.measure == allocsWorst {
			allocs = append(allocs, r)
		} else {
			ns = append(ns, r)
		}
	}
	if len(ns) > 0 {
		writeNsTargets(w, ns)
	}
	if len(allocs) > 0 {
		if len(ns) > 0 {
			fmt.Fprintln(w)
		}
		writeAllocTargets(w, allocs)
	}
	for _, n := range s.notes {
		if b := o.lookup(s.benchName(n.bench)); b != nil {
			fmt.Fprintln(w)
			fmt.Fprintf(w, "%s: %s ns/op\n", n.lead, formatNs(median(b.ns())))
			fmt.Fprintf(w, "(%s: %s).\n", n.bench, n.about)
		}
	}
}

func writeNsTargets(w io.Writer, results []targetResult) {
	fmt.Fprintln(w, "| Target | Benchmark | Baseline | ns/op | Baseline ns/op | Ratio | Bound | Result |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|---|")
	for _, r := range results {
		ns, baseline, baseNs, ratio := "missing", "—", "—", "—"
		if r.oursBench != nil {
			ns = formatNs(median(r.oursBench.ns()))
		}
		if r.measure == nsRatio {
			baseline, baseNs = r.baseline, "missing"
			if r.baselineBench != nil {
				baseNs = formatNs(median(r.baselineBench.ns()))
			}
			if r.measured() {
				ratio = fmt.Sprintf("%.2f×", r.value())
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			r.label, r.ours, baseline, ns, baseNs, ratio, r.bound(), status(r.met()))
	}
}

func writeAllocTargets(w io.Writer, results []targetResult) {
	fmt.Fprintln(w, "| Target | Benchmark | allocs/op (worst run) | Bound | Result |")
	fmt.Fprintln(w, "|---|---|--:|--:|---|")
	for _, r := range results {
		got := "missing"
		if r.oursBench != nil {
			got = formatCount(r.value())
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n", r.label, r.ours, got, r.bound(), status(r.met()))
	}
}

// write writes the section into the report.
func (s section) write(w io.Writer, o *benchOutput) {
	fmt.Fprintln(w, "## "+s.title)
	fmt.Fprintln(w)
	for _, line := range s.intro {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
	s.writeTargets(w, o)
	fmt.Fprintln(w)
	for _, line := range s.prose {
		fmt.Fprintln(w, line)
	}
}

// formatGrouped writes v with its thousands separated: 50,000, 13,312,265.
func formatGrouped(v float64) string {
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
