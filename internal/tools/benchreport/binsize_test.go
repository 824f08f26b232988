package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestBinsizeSection: the section shows before and now for each program,
// says which links gRPC, and make bench, bench-peers and bench-cli keep it.
func TestBinsizeSection(t *testing.T) {
	now := map[string]binSize{
		"hello":     {plain: 19000000, stripped: 13000000, packages: 440, grpc: true},
		"hellospan": {plain: 9000000, stripped: 6000000, packages: 300},
	}
	var b strings.Builder
	writeBinsize(&b, now, machine{date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), goVersion: "go1.26.8", numCPU: 2})
	section := b.String()
	for _, want := range []string{
		binsizeBegin + "\n## Binary size\n",
		"| hello | `core.New()` and one `Info` line | before (e8e46c9) | 19,364,441 | 13,312,265 | 446 | yes |\n",
		"| hello | `core.New()` and one `Info` line | now | 19,000,000 | 13,000,000 | 440 | yes |\n",
		"| hellospan | `zap.NewProduction()`, `tracing.Start`, one line with `tracing.Ctx`, `End` | now | 9,000,000 | 6,000,000 | 300 | no |\n",
		"- hellospan: −6,894,473 bytes stripped (-53.5%), -132 packages\n",
		"hello still links",
		binsizeEnd + "\n",
	} {
		if !strings.Contains(section, want) {
			t.Errorf("section lacks %q:\n%s", want, section)
		}
	}
	if !strings.HasSuffix(section, binsizeEnd+"\n") {
		t.Errorf("section does not end with its marker:\n%s", section)
	}

	doc := withMarkedBlock("# Benchmarks\n\nold report\n", binsizeBegin, binsizeEnd, section)
	o, err := parse(strings.NewReader("goos: linux\ngoarch: amd64\nBenchmarkX-2 \t 100\t 10.0 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	m := machine{date: time.Now(), goVersion: "go", numCPU: 2}
	if out := document(doc, o, m, false); !strings.Contains(out, section) {
		t.Errorf("make bench dropped the binary-size section:\n%s", out)
	}
	if out := document(doc, o, m, true); !strings.Contains(out, section) {
		t.Errorf("make bench-peers dropped the binary-size section:\n%s", out)
	}
	if out := withMarkedBlock(doc, cliBegin, cliEnd, cliBegin+"\nnew\n"+cliEnd+"\n"); !strings.Contains(out, section) {
		t.Errorf("make bench-cli dropped the binary-size section:\n%s", out)
	}
}

// TestMeasureBinaries builds the programs for real: each gives two sizes,
// the stripped one smaller, and its packages.
func TestMeasureBinaries(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs twice")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command on PATH to build with: %v", err)
	}
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	now, err := measureBinaries(goCmd, root+"/../../..")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range binPrograms {
		s, ok := now[p.pkg]
		if !ok || s.stripped <= 0 || s.stripped >= s.plain || s.packages == 0 {
			t.Errorf("%s: %+v, want two sizes, the stripped one smaller, and its packages", p.pkg, s)
		}
	}
	if now["hellospan"].grpc {
		t.Error("hellospan links gRPC: package tracing imports it again")
	}
}
