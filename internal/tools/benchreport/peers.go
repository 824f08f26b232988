package main

import (
	"fmt"
	"io"
	"strings"
)

// The peers section of BENCHMARKS.md lies between these markers: `make
// bench-peers` (benchreport -peers) rewrites only what is between them, and
// `make bench` keeps it as it stands.
const (
	peersBegin = "<!-- bench-peers:begin (written by make bench-peers) -->"
	peersEnd   = "<!-- bench-peers:end -->"
)

// peerScenarios and peerLoggers are the rows and columns of the peers
// tables, as internal/benchmarks/peers_bench_test.go names them:
// BenchmarkPeers/<scenario>/<logger> on one goroutine and
// BenchmarkPeersParallel/<scenario>/<logger> under b.RunParallel.
var (
	peerScenarios = []string{"TenFields", "TenContext", "Static", "Disabled", "DisabledStatic", "DisabledContext"}
	peerLoggers   = []string{
		"zap", "zap-nocaller", "zap-sugar", "zerolog", "slog-json", "logrus",
		"dynlog-jsonl", "dynlog-jsonl-nocaller", "dynlog-readable", "dynlog-vllm", "zapslog", "dynlog-slog", "zap-nopcore",
	}
	// peerModes are the two ways the suite calls: the benchmark's name
	// (without "Benchmark") and how the targets' labels say it.
	peerModes = []struct{ bench, label string }{
		{"Peers", "one goroutine"},
		{"PeersParallel", "RunParallel"},
	}
	// lineScenarios are the scenarios that print a line; the others are
	// the disabled calls.
	lineScenarios = []string{"TenFields", "TenContext", "Static"}
	// disabledScenarios are the calls that print nothing.
	disabledScenarios = []string{"Disabled", "DisabledStatic", "DisabledContext"}
	// contextRows and contextWays are the rows and columns of the context
	// logger's table: BenchmarkContextLogger/<row>/<way>.
	contextRows = []string{"span", "no-span"}
	contextWays = []string{"ctx-field", "context-logger"}
)

// peersSection holds the peers' targets, every one a ratio (roundRatio) of
// the same run, on one goroutine and under RunParallel alike: dynlog's
// Dynamo JSONL at most as slow as plain zap JSON with the caller in every
// scenario that prints a line, at most 0.6× it in Static, at most 1.3×
// zerolog in TenFields, and in the disabled calls at most 1.1× zap's Logger
// over a no-op core (zap-nopcore, the floor of any *zap.Logger). And slog's:
// dynlog's slog handler (dynlog-slog) at most as slow as slog's JSON handler
// where a line prints, and a line through the context logger
// (tracing.Logger) at most as slow as one given tracing.Ctx.
var peersSection = section{
	title:   "Peers",
	sources: []string{"internal/benchmarks/peers_bench_test.go"},
	prefix:  "Benchmark",
	targets: peerTargets(),
}

func peerTargets() []target {
	var ts []target
	for _, m := range peerModes {
		name := func(scenario, logger string) string { return m.bench + "/" + scenario + "/" + logger }
		for _, s := range lineScenarios {
			ts = append(ts, ratioAtMost(s+", "+m.label+": dynlog-jsonl ≤ 1.0× zap", name(s, "dynlog-jsonl"), name(s, "zap"), 1))
		}
		ts = append(ts,
			ratioAtMost("Static, "+m.label+": dynlog-jsonl ≤ 0.6× zap", name("Static", "dynlog-jsonl"), name("Static", "zap"), 0.6),
			ratioAtMost("TenFields, "+m.label+": dynlog-jsonl ≤ 1.3× zerolog", name("TenFields", "dynlog-jsonl"), name("TenFields", "zerolog"), 1.3))
		for _, s := range disabledScenarios {
			ts = append(ts, ratioAtMost(s+", "+m.label+": dynlog-jsonl ≤ 1.1× zap-nopcore", name(s, "dynlog-jsonl"), name(s, "zap-nopcore"), 1.1))
		}
	}
	for _, s := range lineScenarios {
		ts = append(ts, ratioAtMost(s+", RunParallel: dynlog-slog ≤ 1.0× slog-json",
			"PeersParallel/"+s+"/dynlog-slog", "PeersParallel/"+s+"/slog-json", 1))
	}
	for _, r := range contextRows {
		ts = append(ts, ratioAtMost("context logger, "+r+": ≤ 1.0× tracing.Ctx",
			"ContextLogger/"+r+"/context-logger", "ContextLogger/"+r+"/ctx-field", 1))
	}
	return ts
}

// hasPeers reports whether o holds the peer suite's results.
func hasPeers(o *benchOutput) bool {
	for _, b := range o.benchmarks {
		if strings.HasPrefix(b.name, "BenchmarkPeers") {
			return true
		}
	}
	return false
}

// writeMedians writes a table of median ns/op (and allocs/op) with a row
// per row name and a column per column name, name giving the benchmark of
// each cell; "—" where the input lacks it.
func writeMedians(w io.Writer, o *benchOutput, corner string, rows, cols []string, name func(row, col string) string) {
	fmt.Fprintln(w, "| "+corner+" | "+strings.Join(cols, " | ")+" |")
	fmt.Fprintln(w, "|---"+strings.Repeat("|--:", len(cols))+"|")
	for _, r := range rows {
		cells := []string{r}
		for _, c := range cols {
			cell := "—"
			if b := o.lookup(name(r, c)); b != nil {
				cell = formatNs(median(b.ns())) + " (" + formatCount(median(b.allocs())) + ")"
			}
			cells = append(cells, cell)
		}
		fmt.Fprintln(w, "| "+strings.Join(cells, " | ")+" |")
	}
}

// writePeers writes the peers section, markers included.
func writePeers(w io.Writer, o *benchOutput, m machine) {
	s := peersSection
	fmt.Fprintln(w, peersBegin)
	fmt.Fprintln(w, "## "+s.title)
	fmt.Fprintln(w)
	writeWrapped(w, "Written by `make bench-peers` (internal/tools/benchreport -peers) from "+
		"internal/benchmarks/peers_bench_test.go, a module of its own so that the peers "+
		"stay out of dynlog's go.mod. `make bench` keeps this section as it stands.")
	fmt.Fprintln(w)
	writeMachine(w, o, m)
	fmt.Fprintln(w)
	for _, m := range peerModes {
		fmt.Fprintln(w, "Median ns/op, and allocs/op in parentheses, of one call, "+m.label+" (Benchmark"+m.bench+"):")
		fmt.Fprintln(w)
		writeMedians(w, o, "Scenario", peerScenarios, peerLoggers, func(sc, l string) string { return s.benchName(m.bench + "/" + sc + "/" + l) })
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "A dynlog-jsonl line in an http-request-like span and outside one, the span's keys")
	fmt.Fprintln(w, "put on by tracing.Ctx on the call (ctx-field) or by tracing.Logger(ctx) on each")
	fmt.Fprintln(w, "call (context-logger), BenchmarkContextLogger:")
	fmt.Fprintln(w)
	writeMedians(w, o, "Context", contextRows, contextWays, func(r, way string) string { return "BenchmarkContextLogger/" + r + "/" + way })
	fmt.Fprintln(w)
	writeWrapped(w, "Ratio is the first logger's ns/op over the other's, same scenario, "+
		"same run: every benchmark runs once per round, in rounds, so that each is measured "+
		"beside its baseline in every round. A target not met fails `make bench-peers` and "+
		"`make bench`, after this file is written.")
	fmt.Fprintln(w)
	s.writeTargets(w, o)
	writeCallerFloor(w, o)
	fmt.Fprintln(w)
	for _, line := range []string{
		"The scenarios and data are zap's (go.uber.org/zap/benchmarks): TenFields",
		"logs a message with ten fields of mixed types; TenContext a bare message on",
		"a logger given those fields beforehand; Static a bare message; Disabled a",
		"Debug call with the ten fields on a logger at info, DisabledStatic a bare",
		"Debug call, DisabledContext a bare Debug call on the logger with the ten",
		"fields as context (zap's three disabled variants). Every logger writes JSON",
		"(dynlog-readable and dynlog-vllm their own layouts) to io.Discard with time,",
		"level, message and caller: zap with zap.AddCaller (plain zap JSON, the",
		"targets' baseline: zap.NewProductionEncoderConfig), zerolog with Caller,",
		"slog with AddSource, logrus with ReportCaller. zapslog and dynlog-slog make",
		"slog-json's calls through zap's zapslog handler over plain zap JSON and through",
		"dynlog's core.NewSlogHandler over dynlog-jsonl. zap-nocaller is zap as zap's",
		"own suite builds it, without the caller, for information. The dynlog",
		"loggers are core.New and core.NewVLLM with DYN_LOG=info: filter, once-only",
		"and tracing cores around the encoder, caller on. zap-nopcore, in the",
		"disabled scenarios only, is zap's Logger over zapcore.NewNopCore(), a core",
		"that rejects every level in Enabled and does nothing else: the least a",
		"disabled call costs on any *zap.Logger, whatever its core, and so on",
		"dynlog's, which is one. In Disabled nearly all of it is building the ten",
		"zap.Field values the call passes, which Go does before the call.",
	} {
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w, peersEnd)
}

// writeCallerFloor says, for each mode whose Static target (dynlog-jsonl
// ≤ 0.6× zap, by roundRatio as the table states it) is not met, what the
// caller costs a dynlog-jsonl Static line (dynlog-jsonl less
// dynlog-jsonl-nocaller, by their medians) and what 0.6× zap would leave
// for the rest of the line.
func writeCallerFloor(w io.Writer, o *benchOutput) {
	for _, m := range peerModes {
		static := func(logger string) *benchmark { return o.lookup("Benchmark" + m.bench + "/Static/" + logger) }
		zb, db, nb := static("zap"), static("dynlog-jsonl"), static("dynlog-jsonl-nocaller")
		if zb == nil || db == nil || nb == nil || roundRatio(db, zb) <= 0.6 {
			continue
		}
		z, d, dnc := median(zb.ns()), median(db.ns()), median(nb.ns())
		caller, bound := d-dnc, 0.6*z
		left := fmt.Sprintf("which would leave %s ns for the rest of the line, beside the %s it costs now", formatNs(bound-caller), formatNs(dnc))
		if caller >= bound {
			left = "less than the caller alone costs"
		}
		fmt.Fprintln(w)
		writeWrapped(w, fmt.Sprintf("Static, %s: the caller costs a dynlog-jsonl line %s ns (dynlog-jsonl %s less "+
			"dynlog-jsonl-nocaller %s): zap's lookup (runtime.Callers and runtime.CallersFrames), which zap makes "+
			"after the cores' Check from the logger's own settings (WithCaller, AddCallerSkip) that no core can see, "+
			"and the file and line printed. 0.6× zap is %s ns, %s: the target needs a cheaper lookup in zap.",
			m.label, formatNs(caller), formatNs(d), formatNs(dnc), formatNs(bound), left))
	}
}

// peersBlock is the peers section of doc, markers included, or "" when doc
// has none.
func peersBlock(doc string) string {
	i := strings.Index(doc, peersBegin)
	if i < 0 {
		return ""
	}
	j := strings.Index(doc[i:], peersEnd)
	if j < 0 {
		return doc[i:] // an unfinished section: keep what there is
	}
	end := i + j + len(peersEnd)
	if end < len(doc) && doc[end] == '\n' {
		end++
	}
	return doc[i:end]
}

// withPeers is doc with its peers section replaced by block, or block
// appended after a blank line when doc has none.
func withPeers(doc, block string) string {
	if old := peersBlock(doc); old != "" {
		return strings.Replace(doc, old, block, 1)
	}
	if doc == "" {
		return block
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + block
}
