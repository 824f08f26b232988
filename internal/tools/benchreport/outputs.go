package main

// outputsSection is the file output's, on core/output/bench_test.go
// (BenchmarkFileSink/<variant>): lines per second to a file through our
// file output (core/output: failover, rotation) at 0.9× zap's or better,
// which is ns/op within 1/0.9 of zap's.
var outputsSection = section{
	title:   "Outputs",
	sources: []string{"core/output/bench_test.go"},
	prefix:  "Benchmark",
	intro: []string{
		"From core/output/bench_test.go, in the same run. Lines per second at 0.9×",
		"zap's or better is ns/op at most 1/0.9 ≈ 1.11× zap's; the table shows the",
		"ns/op ratio.",
	},
	targets: []target{
		ratioAtMost("File output, lines/s ≥ 0.9× zap", "FileSink/dynlog", "FileSink/zap", 1/0.9),
	},
	prose: []string{
		"Both log the same Info line with four fields (method, uri, status,",
		"elapsed) through the dynamo-jsonl encoder on a named logger: FileSink/zap",
		"writes straight to an *os.File with zapcore.AddSync; FileSink/dynlog writes",
		"through core/output's file, which rotates and fails over to stderr, at its",
		"default rotation size of 100 MB, so long runs rotate too.",
	},
}
