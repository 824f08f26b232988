package main

import (
	"strings"
	"testing"
	"time"
)

const cliOutput = `=== RUN   TestCLISpeed
cli: jq-empty seconds=10.000 maxrss_kib=3240 input_bytes=1000000000 one_core=false
cli: validate seconds=4.000 maxrss_kib=59044 input_bytes=1000000000 one_core=false
cli: view-readable seconds=8.000 maxrss_kib=35584 input_bytes=1000000000 one_core=true
cli: trace seconds=12.500 maxrss_kib=204800 input_bytes=1000000000 one_core=true
cli: trace-trace seconds=5.000 maxrss_kib=40960 input_bytes=1000000000 one_core=true
--- PASS: TestCLISpeed (50.00s)
`

func TestParseCLIAndTargets(t *testing.T) {
	runs, err := parseCLI(strings.NewReader(cliOutput))
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 5 || runs["trace"].maxRSS != 204800 || !runs["view-readable"].oneCore || runs["validate"].seconds != 4 {
		t.Fatalf("runs %+v", runs)
	}
	var got []string
	for _, tg := range cliTargets(runs) {
		got = append(got, tg.what+": "+tg.got+" "+map[bool]string{true: "met", false: "not met"}[tg.met])
	}
	want := []string{
		"view-readable at ≥ 100 MB/s on one core: 125 MB/s met",
		"trace at ≥ 100 MB/s on one core: 80 MB/s not met",
		"validate ≥ 3× faster than jq empty: 2.50× not met",
		"trace max RSS < 300 MiB: 200 MiB met",
		"trace-trace max RSS < 100 MiB: 40 MiB met",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("targets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if _, err := parseCLI(strings.NewReader("ok\n")); err == nil {
		t.Error("no cli lines: no error")
	}
}

// TestCLISectionKept: -cli rewrites only its section, and the default
// mode keeps it.
func TestCLISectionKept(t *testing.T) {
	runs, _ := parseCLI(strings.NewReader(cliOutput))
	var b strings.Builder
	writeCLI(&b, runs, machine{date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), goVersion: "go1.26", numCPU: 2})
	section := b.String()
	if !strings.HasPrefix(section, cliBegin+"\n") || !strings.HasSuffix(section, cliEnd+"\n") ||
		!strings.Contains(section, "| `dynlog view` | 1000 MB | 8.00 | 125 | 35 MiB | 1 |") {
		t.Fatalf("section:\n%s", section)
	}
	doc := withMarkedBlock("# Benchmarks\n\nold report\n", cliBegin, cliEnd, section)
	if doc != "# Benchmarks\n\nold report\n\n"+section {
		t.Fatalf("appended:\n%s", doc)
	}
	again := withMarkedBlock(doc, cliBegin, cliEnd, cliBegin+"\nnew\n"+cliEnd+"\n")
	if again != "# Benchmarks\n\nold report\n\n"+cliBegin+"\nnew\n"+cliEnd+"\n" {
		t.Fatalf("replaced:\n%s", again)
	}
	o, err := parse(strings.NewReader("goos: linux\ngoarch: amd64\nBenchmarkX-2 \t 100\t 10.0 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	if out := document(doc, o, machine{date: time.Now(), goVersion: "go", numCPU: 2}, false); !strings.HasSuffix(out, section) {
		t.Errorf("make bench dropped the command-line section:\n%s", out)
	}
}
