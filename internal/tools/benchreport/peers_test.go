package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// peersInput is -count 2 output of the peer suite, one goroutine and
// RunParallel alike, with the given median ns/op per logger, the same in
// every scenario; a logger missing from ns is missing from the output.
func peersInput(ns map[string]float64) string {
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: github.com/dynlog/dynlog/internal/benchmarks\ncpu: Test CPU\n")
	for _, m := range peerModes {
		for _, s := range peerScenarios {
			for _, l := range peerLoggers {
				v, ok := ns[l]
				if !ok {
					continue
				}
				for _, d := range []float64{-1, 1} {
					fmt.Fprintf(&b, "Benchmark%s/%s/%s-2 \t 1000\t %g ns/op\t 240 B/op\t 1 allocs/op\n", m.bench, s, l, v+d)
				}
			}
		}
	}
	b.WriteString("PASS\nok  \tgithub.com/dynlog/dynlog/internal/benchmarks\t1.0s\n")
	return b.String()
}

var peersMachine = machine{date: time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC), goVersion: "go1.26.8", numCPU: 2}

func TestWritePeers(t *testing.T) {
	o, err := parse(strings.NewReader(peersInput(map[string]float64{
		"zap": 500, "zap-nocaller": 150, "zap-sugar": 520, "zerolog": 480, "slog-json": 600,
		"logrus": 2500, "dynlog-jsonl": 650, "dynlog-jsonl-nocaller": 300, "dynlog-readable": 560,
	})))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writePeers(&b, o, peersMachine)
	out := b.String()
	header := "| Scenario | zap | zap-nocaller | zap-sugar | zerolog | slog-json | logrus | dynlog-jsonl | dynlog-jsonl-nocaller | dynlog-readable | dynlog-vllm | zapslog | dynlog-slog | zap-nopcore |\n" +
		"|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n" +
		"| TenFields | 500 (1) | 150 (1) | 520 (1) | 480 (1) | 600 (1) | 2500 (1) | 650 (1) | 300 (1) | 560 (1) | — | — | — | — |\n"
	for _, want := range []string{
		peersBegin + "\n## Peers\n",
		"- Date: 2026-11-22 (UTC)\n- CPU: Test CPU\n- OS/arch: linux/amd64, 2 CPUs (runtime.NumCPU), GOMAXPROCS 2\n- Go: go1.26.8\n- Runs per benchmark: 2; the tables show the median\n",
		"Median ns/op, and allocs/op in parentheses, of one call, one goroutine (BenchmarkPeers):\n\n" + header,
		"Median ns/op, and allocs/op in parentheses, of one call, RunParallel (BenchmarkPeersParallel):\n\n" + header,
		"| TenFields, one goroutine: dynlog-jsonl ≤ 1.0× zap | Peers/TenFields/dynlog-jsonl | Peers/TenFields/zap | 650 | 500 | 1.30× | ≤ 1.0× | **NOT met** |\n",
		"| Static, RunParallel: dynlog-jsonl ≤ 0.6× zap | PeersParallel/Static/dynlog-jsonl | PeersParallel/Static/zap | 650 | 500 | 1.30× | ≤ 0.6× | **NOT met** |\n",
		"| TenFields, RunParallel: dynlog-jsonl ≤ 1.3× zerolog | PeersParallel/TenFields/dynlog-jsonl | PeersParallel/TenFields/zerolog | 650 | 480 | 1.35× | ≤ 1.3× | **NOT met** |\n",
		"| DisabledStatic, one goroutine: dynlog-jsonl ≤ 1.1× zap-nopcore | Peers/DisabledStatic/dynlog-jsonl | Peers/DisabledStatic/zap-nopcore | 650 | missing | — | ≤ 1.1× | **NOT met** |\n",
		"| Context | ctx-field | context-logger |\n",
		"| span | — | — |\n",
		"| Static, RunParallel: dynlog-slog ≤ 1.0× slog-json | PeersParallel/Static/dynlog-slog | PeersParallel/Static/slog-json |",
		"| context logger, span: ≤ 1.0× tracing.Ctx | ContextLogger/span/context-logger | ContextLogger/span/ctx-field |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("peers section lacks %q; got:\n%s", want, out)
		}
	}
	// The caller costs 650−300 = 350 ns, more than 0.6× zap, 300.
	// The paragraph is wrapped, so compared with its lines joined.
	joined := strings.ReplaceAll(out, "\n", " ")
	for _, mode := range []string{"one goroutine", "RunParallel"} {
		want := "Static, " + mode + ": the caller costs a dynlog-jsonl line 350 ns (dynlog-jsonl 650 less " +
			"dynlog-jsonl-nocaller 300): zap's lookup"
		want2 := "0.6× zap is 300 ns, less than the caller alone costs: the target needs a cheaper lookup in zap."
		if !strings.Contains(joined, want) || !strings.Contains(joined, want2) {
			t.Errorf("peers section lacks %q or %q; got:\n%s", want, want2, out)
		}
	}
	if !strings.HasSuffix(out, peersEnd+"\n") {
		t.Errorf("peers section does not end with its marker:\n%s", out)
	}
	perMode := len(lineScenarios) + 2 + len(disabledScenarios)
	if got, want := len(peersSection.evaluate(o)), len(peerModes)*perMode+len(lineScenarios)+len(contextRows); got != want {
		t.Errorf("%d peer targets, want %d", got, want)
	}
}

// TestCallerFloor: the paragraph on the caller's cost says what 0.6× zap
// leaves for the rest of a Static line, says when the caller alone costs
// more, and is left out when the line is within 0.6× zap.
func TestCallerFloor(t *testing.T) {
	for _, tc := range []struct {
		dynlog, nocaller float64
		want             string // "" for no paragraph
	}{
		{650, 300, "0.6× zap is 600 ns, which would leave 250 ns for the rest of the line, beside the 300 it costs now:"},
		{1000, 300, "0.6× zap is 600 ns, less than the caller alone costs:"},
		{600, 300, ""},
	} {
		o, err := parse(strings.NewReader(peersInput(map[string]float64{"zap": 1000, "dynlog-jsonl": tc.dynlog, "dynlog-jsonl-nocaller": tc.nocaller})))
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		writeCallerFloor(&b, o)
		got := strings.ReplaceAll(b.String(), "\n", " ")
		if tc.want == "" {
			if got != "" {
				t.Errorf("dynlog-jsonl %v: a paragraph where the target is met: %q", tc.dynlog, got)
			}
			continue
		}
		for _, mode := range []string{"one goroutine", "RunParallel"} {
			if !strings.Contains(got, "Static, "+mode+": ") || !strings.Contains(got, tc.want) {
				t.Errorf("dynlog-jsonl %v, %s: got %q, want %q", tc.dynlog, mode, got, tc.want)
			}
		}
	}
}

// TestCallerFloorByRounds: the paragraph follows the Static target as
// the table states it, by the ratios within rounds. Here they are 0.50 and
// 0.68 (median 0.59, met) while the medians give 930 / 1500 = 0.62: no
// paragraph.
func TestCallerFloorByRounds(t *testing.T) {
	var in strings.Builder
	for _, r := range [][3]float64{{1000, 500, 200}, {2000, 1360, 400}} {
		for i, l := range []string{"zap", "dynlog-jsonl", "dynlog-jsonl-nocaller"} {
			fmt.Fprintf(&in, "BenchmarkPeers/Static/%s-2 \t 1000\t %g ns/op\n", l, r[i])
		}
	}
	o, err := parse(strings.NewReader(in.String()))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeCallerFloor(&b, o)
	if b.Len() != 0 {
		t.Errorf("a paragraph where the target is met by the rounds: %q", b.String())
	}
}

// TestPeersTargetsAtBounds: each of the peers' targets is met at its bound
// and not just above it, on one goroutine and under RunParallel alike.
func TestPeersTargetsAtBounds(t *testing.T) {
	tests := []struct {
		name string
		ns   map[string]float64
		met  map[string]bool // by label suffix; every other dynlog-jsonl target is unmet
	}{
		{"at every bound", map[string]float64{"zap": 1000, "zerolog": 1000, "zap-nopcore": 1000, "dynlog-jsonl": 600},
			map[string]bool{"≤ 1.0× zap": true, "≤ 0.6× zap": true, "≤ 1.3× zerolog": true, "≤ 1.1× zap-nopcore": true}},
		{"equal to zap, over 0.6×", map[string]float64{"zap": 1000, "zerolog": 1000, "zap-nopcore": 1000, "dynlog-jsonl": 1000},
			map[string]bool{"≤ 1.0× zap": true, "≤ 0.6× zap": false, "≤ 1.3× zerolog": true, "≤ 1.1× zap-nopcore": true}},
		{"over every bound", map[string]float64{"zap": 1000, "zerolog": 1000, "zap-nopcore": 1000, "dynlog-jsonl": 1301},
			map[string]bool{"≤ 1.0× zap": false, "≤ 0.6× zap": false, "≤ 1.3× zerolog": false, "≤ 1.1× zap-nopcore": false}},
		{"at 1.1× the floor and 1.3× zerolog", map[string]float64{"zap": 2000, "zerolog": 1000, "zap-nopcore": 1000, "dynlog-jsonl": 1100},
			map[string]bool{"≤ 1.0× zap": true, "≤ 0.6× zap": true, "≤ 1.3× zerolog": true, "≤ 1.1× zap-nopcore": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			for _, m := range peerModes {
				for _, s := range peerScenarios {
					for l, v := range tt.ns {
						fmt.Fprintf(&b, "Benchmark%s/%s/%s-2 \t 1000\t %g ns/op\n", m.bench, s, l, v)
					}
				}
			}
			o, err := parse(strings.NewReader(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			seen := 0
			for _, r := range peersSection.evaluate(o) {
				if !strings.Contains(r.label, ": dynlog-jsonl ") {
					if r.met() {
						t.Errorf("%s: met without its benchmarks", r.label)
					}
					continue
				}
				seen++
				_, bound, _ := strings.Cut(r.label, "dynlog-jsonl ")
				want, ok := tt.met[bound]
				if !ok {
					t.Fatalf("%s: no expectation for %q", r.label, bound)
				}
				if r.met() != want {
					t.Errorf("%s: met = %v (value %v), want %v", r.label, r.met(), r.value(), want)
				}
			}
			if seen != 2*(len(lineScenarios)+2+len(disabledScenarios)) {
				t.Errorf("%d dynlog-jsonl targets", seen)
			}
		})
	}
}

// TestDocumentPeers: -peers rewrites only the peers section (appending it
// the first time), and the default mode keeps it after its own report.
func TestDocumentPeers(t *testing.T) {
	peersOut, err := parse(strings.NewReader(peersInput(map[string]float64{"zap": 500, "dynlog-jsonl": 400})))
	if err != nil {
		t.Fatal(err)
	}
	encOut, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	report := document("", encOut, peersMachine, false)
	if strings.Contains(report, peersBegin) {
		t.Fatalf("the default report has a peers section of its own")
	}

	first := document(report, peersOut, peersMachine, true)
	if !strings.HasPrefix(first, report) || strings.Count(first, peersBegin) != 1 {
		t.Fatalf("-peers did not append one section to the report:\n%s", first)
	}
	block := peersBlock(first)
	if block == "" || !strings.HasSuffix(first, block) {
		t.Fatalf("the peers section is not at the end:\n%s", first)
	}

	later := peersMachine
	later.date = later.date.AddDate(0, 0, 1)
	second := document(first, peersOut, later, true)
	if strings.Count(second, peersBegin) != 1 || !strings.Contains(second, "- Date: 2026-11-23 (UTC)") {
		t.Fatalf("-peers did not replace its section:\n%s", second)
	}
	if !strings.HasPrefix(second, report) {
		t.Errorf("-peers changed the rest of the file")
	}

	rebuilt := document(second, encOut, later, false)
	if !strings.Contains(rebuilt, "# Benchmarks\n") || peersBlock(rebuilt) != peersBlock(second) {
		t.Errorf("the default mode did not keep the peers section:\n%s", rebuilt)
	}
	if want := document("", encOut, later, false); !strings.HasPrefix(rebuilt, want) {
		t.Errorf("the default mode's report changed with a peers section present")
	}
}

// TestDocumentPeersInDefaultRun: when make bench's input holds the peer
// suite's results, the default mode rewrites the peers section from them,
// keeps them out of its own tables, and fails on the peers' targets.
func TestDocumentPeersInDefaultRun(t *testing.T) {
	input := sampleOutput + peersInput(map[string]float64{"zap": 500, "zerolog": 400, "zap-nopcore": 500, "dynlog-jsonl": 450})
	o, err := parse(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	old := document("", mustParse(t, sampleOutput), peersMachine, false) +
		"\n" + peersBegin + "\nstale\n" + peersEnd + "\n"
	doc := document(old, o, peersMachine, false)
	block := peersBlock(doc)
	if strings.Contains(block, "stale") || !strings.Contains(block, "| Static, one goroutine: dynlog-jsonl ≤ 0.6× zap | Peers/Static/dynlog-jsonl | Peers/Static/zap | 450 | 500 | 0.90× | ≤ 0.6× | **NOT met** |\n") {
		t.Errorf("the peers section was not rewritten from the input:\n%s", block)
	}
	if strings.Contains(strings.Replace(doc, block, "", 1), "BenchmarkPeers") {
		t.Errorf("the peers' results are in the report's own tables:\n%s", doc)
	}
	missed := strings.Join(unmet(o), "\n")
	for _, want := range []string{"Peers: Static, one goroutine: dynlog-jsonl ≤ 0.6× zap: 0.90× (Peers/Static/dynlog-jsonl ≤ 0.6×)", "Peers: Static, RunParallel: dynlog-jsonl ≤ 0.6× zap"} {
		if !strings.Contains(missed, want) {
			t.Errorf("unmet lacks %q:\n%s", want, missed)
		}
	}
	if strings.Contains(missed, "TenFields, one goroutine: dynlog-jsonl ≤ 1.0× zap") {
		t.Errorf("unmet lists a met peers target:\n%s", missed)
	}
	if own := strings.Join(unmet(mustParse(t, sampleOutput)), "\n"); strings.Contains(own, "Peers:") {
		t.Errorf("without the peers' results, unmet lists their targets:\n%s", own)
	}
}

func mustParse(t *testing.T, input string) *benchOutput {
	t.Helper()
	o, err := parse(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	return o
}
