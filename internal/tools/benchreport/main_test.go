package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// sampleOutput is real output of
//
//	go test -run '^$' -bench 'Encoders/(TenContext|Static)' -benchmem -count 2 -benchtime 100ms ./encoder/
//
// on a two-core machine, captured verbatim.
const sampleOutput = `goos: linux
goarch: amd64
pkg: github.com/dynlog/dynlog/encoder
cpu: Intel(R) Xeon(R) Processor
BenchmarkEncoders/TenContext/zap-json-2         	  258576	       459.1 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/TenContext/zap-json-2         	  367124	       325.4 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/TenContext/dynamo-jsonl-2     	  296382	       397.8 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/TenContext/dynamo-jsonl-2     	  301077	       565.5 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/TenContext/zap-console-2      	  129741	       840.7 ns/op	      56 B/op	       3 allocs/op
BenchmarkEncoders/TenContext/zap-console-2      	  155583	       844.3 ns/op	      56 B/op	       3 allocs/op
BenchmarkEncoders/TenContext/dynamo-readable-2  	  367687	       471.8 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/TenContext/dynamo-readable-2  	  396289	       639.3 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/TenContext/vllm-2             	  146625	      1533 ns/op	    1473 B/op	       2 allocs/op
BenchmarkEncoders/TenContext/vllm-2             	   74941	      1903 ns/op	    1472 B/op	       2 allocs/op
BenchmarkEncoders/Static/zap-json-2             	  275204	       507.7 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/zap-json-2             	  370993	       500.7 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/dynamo-jsonl-2         	  531217	       484.1 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/dynamo-jsonl-2         	  534931	       263.4 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/zap-console-2          	  244779	       795.4 ns/op	      56 B/op	       3 allocs/op
BenchmarkEncoders/Static/zap-console-2          	  136608	       744.0 ns/op	      56 B/op	       3 allocs/op
BenchmarkEncoders/Static/dynamo-readable-2      	  393657	       428.5 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/dynamo-readable-2      	  521210	       373.8 ns/op	       0 B/op	       0 allocs/op
BenchmarkEncoders/Static/vllm-2                 	  263972	       458.0 ns/op	      64 B/op	       1 allocs/op
BenchmarkEncoders/Static/vllm-2                 	  183054	       620.8 ns/op	      64 B/op	       1 allocs/op
PASS
ok  	github.com/dynlog/dynlog/encoder	3.314s
`

func TestParseResult(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		wantName  string
		wantProcs int
		want      run
		wantOK    bool
	}{
		{
			name:      "benchmem with GOMAXPROCS suffix",
			line:      "BenchmarkEncoders/Static/vllm-2                 \t  263972\t       458.0 ns/op\t      64 B/op\t       1 allocs/op",
			wantName:  "BenchmarkEncoders/Static/vllm",
			wantProcs: 2,
			want:      run{nsPerOp: 458, bytesPerOp: 64, allocsPerOp: 1},
			wantOK:    true,
		},
		{
			name:      "dash inside the name is kept",
			line:      "BenchmarkEncoders/TenContext/dynamo-jsonl-16 \t 296382\t 397.8 ns/op\t 0 B/op\t 0 allocs/op",
			wantName:  "BenchmarkEncoders/TenContext/dynamo-jsonl",
			wantProcs: 16,
			want:      run{nsPerOp: 397.8, bytesPerOp: 0, allocsPerOp: 0},
			wantOK:    true,
		},
		{
			name:      "GOMAXPROCS 1 has no suffix",
			line:      "BenchmarkEncoders/Static/dynamo-jsonl \t 531217\t 484.1 ns/op\t 0 B/op\t 0 allocs/op",
			wantName:  "BenchmarkEncoders/Static/dynamo-jsonl",
			wantProcs: 1,
			want:      run{nsPerOp: 484.1, bytesPerOp: 0, allocsPerOp: 0},
			wantOK:    true,
		},
		{
			name:      "without benchmem",
			line:      "BenchmarkEncoders/Static/zap-json-2 \t 275204\t 507.7 ns/op",
			wantName:  "BenchmarkEncoders/Static/zap-json",
			wantProcs: 2,
			want:      run{nsPerOp: 507.7, bytesPerOp: -1, allocsPerOp: -1},
			wantOK:    true,
		},
		{
			name:      "extra metrics are skipped",
			line:      "BenchmarkCopy-2 \t 1000\t 1234 ns/op\t 829.93 MB/s\t 12 B/op\t 1 allocs/op",
			wantName:  "BenchmarkCopy",
			wantProcs: 2,
			want:      run{nsPerOp: 1234, bytesPerOp: 12, allocsPerOp: 1},
			wantOK:    true,
		},
		{name: "name before log output", line: "BenchmarkEncoders/Static/vllm-2"},
		{name: "failed benchmark", line: "--- FAIL: BenchmarkEncoders/Static/vllm-2"},
		{name: "iterations not a number", line: "BenchmarkX-2 \t many\t 12 ns/op"},
		{name: "value not a number", line: "BenchmarkX-2 \t 100\t fast ns/op"},
		{name: "no ns/op", line: "BenchmarkX-2 \t 100\t 12 B/op"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			name, procs, got, ok := parseResult(tt.line)
			if ok != tt.wantOK {
				t.Fatalf("parseResult(%q) ok = %v, want %v", tt.line, ok, tt.wantOK)
			}
			if !ok {
				return
			}
			if name != tt.wantName || procs != tt.wantProcs || got != tt.want {
				t.Errorf("parseResult(%q) = %q, %d, %+v; want %q, %d, %+v",
					tt.line, name, procs, got, tt.wantName, tt.wantProcs, tt.want)
			}
		})
	}
}

func TestParseSample(t *testing.T) {
	o, err := parse(strings.NewReader(sampleOutput))
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
		{"BenchmarkEncoders/TenContext/zap-json", (325.4 + 459.1) / 2, 0, 0},
		{"BenchmarkEncoders/TenContext/vllm", (1533 + 1903) / 2, (1472 + 1473) / 2.0, 2},
		{"BenchmarkEncoders/Static/zap-console", (744.0 + 795.4) / 2, 56, 3},
		{"BenchmarkEncoders/Static/vllm", (458.0 + 620.8) / 2, 64, 1},
	}
	checkMedians(t, o, 2, cases)
}

// A medianCase is a benchmark of a parsed sample and its expected medians.
type medianCase struct {
	name       string
	wantNs     float64
	wantBytes  float64
	wantAllocs float64
}

// checkMedians checks that each case's benchmark was parsed with runs runs
// and the expected medians of ns/op, B/op and allocs/op.
func checkMedians(t *testing.T, o *benchOutput, runs int, cases []medianCase) {
	t.Helper()
	for _, tt := range cases {
		b := o.lookup(tt.name)
		if b == nil {
			t.Errorf("%s: missing", tt.name)
			continue
		}
		if len(b.runs) != runs {
			t.Errorf("%s: %d runs, want %d", tt.name, len(b.runs), runs)
		}
		if got := median(b.ns()); !approx(got, tt.wantNs) {
			t.Errorf("%s: median ns/op = %v, want %v", tt.name, got, tt.wantNs)
		}
		if got := median(b.bytes()); !approx(got, tt.wantBytes) {
			t.Errorf("%s: median B/op = %v, want %v", tt.name, got, tt.wantBytes)
		}
		if got := median(b.allocs()); !approx(got, tt.wantAllocs) {
			t.Errorf("%s: median allocs/op = %v, want %v", tt.name, got, tt.wantAllocs)
		}
	}
}

func approx(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, input, wantErr string
	}{
		{"empty", "", "no benchmark results"},
		{"build failure", "# github.com/dynlog/dynlog/encoder\nencoder/x.go:1:1: syntax error\nFAIL\tgithub.com/dynlog/dynlog/encoder [build failed]\n", "failed"},
		{"benchmark failure", sampleOutput + "--- FAIL: BenchmarkEncoders/Static/vllm-2\n    x_test.go:9: boom\nFAIL\n", "failed"},
		{"tests only", "PASS\nok  \tgithub.com/dynlog/dynlog/encoder\t0.007s\n", "no benchmark results"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(strings.NewReader(tt.input))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parse: err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{[]float64{7}, 7},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{500, 100, 400, 200, 300}, 300},
	}
	for _, tt := range tests {
		if got := median(tt.in); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// In make bench's rounds a ratio is the median of the ratios within each
// round; with go test -count, whose runs of a benchmark come one after
// another, the ratio of the medians.
func TestRoundRatio(t *testing.T) {
	line := func(name string, ns float64) string {
		return fmt.Sprintf("%s-2\t1000\t%g ns/op\n", name, ns)
	}
	const first, ours, base = "BenchmarkA/first", "BenchmarkA/ours", "BenchmarkA/base"
	// Round 2 ran slow for both: 300 beside 280.
	rounds := [][2]float64{{100, 90}, {300, 280}, {105, 100}}
	var inRounds, counted strings.Builder
	for _, r := range rounds {
		inRounds.WriteString(line(first, 1) + line(ours, r[0]) + line(base, r[1]))
	}
	for range rounds {
		counted.WriteString(line(first, 1))
	}
	for _, r := range rounds {
		counted.WriteString(line(ours, r[0]))
	}
	for _, r := range rounds {
		counted.WriteString(line(base, r[1]))
	}
	for _, tc := range []struct {
		name, input string
		want        float64
	}{
		{"rounds", inRounds.String(), 300.0 / 280}, // median of 1.11, 1.07, 1.05
		{"-count", counted.String(), 105.0 / 100},  // median 105 over median 100
	} {
		o, err := parse(strings.NewReader(tc.input))
		if err != nil {
			t.Fatal(err)
		}
		if got := roundRatio(o.lookup(ours), o.lookup(base)); !approx(got, tc.want) {
			t.Errorf("%s: ratio = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestEvaluateSample(t *testing.T) {
	o, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	ratios, allocs := evaluate(o)
	wantRatios := map[string]bool{
		// The sample has no TenFields: a missing benchmark is not a met target.
		"TenFields/dynamo-jsonl":     false,
		"TenFields/dynamo-readable":  false,
		"TenFields/vllm":             false,
		"TenContext/dynamo-jsonl":    false, // 481.65 / 392.25 = 1.23
		"TenContext/dynamo-readable": true,  // 555.55 / 842.5 = 0.66
		"TenContext/vllm":            false, // 1718 / 842.5 = 2.04
		"Static/dynamo-jsonl":        true,  // 373.75 / 504.2 = 0.74
		"Static/dynamo-readable":     true,
		"Static/vllm":                true,
	}
	if len(ratios) != len(wantRatios) {
		t.Fatalf("got %d ratio targets, want %d", len(ratios), len(wantRatios))
	}
	for _, r := range ratios {
		key := r.scenario + "/" + r.ours
		if got, want := r.met(), wantRatios[key]; got != want {
			t.Errorf("%s: met = %v, want %v", key, got, want)
		}
	}
	for _, r := range allocs {
		if !r.met() {
			t.Errorf("%s/%s: 0 allocs/op not met, want met", r.scenario, r.encoder)
		}
	}
}

func TestZeroAllocTargetUsesWorstRun(t *testing.T) {
	input := "BenchmarkEncoders/Static/dynamo-jsonl-2 \t 100\t 300 ns/op\t 0 B/op\t 0 allocs/op\n" +
		"BenchmarkEncoders/Static/dynamo-jsonl-2 \t 100\t 300 ns/op\t 0 B/op\t 0 allocs/op\n" +
		"BenchmarkEncoders/Static/dynamo-jsonl-2 \t 100\t 300 ns/op\t 8 B/op\t 1 allocs/op\n"
	o, err := parse(strings.NewReader(input))
	if err != nil {
		t.Fatal(err)
	}
	_, allocs := evaluate(o)
	for _, r := range allocs {
		if r.scenario == "Static" && r.met() {
			t.Errorf("Static/dynamo-jsonl met 0 allocs/op with a run of 1 alloc/op")
		}
	}
}

func TestWriteReport(t *testing.T) {
	o, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	writeReport(&b, o, machine{
		date:      time.Date(2026, 11, 21, 23, 30, 0, 0, time.FixedZone("X", -5*3600)),
		goVersion: "go1.26.8",
		numCPU:    2,
	})
	report := b.String()
	for _, want := range []string{
		"- Date: 2026-11-22 (UTC)\n",
		"- CPU: Intel(R) Xeon(R) Processor\n",
		"- OS/arch: linux/amd64, 2 CPUs (runtime.NumCPU), GOMAXPROCS 2\n",
		"- Go: go1.26.8\n",
		"- Runs per benchmark: 2; the tables show the median\n",
		"| TenContext | dynamo-jsonl | zap-json | 482 | 392 | 1.23× | ≤ 1.2× | **NOT met** |\n",
		"| Static | vllm | zap-console | 539 | 770 | 0.70× | ≤ 1.3× | met |\n",
		"| TenFields | dynamo-jsonl | zap-json | missing | missing | — | ≤ 1.1× | **NOT met** |\n",
		"| Static | dynamo-jsonl | 0 | 0 | met |\n",
		"| BenchmarkEncoders/TenContext/vllm | 1718 | 1533–1903 | 1472.5 | 2 |\n",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q; report:\n%s", want, report)
		}
	}
}

// TestUnmet: what make bench fails on. The sample misses TenFields and
// every section's benchmarks, and two of its TenContext ratios are over
// their bound; the targets it meets are not listed.
func TestUnmet(t *testing.T) {
	o, err := parse(strings.NewReader(sampleOutput))
	if err != nil {
		t.Fatal(err)
	}
	missed := strings.Join(unmet(o), "\n")
	for _, want := range []string{"TenFields: dynamo-jsonl ≤", "TenContext: dynamo-jsonl ≤", "TenContext: vllm ≤", "Filter: "} {
		if !strings.Contains(missed, want) {
			t.Errorf("unmet lacks %q:\n%s", want, missed)
		}
	}
	for _, notWant := range []string{"TenContext: dynamo-readable", "Static: "} {
		if strings.Contains(missed, notWant) {
			t.Errorf("unmet lists the met target %q:\n%s", notWant, missed)
		}
	}
}
