// Command benchreport turns the output of the encoder, filter and tracing
// benchmarks into BENCHMARKS.md: the machine, the Go version, the date, every
// benchmark's median cost, the performance targets of the three layouts and
// those of each section (the filter's, tracing's, the once-only lines' and the file output's), each
// marked met or NOT met. It reads `go test -bench -benchmem` output on stdin,
// of one package or several, with any -count (the median of the runs is
// reported), and echoes the targets to stdout. It exits 1, after writing
// the file, when a target is not met (or its benchmarks are missing).
//
//	go test -run '^$' -bench . -benchmem -count 5 ./encoder/ ./filter/ ./tracing/ > bench.out
//	go run ./internal/tools/benchreport -o BENCHMARKS.md < bench.out
//
// With -peers it reads the output of the peer suite (internal/benchmarks,
// make bench-peers) instead and rewrites only the file's peers section, between
// marker comments, which the default mode keeps as it stands:
//
//	go run ./internal/tools/benchreport -peers -o BENCHMARKS.md < bench-peers.out
//
// With -cli it reads the "cli:" lines of cmd/dynlog's TestCLISpeed (make
// bench-cli) and rewrites only the command-line section, which
// the other modes keep as it stands:
//
//	go run ./internal/tools/benchreport -cli -o BENCHMARKS.md < bench-cli.out
//
// With -binsize it reads nothing: it builds the hello-world programs of
// internal/tools/binsize (make binsize), with $GO or go, and
// rewrites only the binary-size section, which the other modes keep:
//
//	go run ./internal/tools/benchreport -binsize -o BENCHMARKS.md
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// benchPrefix is the benchmark in encoderSource whose sub-benchmarks are
// named <benchPrefix>/<scenario>/<encoder>.
const benchPrefix = "BenchmarkEncoders"

// encoderSource is the file of the encoder benchmarks.
const encoderSource = "encoder/encoder_bench_test.go"

// A ratioTarget bounds the ns/op of one of our encoders against a zap
// baseline in one scenario.
type ratioTarget struct {
	scenario, ours, baseline string
	max                      float64
}

// An allocTarget bounds the allocations per call of one encoder in one
// scenario.
type allocTarget struct {
	scenario, encoder string
	max               float64
}

var ratioTargets = []ratioTarget{
	{"TenFields", "dynamo-jsonl", "zap-json", 1.1}, // with JSON-text string fields checked
	{"TenFields", "dynamo-readable", "zap-console", 1.3},
	{"TenFields", "vllm", "zap-console", 1.3},
	{"TenContext", "dynamo-jsonl", "zap-json", 1.2},
	{"TenContext", "dynamo-readable", "zap-console", 1.3},
	{"TenContext", "vllm", "zap-console", 1.3},
	{"Static", "dynamo-jsonl", "zap-json", 1.2},
	{"Static", "dynamo-readable", "zap-console", 1.3},
	{"Static", "vllm", "zap-console", 1.3},
}

var allocTargets = []allocTarget{
	{"TenContext", "dynamo-jsonl", 0},
	{"Static", "dynamo-jsonl", 0},
}

// A run is one result line of one benchmark.
type run struct {
	nsPerOp     float64
	bytesPerOp  float64 // -1 without -benchmem
	allocsPerOp float64 // -1 without -benchmem
	// round is how many times the input's first benchmark had run again
	// before this line: in make bench's rounds, where every benchmark runs
	// once per round, the round the run belongs to. (With -count N every
	// run after the first benchmark's is in round N-1.)
	round int
}

// A benchmark is every run of one benchmark, in input order.
type benchmark struct {
	name string // without the -GOMAXPROCS suffix
	runs []run
}

// benchOutput is what benchreport takes from `go test -bench` output.
type benchOutput struct {
	goos, goarch, cpu string
	maxProcs          int // from the names' -N suffix; 1 when there is none
	benchmarks        []*benchmark
}

func (o *benchOutput) lookup(name string) *benchmark {
	for _, b := range o.benchmarks {
		if b.name == name {
			return b
		}
	}
	return nil
}

// parse reads `go test -bench` output. Lines it does not know (pkg, PASS,
// ok, test logs) are skipped, so the output of several packages reads as
// one; their headers repeat the same goos, goarch and cpu. A failed test or
// benchmark is an error, so that a broken run does not become a report.
func parse(r io.Reader) (*benchOutput, error) {
	out := &benchOutput{maxProcs: 1}
	round := -1
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if key, value, ok := strings.Cut(line, ": "); ok {
			switch key {
			case "goos":
				out.goos = strings.TrimSpace(value)
				continue
			case "goarch":
				out.goarch = strings.TrimSpace(value)
				continue
			case "cpu":
				out.cpu = strings.TrimSpace(value)
				continue
			}
		}
		if strings.HasPrefix(line, "FAIL") || strings.HasPrefix(strings.TrimSpace(line), "--- FAIL") {
			return nil, fmt.Errorf("line %d: %q: the benchmarks failed; not writing a report", n, line)
		}
		if !strings.HasPrefix(line, "Benchmark") {
			continue
		}
		name, procs, r, ok := parseResult(line)
		if !ok {
			continue // a benchmark's name printed before its log output
		}
		out.maxProcs = procs
		if len(out.benchmarks) == 0 || name == out.benchmarks[0].name {
			round++
		}
		r.round = round
		b := out.lookup(name)
		if b == nil {
			b = &benchmark{name: name}
			out.benchmarks = append(out.benchmarks, b)
		}
		b.runs = append(b.runs, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading benchmark output: %w", err)
	}
	if len(out.benchmarks) == 0 {
		return nil, errors.New("no benchmark results in the input (want `go test -bench` output on stdin)")
	}
	return out, nil
}

// parseResult parses a result line:
//
//	BenchmarkEncoders/Static/vllm-2   798291   454.1 ns/op   64 B/op   1 allocs/op
//
// The name's -N suffix is GOMAXPROCS, which go test adds when it is not 1.
func parseResult(line string) (name string, procs int, r run, ok bool) {
	f := strings.Fields(line)
	if len(f) < 4 || len(f)%2 != 0 {
		return "", 0, run{}, false
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return "", 0, run{}, false
	}
	name, procs = f[0], 1
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if p, err := strconv.Atoi(name[i+1:]); err == nil && p > 0 {
			name, procs = name[:i], p
		}
	}
	r = run{nsPerOp: -1, bytesPerOp: -1, allocsPerOp: -1}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return "", 0, run{}, false
		}
		switch f[i+1] {
		case "ns/op":
			r.nsPerOp = v
		case "B/op":
			r.bytesPerOp = v
		case "allocs/op":
			r.allocsPerOp = v
		}
	}
	if r.nsPerOp < 0 {
		return "", 0, run{}, false
	}
	return name, procs, r, true
}

// median of the values; the mean of the middle two for an even count.
func median(values []float64) float64 {
	s := slices.Clone(values)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func (b *benchmark) column(get func(run) float64) []float64 {
	vs := make([]float64, len(b.runs))
	for i, r := range b.runs {
		vs[i] = get(r)
	}
	return vs
}

func (b *benchmark) ns() []float64     { return b.column(func(r run) float64 { return r.nsPerOp }) }
func (b *benchmark) bytes() []float64  { return b.column(func(r run) float64 { return r.bytesPerOp }) }
func (b *benchmark) allocs() []float64 { return b.column(func(r run) float64 { return r.allocsPerOp }) }

// A ratioResult is a ratioTarget measured; oursBench or baselineBench is nil
// when the input lacks it.
type ratioResult struct {
	ratioTarget
	oursBench, baselineBench *benchmark
}

func (r ratioResult) ratio() float64 { return roundRatio(r.oursBench, r.baselineBench) }

// roundRatio is ours' ns/op over base's. When the two ran once in each of
// the same rounds (make bench's), it is the median of the ratios within a
// round: a round the machine ran slow for both then counts as one ratio,
// not as a run at each end of the two medians. Otherwise (go test -count)
// it is the ratio of the medians.
func roundRatio(ours, base *benchmark) float64 {
	if rs, ok := roundRatios(ours, base); ok {
		return median(rs)
	}
	return median(ours.ns()) / median(base.ns())
}

// roundRatios is ours' ns/op over base's in each round, when both ran
// exactly once in each of the same rounds, more than one.
func roundRatios(ours, base *benchmark) ([]float64, bool) {
	if len(ours.runs) != len(base.runs) || len(ours.runs) < 2 {
		return nil, false
	}
	rs := make([]float64, len(ours.runs))
	for i, o := range ours.runs {
		b := base.runs[i]
		if o.round != b.round || i > 0 && o.round == ours.runs[i-1].round {
			return nil, false
		}
		rs[i] = o.nsPerOp / b.nsPerOp
	}
	return rs, true
}

func (r ratioResult) met() bool {
	return r.oursBench != nil && r.baselineBench != nil && r.ratio() <= r.max
}

// An allocResult is an allocTarget measured. The worst run counts: a target
// of zero allocations is not met by a median.
type allocResult struct {
	allocTarget
	bench *benchmark
}

func (r allocResult) worst() float64 { return slices.Max(r.bench.allocs()) }

func (r allocResult) met() bool {
	return r.bench != nil && r.worst() >= 0 && r.worst() <= r.max
}

// unmet names every target of the default report that o does not meet
// (a target whose benchmarks are missing is not met), in report order, and
// the peers' when o holds the peer suite's results.
func unmet(o *benchOutput) []string {
	own, peers := splitPeers(o)
	var out []string
	ratios, allocs := evaluate(own)
	for _, r := range ratios {
		if !r.met() {
			out = append(out, fmt.Sprintf("%s: %s ≤ %.2f× %s", r.scenario, r.ours, r.max, r.baseline))
		}
	}
	for _, r := range allocs {
		if !r.met() {
			out = append(out, fmt.Sprintf("%s: %s allocs ≤ %s", r.scenario, r.encoder, formatCount(r.max)))
		}
	}
	for _, sec := range sections {
		out = append(out, sec.unmet(own)...)
	}
	if peers != nil {
		out = append(out, peersSection.unmet(peers)...)
	}
	return out
}

func benchName(scenario, encoder string) string {
	return benchPrefix + "/" + scenario + "/" + encoder
}

func evaluate(o *benchOutput) ([]ratioResult, []allocResult) {
	ratios := make([]ratioResult, len(ratioTargets))
	for i, t := range ratioTargets {
		ratios[i] = ratioResult{t, o.lookup(benchName(t.scenario, t.ours)), o.lookup(benchName(t.scenario, t.baseline))}
	}
	allocs := make([]allocResult, len(allocTargets))
	for i, t := range allocTargets {
		allocs[i] = allocResult{t, o.lookup(benchName(t.scenario, t.encoder))}
	}
	return ratios, allocs
}

func status(met bool) string {
	if met {
		return "met"
	}
	return "**NOT met**"
}

func formatNs(v float64) string {
	if v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

func formatCount(v float64) string {
	if v < 0 {
		return "—"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// writeTargets writes the two target tables, for the report and stdout.
func writeTargets(w io.Writer, ratios []ratioResult, allocs []allocResult) {
	fmt.Fprintln(w, "| Scenario | Encoder | Baseline | ns/op | Baseline ns/op | Ratio | Target | Result |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|--:|---|")
	for _, r := range ratios {
		ours, base, ratio := "missing", "missing", "—"
		if r.oursBench != nil {
			ours = formatNs(median(r.oursBench.ns()))
		}
		if r.baselineBench != nil {
			base = formatNs(median(r.baselineBench.ns()))
		}
		if r.oursBench != nil && r.baselineBench != nil {
			ratio = fmt.Sprintf("%.2f×", r.ratio())
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | ≤ %.1f× | %s |\n",
			r.scenario, r.ours, r.baseline, ours, base, ratio, r.max, status(r.met()))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Scenario | Encoder | allocs/op (worst run) | Target | Result |")
	fmt.Fprintln(w, "|---|---|--:|--:|---|")
	for _, r := range allocs {
		got := "missing"
		if r.bench != nil {
			got = formatCount(r.worst())
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s |\n",
			r.scenario, r.encoder, got, formatCount(r.max), status(r.met()))
	}
}

// benchSources are the files of every benchmark the report covers, the
// encoders' and each section's.
func benchSources() []string {
	sources := []string{encoderSource}
	for _, s := range sections {
		sources = append(sources, s.sources...)
	}
	return sources
}

// joinList joins items as a sentence does: "a", "a and b", "a, b and c".
func joinList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

// reportWidth is where writeWrapped breaks the report's generated prose.
const reportWidth = 78

// writeWrapped writes text as lines of at most reportWidth bytes, broken at
// spaces; a word longer than that gets a line of its own.
func writeWrapped(w io.Writer, text string) {
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > reportWidth {
			fmt.Fprintln(w, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	if line != "" {
		fmt.Fprintln(w, line)
	}
}

// machine describes where the report is written: benchreport runs right
// after the benchmarks, on the same machine and toolchain.
type machine struct {
	date      time.Time
	goVersion string
	numCPU    int
}

// writeMachine writes the list that says where and how the benchmarks ran.
func writeMachine(w io.Writer, o *benchOutput, m machine) {
	runs := 0
	for _, b := range o.benchmarks {
		runs = max(runs, len(b.runs))
	}
	cpu := o.cpu
	if cpu == "" {
		cpu = "unknown (no cpu line in the benchmark output)"
	}
	fmt.Fprintf(w, "- Date: %s (UTC)\n", m.date.UTC().Format(time.DateOnly))
	fmt.Fprintf(w, "- CPU: %s\n", cpu)
	fmt.Fprintf(w, "- OS/arch: %s/%s, %d CPUs (runtime.NumCPU), GOMAXPROCS %d\n", o.goos, o.goarch, m.numCPU, o.maxProcs)
	fmt.Fprintf(w, "- Go: %s\n", m.goVersion)
	if runs > 1 {
		fmt.Fprintf(w, "- Runs per benchmark: %d; the tables show the median\n", runs)
		fmt.Fprintln(w, "- Ratios: the median of the ratios within each round (the ratio of the medians for output not in rounds)")
	} else {
		fmt.Fprintln(w, "- Runs per benchmark: 1")
	}
}

func writeReport(w io.Writer, o *benchOutput, m machine) {
	ratios, allocs := evaluate(o)

	fmt.Fprintln(w, "# Benchmarks")
	fmt.Fprintln(w)
	writeWrapped(w, "Written by `make bench` (internal/tools/benchreport) from the output of the "+
		"benchmarks in "+joinList(benchSources())+", run together: every benchmark once per round, in rounds, so that each is "+
		"measured beside its baseline in every round. Do not edit by hand.")
	fmt.Fprintln(w)
	writeMachine(w, o, m)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Targets")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Ratio is our ns/op over zap's, same scenario, same logger setup.")
	fmt.Fprintln(w)
	writeTargets(w, ratios, allocs)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "## Scenarios")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "The scenarios and their data are zap's own (go.uber.org/zap/benchmarks):")
	fmt.Fprintln(w, "TenFields logs a message with zap's ten fake fields (int, ints, string,")
	fmt.Fprintln(w, "strings, time, times, two objects, an array of ten objects, an error);")
	fmt.Fprintln(w, "TenContext logs a bare message on a logger that got those fields from With;")
	fmt.Fprintln(w, "Static logs a bare message. Every encoder runs in the same full logger,")
	fmt.Fprintln(w, "`zap.New(zapcore.NewCore(enc, zapcore.AddSync(io.Discard), zapcore.DebugLevel))`,")
	fmt.Fprintln(w, "without caller annotation, one goroutine at a time (no RunParallel), so")
	fmt.Fprintln(w, "ns/op is the cost of one call. zap-json is `zapcore.NewJSONEncoder` with")
	fmt.Fprintln(w, "`zap.NewProductionEncoderConfig()` (zap.NewProduction's encoder); zap-console")
	fmt.Fprintln(w, "is `zapcore.NewConsoleEncoder` with `zap.NewDevelopmentEncoderConfig()`")
	fmt.Fprintln(w, "(zap.NewDevelopment's encoder). Ours run with colour off.")
	fmt.Fprintln(w)
	for _, s := range sections {
		s.write(w, o)
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "## Results")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Benchmark | ns/op | ns/op range | B/op | allocs/op |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|")
	for _, b := range o.benchmarks {
		ns := b.ns()
		fmt.Fprintf(w, "| %s | %s | %s–%s | %s | %s |\n", b.name, formatNs(median(ns)),
			formatNs(slices.Min(ns)), formatNs(slices.Max(ns)),
			formatCount(median(b.bytes())), formatCount(median(b.allocs())))
	}
}

// document is the file benchreport writes over previous, its former
// content: with peers, previous with its peers section rewritten from o;
// without, the report of o, with the peers section rewritten from o when o
// holds the peer suite's results (make bench runs it in its rounds), else
// previous's peers section if it had one, so that a run without the peers
// does not erase `make bench-peers`'s table.
//
// Either way the command-line section (benchreport -cli) and the
// binary-size section (benchreport -binsize) stay as they were.
func document(previous string, o *benchOutput, m machine, peers bool) string {
	var b strings.Builder
	if peers {
		writePeers(&b, o, m)
		return withPeers(previous, b.String())
	}
	own, peerRuns := splitPeers(o)
	writeReport(&b, own, m)
	doc := b.String()
	if peerRuns != nil {
		var pb strings.Builder
		writePeers(&pb, peerRuns, m)
		doc = withPeers(doc, pb.String())
	} else if block := peersBlock(previous); block != "" {
		doc = withPeers(doc, block)
	}
	for _, m := range [][2]string{{cliBegin, cliEnd}, {binsizeBegin, binsizeEnd}} {
		if block := markedBlock(previous, m[0], m[1]); block != "" {
			doc = withMarkedBlock(doc, m[0], m[1], block)
		}
	}
	return doc
}

// splitPeers separates the peer suite's results (internal/benchmarks: the
// BenchmarkPeers… and BenchmarkContextLogger benchmarks) from the rest of
// o; peers is nil when o has none of them.
func splitPeers(o *benchOutput) (own, peers *benchOutput) {
	if !hasPeers(o) {
		return o, nil
	}
	own = &benchOutput{goos: o.goos, goarch: o.goarch, cpu: o.cpu, maxProcs: o.maxProcs}
	peers = &benchOutput{goos: o.goos, goarch: o.goarch, cpu: o.cpu, maxProcs: o.maxProcs}
	for _, b := range o.benchmarks {
		if strings.HasPrefix(b.name, "BenchmarkPeers") || strings.HasPrefix(b.name, "BenchmarkContextLogger") {
			peers.benchmarks = append(peers.benchmarks, b)
		} else {
			own.benchmarks = append(own.benchmarks, b)
		}
	}
	return own, peers
}

// cliMain is benchreport -cli: the command-line section of outPath
// rewritten from TestCLISpeed's output on stdin, the rest kept.
func cliMain(outPath string) {
	runs, err := parseCLI(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	var b strings.Builder
	writeCLI(&b, runs, machine{date: time.Now(), goVersion: runtime.Version(), numCPU: runtime.NumCPU()})
	if err := rewriteMarkedBlock(outPath, cliBegin, cliEnd, b.String()); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	for _, t := range cliTargets(runs) {
		met := "met"
		if !t.met {
			met = "NOT met"
		}
		fmt.Printf("%s: %s, %s\n", t.what, t.got, met)
	}
	fmt.Printf("\nwrote %s\n", outPath)
}

func main() {
	outPath := flag.String("o", "BENCHMARKS.md", "the markdown file to write")
	peers := flag.Bool("peers", false, "read the peer suite's output (internal/benchmarks) and rewrite only the file's peers section")
	cli := flag.Bool("cli", false, "read cmd/dynlog's TestCLISpeed output (make bench-cli) and rewrite only the file's command-line section")
	binsize := flag.Bool("binsize", false, "build internal/tools/binsize's programs (make binsize) and rewrite only the file's binary-size section")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: benchreport [-peers | -cli | -binsize] [-o BENCHMARKS.md] [< bench.out]")
		flag.PrintDefaults()
	}
	flag.Parse()
	modes := 0
	for _, on := range []bool{*peers, *cli, *binsize} {
		if on {
			modes++
		}
	}
	if flag.NArg() != 0 || modes > 1 {
		flag.Usage()
		os.Exit(2)
	}
	if *cli {
		cliMain(*outPath)
		return
	}
	if *binsize {
		binsizeMain(*outPath)
		return
	}

	o, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	// The peers section is kept (default mode) or replaced (-peers); the
	// rest of the file is the default mode's.
	previous, err := os.ReadFile(*outPath)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	m := machine{date: time.Now(), goVersion: runtime.Version(), numCPU: runtime.NumCPU()}
	if err := os.WriteFile(*outPath, []byte(document(string(previous), o, m, *peers)), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	own, peerRuns := splitPeers(o)
	if *peers {
		peerRuns = o
	} else {
		ratios, allocs := evaluate(own)
		writeTargets(os.Stdout, ratios, allocs)
		for _, s := range sections {
			fmt.Printf("\n%s\n\n", s.title)
			s.writeTargets(os.Stdout, own)
		}
	}
	if peerRuns != nil {
		fmt.Printf("\n%s\n\n", peersSection.title)
		peersSection.writeTargets(os.Stdout, peerRuns)
	}
	fmt.Printf("\nwrote %s\n", *outPath)
	// make bench and make bench-peers fail when a target is not met, after
	// writing the report that shows which.
	var missed []string
	if *peers {
		missed = peersSection.unmet(o)
	} else {
		missed = unmet(o)
	}
	if len(missed) > 0 {
		fmt.Fprintf(os.Stderr, "benchreport: %d target(s) NOT met:\n", len(missed))
		for _, m := range missed {
			fmt.Fprintln(os.Stderr, "  "+m)
		}
		os.Exit(1)
	}
}
