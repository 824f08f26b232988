package main

// tracingSection is tracing's, on the benchmarks of
// tracing/tracing_bench_test.go (BenchmarkTracing/<scenario>/<variant>) and
// tracing/calltrace/call_bench_test.go (BenchmarkCall/<variant>). Its targets: a line
// inside a span within 1.3× the same line outside, Start and End with span
// events off within 1.5× a bare OpenTelemetry SDK span, and call tracing,
// while off, within 2× the same function without it, with no allocation.
var tracingSection = section{
	title:   "Tracing",
	sources: []string{"tracing/tracing_bench_test.go", "tracing/calltrace/call_bench_test.go"},
	prefix:  "Benchmark",
	intro: []string{
		"From tracing/tracing_bench_test.go and tracing/calltrace/call_bench_test.go,",
		"each target beside its baseline in the same run. Ratio is the ns/op",
		"over the baseline's; a bound in allocs/op is on the worst run.",
	},
	targets: []target{
		ratioAtMost("Line inside a span", "Tracing/Line/inside", "Tracing/Line/outside", 1.3),
		ratioAtMost("Start+End, span events off", "Tracing/Span/dynlog", "Tracing/Span/otel", 1.5),
		ratioAtMost("Call tracing off", "Call/off", "Call/none", 2),
		allocsAtMost("Call tracing off", "Call/off", 0),
	},
	notes: []note{
		{
			lead:  "Call tracing on, for information (no target)",
			bench: "Call/on",
			about: "Call/off's function writing its Call and Return lines to a trace file",
		},
	},
	prose: []string{
		"Line/outside is an Info line with three fields (a string, an int and a",
		"float) through `tracing.NewCore`, span events off, around the dynamo-jsonl",
		"encoder to io.Discard, on a named logger with caller annotation; its fourth",
		"field is `zap.Skip()`, so the line has no span. Line/inside is the same line",
		"with `tracing.Ctx` of a span two deep in place of the skip: a request with",
		"three fields and a child with one, so that the line also carries the span",
		"keys (span_name, span_id, trace_id, parent_id) and the child's fields.",
		"Span/otel is Start and End of a bare OpenTelemetry SDK span, child of a",
		"root, on a provider with only the SDK's defaults; Span/dynlog is",
		"`tracing.Start` and End on the same provider, child of a root, span events",
		"off. That provider has no span processor: a processor (tracing's, or an",
		"exporter's) makes the SDK copy every span at End, a cost both would pay",
		"alike. Call/off is a function whose first statement is",
		"`defer calltrace.Call()()`, run while call tracing is off; Call/none is the",
		"same function without it, so Call/off minus Call/none is what the defer",
		"costs while call tracing is off. Call/on runs Call/off's function with call",
		"tracing on, each call writing a Call and a Return line to the trace file.",
	},
}
