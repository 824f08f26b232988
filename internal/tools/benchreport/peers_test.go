package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// peersInput is -count 2 output of the peer suite with the given median
// ns/op per logger, the same in every scenario; a logger missing from ns is
// missing from the output.
func peersInput(ns map[string]float64) string {
	var b strings.Builder
	b.WriteString("goos: linux\ngoarch: amd64\npkg: github.com/dynlog/dynlog/internal/benchmarks\ncpu: Test CPU\n")
	for _, s := range peerScenarios {
		for _, l := range peerLoggers {
			v, ok := ns[l]
			if !ok {
				continue
			}
			for _, d := range []float64{-1, 1} {
				fmt.Fprintf(&b, "BenchmarkPeers/%s/%s-2 \t 1000\t %g ns/op\t 240 B/op\t 1 allocs/op\n", s, l, v+d)
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
		"logrus": 2500, "dynlog-jsonl": 650, "dynlog-readable": 560,
	})))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writePeers(&b, o, peersMachine)
	out := b.String()
	for _, want := range []string{
		peersBegin + "\n## Peers\n",
		"- Date: 2026-11-22 (UTC)\n- CPU: Test CPU\n- OS/arch: linux/amd64, 2 CPUs (runtime.NumCPU), GOMAXPROCS 2\n- Go: go1.26.8\n- Runs per benchmark: 2; the tables show the median\n",
		"| Scenario | zap | zap-nocaller | zap-sugar | zerolog | slog-json | logrus | dynlog-jsonl | dynlog-readable | dynlog-vllm | zapslog | dynlog-slog | zap-nopcore |\n",
		"|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
		"| TenFields | 500 (1) | 150 (1) | 520 (1) | 480 (1) | 600 (1) | 2500 (1) | 650 (1) | 560 (1) | — | — | — | — |\n",
		"| Disabled | 500 (1) |",
		"| TenFields: dynlog-jsonl ≤ 1.3× zap | TenFields/dynlog-jsonl | TenFields/zap | 650 | 500 | 1.30× | ≤ 1.3× | met |\n",
		"| Static: dynlog-jsonl ahead of slog-json | Static/dynlog-jsonl | Static/slog-json | 650 | 600 | 1.08× | < 1.0× | **NOT met** |\n",
		"| Disabled: dynlog-jsonl ahead of logrus | Disabled/dynlog-jsonl | Disabled/logrus | 650 | 2500 | 0.26× | < 1.0× | met |\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("peers section lacks %q; got:\n%s", want, out)
		}
	}
	if !strings.HasSuffix(out, peersEnd+"\n") {
		t.Errorf("peers section does not end with its marker:\n%s", out)
	}
	if got, want := len(peersSection.evaluate(o)), 3*len(peerScenarios)+len(slogLineScenarios)+len(contextRows); got != want {
		t.Errorf("%d peer targets, want %d", got, want)
	}
	for _, want := range []string{
		"| Context | ctx-field | context-logger |\n",
		"| span | — | — |\n",
		"| Static: dynlog-slog ≤ 1.0× slog-json | Static/dynlog-slog | Static/slog-json |",
		"| context logger, span: ≤ 1.0× tracing.Ctx | BenchmarkContextLogger/span/context-logger | BenchmarkContextLogger/span/ctx-field |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("peers section lacks %q; got:\n%s", want, out)
		}
	}
}

// TestPeersTargetsStrict: being ahead means strictly faster; a tie is not.
func TestPeersTargetsStrict(t *testing.T) {
	o, err := parse(strings.NewReader(peersInput(map[string]float64{
		"zap": 500, "slog-json": 600, "logrus": 700, "dynlog-jsonl": 600,
	})))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range peersSection.evaluate(o) {
		if !strings.Contains(r.label, ": dynlog-jsonl ") {
			continue // slog's, whose benchmarks this input lacks
		}
		want := !strings.HasSuffix(r.label, "ahead of slog-json")
		if r.met() != want {
			t.Errorf("%s: met = %v (value %v), want %v", r.label, r.met(), r.value(), want)
		}
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
