package main

// dedupSection is the once-only lines', on dedup/dedup_bench_test.go
// (BenchmarkDedup/<scenario>/<variant>): a repeated (suppressed) once call
// within a tenth of a plain zap line with no allocation, and a first-time
// once line within 1.5× the same plain line.
var dedupSection = section{
	title:   "Once-only lines",
	sources: []string{"dedup/dedup_bench_test.go"},
	prefix:  "Benchmark",
	intro: []string{
		"From dedup/dedup_bench_test.go, in the same run. Ratio is the ns/op",
		"over the baseline's; a bound in allocs/op is on the worst run.",
	},
	targets: []target{
		ratioAtMost("Repeated once call (helper)", "Dedup/Repeated/once-helper", "Dedup/First/zap", 0.1),
		allocsAtMost("Repeated once call (helper)", "Dedup/Repeated/once-helper", 0),
		ratioAtMost("Repeated once call (helper, two fields)", "Dedup/Repeated/once-helper-fields", "Dedup/First/zap", 0.1),
		allocsAtMost("Repeated once call (helper, two fields)", "Dedup/Repeated/once-helper-fields", 0),
		ratioAtMost("First-time once line", "Dedup/First/once", "Dedup/First/plain", 1.5),
	},
	notes: []note{
		{
			lead:  "A plain line through the once-only core, for information",
			bench: "Dedup/First/plain",
			about: "beside Dedup/First/zap, the same line with no once-only core",
		},
		{
			lead:  "The helper behind a filter core, as core.New builds it",
			bench: "Dedup/Repeated/once-helper-filter",
			about: "a repeated once call through filter.Named's logger",
		},
		{
			lead:  "The Once field on an ordinary call, repeated, for information",
			bench: "Dedup/Repeated/once-field",
			about: "log.Info(msg, dedup.Once()): zap reads the clock and the caller before the core can look",
		},
	},
	prose: []string{
		"Every logger is built as core.New builds it (caller annotation, the",
		"dynamo-jsonl encoder, a sink that discards). Repeated is a once-only call",
		"whose line has printed already: the helpers look the key up before zap's",
		"Check, so they pay neither the clock nor the caller lookup. First is a",
		"once-only line that prints because its key is new: 262,144 messages of one",
		"length are built before the timer and cycled, with the cache full, so every",
		"call inserts a key and evicts the oldest; plain logs the same messages",
		"without the marker through the same core, zap through no once-only core.",
	},
}
