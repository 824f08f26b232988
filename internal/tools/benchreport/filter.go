package main

// filterSection is the filter's, on the benchmarks of
// filter/filter_bench_test.go, named BenchmarkFilter/<scenario>/<variant>.
// Its targets: a filtered-out call on a bound logger within 2× zap's disabled
// call, on an unbound name within 1.1× zap's call rejected in Check, and an
// allowed call within 1.1× the same call with no filter core; a 50-directive
// spec's parse is shown for information.
var filterSection = section{
	title:   "Filter",
	sources: []string{"filter/filter_bench_test.go", "core/new_bench_test.go"},
	prefix:  "BenchmarkFilter/",
	intro: []string{
		"From filter/filter_bench_test.go (and core/new_bench_test.go for the call",
		"through core.New's logger). Ratio is the filter's ns/op over",
		"plain zap's, same call, same inner core.",
	},
	targets: []target{
		ratioAtMost("Filtered-out call, bound logger", "Disabled/bound", "Disabled/zap", 2),
		ratioAtMost("Filtered-out call, unbound name", "Disabled/unbound", "Disabled/zap-check", 1.1),
		ratioAtMost("Allowed call, bound logger", "Allowed/bound", "Allowed/zap", 1.1),
		ratioAtMost("Allowed call, unbound name", "Allowed/unbound", "Allowed/zap", 1.1),
	},
	// What zap alone costs for a call that passes Enabled and is rejected in
	// Check, the path an unbound name takes, with core.New's clock and with
	// zap's default one; and the unbound call with zap's default clock.
	notes: []note{{
		lead:  "The same floor with zap's default clock",
		bench: "Disabled/zap-check-timenow",
		about: "as zap-check, reading time.Now",
	}, {
		lead:  "Filtered-out call, unbound name, through core.New's logger",
		bench: "BenchmarkNew/Disabled/unbound",
		about: "as unbound, on the logger core.New returns: every core it installs, and its clock",
	}, {
		lead:  "Filtered-out call, unbound name, zap's default clock",
		bench: "Disabled/unbound-timenow",
		about: "as unbound, in a logger made with zap.New and no zap.WithClock",
	}, {
		lead:  "After a level-handler PUT: Debug in a 3-deep span, plain zap's disabled call",
		bench: "BenchmarkFilterAfterPUT/Span3/zap",
		about: "the floor of the four below",
	}, {
		lead:  "… bound logger, after a PUT of one span directive",
		bench: "BenchmarkFilterAfterPUT/Span3/one-span",
		about: "info,[s1]=trace: the call waits for Write, where the spans are known",
	}, {
		lead:  "… after a PUT of nearly 64 KiB of span directives",
		bench: "BenchmarkFilterAfterPUT/Span3/span-put",
		about: "1,024 [s…]=trace and info: what the span-name maps add to one-span",
	}, {
		lead:  "… after a PUT of one target directive",
		bench: "BenchmarkFilterAfterPUT/Span3/one-target",
		about: "info,t1=debug: rejected in Enabled",
	}, {
		lead:  "… after a PUT of nearly 64 KiB of target directives",
		bench: "BenchmarkFilterAfterPUT/Span3/target-put",
		about: "1,024 t…=debug and info: matching does not depend on their number",
	}, {
		lead:  "After a 64 KiB PUT of span directives, 10,000 loggers named with zap's Named in turn",
		bench: "BenchmarkFilterAfterPUT/Names/unbound-span-put",
		about: "each name not in the per-name cache walks the index; zap's own disabled call on the same names is Names/zap",
	}, {
		lead:  "The same 10,000 names, plain zap's disabled call",
		bench: "BenchmarkFilterAfterPUT/Names/zap",
		about: "the floor of the line above",
	}, {
		lead:  "A spec of 50 directives parsed, for information",
		bench: "Parse/50",
		about: "filter.Parse of 50 distinct directives in every form it reads",
	}},
	prose: []string{
		"The filter is `filter.Parse` of a DYN_LOG a user might set,",
		"`info,dynamo_runtime=debug`, with Dynamo's built-in `error` for h2, tower,",
		"hyper_util, neli, async_nats, rustls, tokenizers, axum, tonic, hf_hub,",
		"opentelemetry, opentelemetry_sdk, grpc and otel. Every logger is named",
		"`dynamo_llm::kv_router`, which only the default (info) matches. Disabled is",
		"a Debug call that prints nothing: zap is a plain core at info; bound is a",
		"logger made with `filter.Named`, rejected in Enabled; unbound is one made",
		"with zap's own `Named`, which passes Enabled (dynamo_runtime=debug makes",
		"debug the filter's lowest level) and is rejected in Check through the",
		"per-name cache. zap reads its clock between Enabled and Check, so that call pays",
		"for one reading: unbound and zap-check read the clock `core.New` gives its",
		"loggers, `core.MonotonicClock` (wall time read through the monotonic clock,",
		"cheaper than `time.Now`), the -timenow variants",
		"zap's default, `time.Now`: each pair shows the difference. Allowed is an Info call with three fields through",
		"the dynamo-jsonl encoder to io.Discard, with and without `filter.NewCore`",
		"around the same core. Behind a filter the inner core is open at every level,",
		"since the filter is the gate. Parse/50 parses a spec of 50 distinct",
		"directives in every form Parse reads.",
	},
}
