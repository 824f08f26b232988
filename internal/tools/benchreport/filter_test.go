package main

import (
	"strings"
	"testing"
	"time"
)

// filterSampleOutput is real output of
//
//	go test -run '^$' -bench 'Encoders/Static/(zap-json|dynamo-jsonl)|Filter' -benchmem -count 2 -benchtime 100ms ./encoder/ ./filter/
//
// on a two-core machine, captured verbatim: two packages in one run, as
// `make bench` makes it.
const filterSampleOutput = `goos: linux
goarch: amd64
pkg: github.com/dynlog/dynlog/encoder
cpu: Intel(R) Xeon(R) Processor
BenchmarkEncoders/Static/zap-json-2         	  392254	       305.0 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/zap-json-2         	  376998	       306.1 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/dynamo-jsonl-2     	  501182	       216.6 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/dynamo-jsonl-2     	  541267	       216.6 ns/op	       0 B/op	       0 allocs/op
PASS
ok  	github.com/dynlog/dynlog/encoder	0.472s
goos: linux
goarch: amd64
pkg: github.com/dynlog/dynlog/filter
cpu: Intel(R) Xeon(R) Processor
BenchmarkFilter/Disabled/zap-2     	23702635	         5.118 ns/op	       0 B/op	       0 allocs/op
BenchmarkFilter/Disabled/zap-2     	23592264	         5.126 ns/op	       0 B/op	       0 allocs/op
BenchmarkFilter/Disabled/zap-check-2         	 2340870	        51.26 ns/op	       0 B/op	       0 allocs/op
BenchmarkFilter/Disabled/zap-check-2         	 2193286	        52.99 ns/op	       0 B/op	       0 allocs/op
BenchmarkFilter/Disabled/bound-2             	22905387	         5.372 ns/op	       0 B/op	       0 allocs/op
BenchmarkFilter/Disabled/bound-2             	22165310	         5.452 ns/op	       0 B/op	       0 allocs/op
BenchmarkFilter/Disabled/unbound-2           	 1671001	        71.75 ns/op	       0 B/op	       0 allocs/op
BenchmarkFilter/Disabled/unbound-2           	 1656483	        72.73 ns/op	       0 B/op	       0 allocs/op
BenchmarkFilter/Allowed/zap-2                	  211708	       535.7 ns/op	     192 B/op	       1 allocs/op
BenchmarkFilter/Allowed/zap-2                	  241519	       532.3 ns/op	     192 B/op	       1 allocs/op
BenchmarkFilter/Allowed/bound-2              	  226239	       545.1 ns/op	     192 B/op	       1 allocs/op
BenchmarkFilter/Allowed/bound-2              	  242168	       556.3 ns/op	     192 B/op	       1 allocs/op
BenchmarkFilter/Allowed/unbound-2            	  231990	       547.7 ns/op	     192 B/op	       1 allocs/op
BenchmarkFilter/Allowed/unbound-2            	  210123	       547.1 ns/op	     192 B/op	       1 allocs/op
BenchmarkFilter/Parse/50-2                   	    4754	     23420 ns/op	   19242 B/op	      68 allocs/op
BenchmarkFilter/Parse/50-2                   	    5744	     20349 ns/op	   19242 B/op	      68 allocs/op
PASS
ok  	github.com/dynlog/dynlog/filter	1.962s
`

func TestParseSeveralPackages(t *testing.T) {
	o, err := parse(strings.NewReader(filterSampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	if o.goos != "linux" || o.goarch != "amd64" || o.cpu != "Intel(R) Xeon(R) Processor" || o.maxProcs != 2 {
		t.Errorf("header = %q %q %q GOMAXPROCS %d", o.goos, o.goarch, o.cpu, o.maxProcs)
	}
	if len(o.benchmarks) != 10 {
		t.Fatalf("got %d benchmarks, want 10", len(o.benchmarks))
	}
	cases := []medianCase{
		{"BenchmarkEncoders/Static/zap-json", (305.0 + 306.1) / 2, 0, 0},
		{"BenchmarkFilter/Disabled/zap", (5.118 + 5.126) / 2, 0, 0},
		{"BenchmarkFilter/Disabled/unbound", (71.75 + 72.73) / 2, 0, 0},
		{"BenchmarkFilter/Allowed/bound", (545.1 + 556.3) / 2, 192, 1},
		{"BenchmarkFilter/Parse/50", (23420 + 20349) / 2.0, 19242, 68},
	}
	checkMedians(t, o, 2, cases)
}

func TestEvaluateFilterSample(t *testing.T) {
	o, err := parse(strings.NewReader(filterSampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		value float64
		met   bool
	}{
		"Disabled/bound":   {((5.372 + 5.452) / 2) / ((5.118 + 5.126) / 2), true},  // 1.06×
		"Disabled/unbound": {((71.75 + 72.73) / 2) / ((51.26 + 52.99) / 2), false}, // 1.39×
		"Allowed/bound":    {((545.1 + 556.3) / 2) / ((535.7 + 532.3) / 2), true},  // 1.03×
		"Allowed/unbound":  {((547.7 + 547.1) / 2) / ((535.7 + 532.3) / 2), true},  // 1.03×
	}
	results := filterSection.evaluate(o)
	if len(results) != len(want) {
		t.Fatalf("got %d filter targets, want %d", len(results), len(want))
	}
	for _, r := range results {
		w, ok := want[r.ours]
		if !ok {
			t.Errorf("unexpected target %s", r.ours)
			continue
		}
		if got := r.value(); !approx(got, w.value) {
			t.Errorf("%s: value = %v, want %v", r.ours, got, w.value)
		}
		if got := r.met(); got != w.met {
			t.Errorf("%s: met = %v, want %v", r.ours, got, w.met)
		}
	}
}

// TestFilterTargetsAreOnMedians: the bounds are inclusive and apply to the
// median of the runs, as the encoder targets do.
func TestFilterTargetsAreOnMedians(t *testing.T) {
	line := func(name string, ns string) string {
		return "BenchmarkFilter/" + name + "-2 \t 100\t " + ns + " ns/op\t 0 B/op\t 0 allocs/op\n"
	}
	input := line("Disabled/zap", "5") + line("Disabled/zap", "5") + line("Disabled/zap", "5") +
		line("Disabled/bound", "10") + line("Disabled/bound", "10") + line("Disabled/bound", "90") + // 2.0×
		line("Disabled/zap-check", "50") + line("Disabled/zap-check", "50") + line("Disabled/zap-check", "1") +
		line("Disabled/unbound", "40") + line("Disabled/unbound", "55") + line("Disabled/unbound", "200") + // 1.1×
		line("Allowed/zap", "500") + line("Allowed/zap", "500") + line("Allowed/zap", "500") +
		line("Allowed/bound", "551") + line("Allowed/bound", "551") + line("Allowed/bound", "100") + // 1.102×
		line("Allowed/unbound", "550") + line("Allowed/unbound", "550") + line("Allowed/unbound", "550") // 1.1×
	o, err := parse(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"Disabled/bound":   true,
		"Disabled/unbound": true,
		"Allowed/bound":    false,
		"Allowed/unbound":  true,
	}
	for _, r := range filterSection.evaluate(o) {
		if got := r.met(); got != want[r.ours] {
			t.Errorf("%s: met = %v (value %v), want %v", r.ours, got, r.value(), want[r.ours])
		}
	}
}

// TestFilterTargetsMissing: output without the filter benchmarks (the
// encoder sample) meets none of their targets and the report says why.
func TestFilterTargetsMissing(t *testing.T) {
	o, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range filterSection.evaluate(o) {
		if r.met() {
			t.Errorf("%s: met without its benchmarks", r.ours)
		}
	}
	var b strings.Builder
	filterSection.writeTargets(&b, o)
	for _, want := range []string{
		"| Filtered-out call, bound logger | Disabled/bound | Disabled/zap | missing | missing | — | ≤ 2.0× | **NOT met** |\n",
		"| Filtered-out call, unbound name | Disabled/unbound | Disabled/zap-check | missing | missing | — | ≤ 1.1× | **NOT met** |\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("targets lack %q; got:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "floor") || strings.Contains(b.String(), "Parse/50") {
		t.Errorf("targets report a note the input lacks:\n%s", b.String())
	}
}

func TestWriteReportFilterSection(t *testing.T) {
	o, err := parse(strings.NewReader(filterSampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeReport(&b, o, machine{date: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC), goVersion: "go1.26.8", numCPU: 2})
	report := b.String()
	for _, want := range []string{
		"\n## Filter\n",
		"| Filtered-out call, bound logger | Disabled/bound | Disabled/zap | 5.4 | 5.1 | 1.06× | ≤ 2.0× | met |\n",
		"| Filtered-out call, unbound name | Disabled/unbound | Disabled/zap-check | 72.2 | 52.1 | 1.39× | ≤ 1.1× | **NOT met** |\n",
		"| Allowed call, bound logger | Allowed/bound | Allowed/zap | 551 | 534 | 1.03× | ≤ 1.1× | met |\n",
		"| Allowed call, unbound name | Allowed/unbound | Allowed/zap | 547 | 534 | 1.03× | ≤ 1.1× | met |\n",
		"A spec of 50 directives parsed, for information: 21884 ns/op\n",
		"| Static | dynamo-jsonl | zap-json | 217 | 306 | 0.71× | ≤ 1.2× | met |\n",
		"| BenchmarkFilter/Parse/50 | 21884 | 20349–23420 | 19242 | 68 |\n",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q; report:\n%s", want, report)
		}
	}
	if i, j := strings.Index(report, "## Filter"), strings.Index(report, "## Results"); i < 0 || j < i {
		t.Errorf("the filter section is not before the results")
	}
}

// A note or target may name a benchmark of another file in full.
func TestBenchNameFullOrPrefixed(t *testing.T) {
	if got := filterSection.benchName("Disabled/zap"); got != "BenchmarkFilter/Disabled/zap" {
		t.Errorf("benchName(Disabled/zap) = %q", got)
	}
	if got := filterSection.benchName("BenchmarkNew/Disabled/unbound"); got != "BenchmarkNew/Disabled/unbound" {
		t.Errorf("benchName(BenchmarkNew/Disabled/unbound) = %q", got)
	}
}
