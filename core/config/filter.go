package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

// BuiltinTargets returns the targets that print only errors unless a
// directive says otherwise: Dynamo's list, for services that keep its
// target names, and grpc and otel for the Go libraries dynlog bridges. The
// slice is a copy.
func BuiltinTargets() []string { return slices.Clone(builtinTargets) }

var builtinTargets = []string{
	"h2", "tower", "hyper_util", "neli", "async_nats", "rustls", "tokenizers", "axum", "tonic",
	"hf_hub", "opentelemetry", "opentelemetry_sdk", "grpc", "otel",
}

// composeFilter layers the filter's sources, lowest priority first: the
// built-in defaults, the TOML files' [log_filters] (files, each with its
// Source), DYN_LOG. The default level is DYN_LOG's bare level; when DYN_LOG
// holds no directive at all, it is fallback's (TOML's log_level for New).
// A DYN_LOG with directives but no bare level has no default: targets it
// does not match print nothing, as in Dynamo. Each directive's Source says
// which layer it came from. The filter's Warnings are reported through
// warn, after the directives DYN_LOG skipped.
func composeFilter(dynLog string, files []filter.Directive, fallback filter.Directive, warn func(string)) *filter.Filter {
	ds := append(builtinDirectives(), files...)
	dyn := parseDynLog(dynLog, warn)
	if len(dyn) == 0 {
		ds = append(ds, fallback)
	}
	f := filter.New(append(ds, dyn...)...)
	reportWarnings(f, warn)
	return f
}

// reportWarnings writes each of f's Warnings through warn.
func reportWarnings(f *filter.Filter, warn func(string)) {
	for _, w := range f.Warnings() {
		warn("dynlog: " + w)
	}
}

func builtinDirectives() []filter.Directive {
	ds := make([]filter.Directive, 0, len(builtinTargets))
	for _, t := range builtinTargets {
		ds = append(ds, filter.Directive{Target: t, Level: zapcore.ErrorLevel, Source: filter.SourceBuiltin})
	}
	return ds
}

// parseDynLog parses DYN_LOG and reports every directive skipped through
// warn, one line each: never silently. The directives' Source is
// "env DYN_LOG".
func parseDynLog(spec string, warn func(string)) []filter.Directive {
	f, err := filter.Parse(spec)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			warn("dynlog: DYN_LOG: " + line)
		}
	}
	return filter.WithSource(f.Directives(), envSource("DYN_LOG").directive())
}

// parseVLLMLevel reads VLLM_LOGGING_LEVEL: Python's level names, upper-cased
// as vLLM does, plus TRACE.
func parseVLLMLevel(s string) (zapcore.Level, error) {
	l, err := levels.ParseVLLM(s)
	if err != nil {
		return 0, fmt.Errorf("VLLM_LOGGING_LEVEL: %w", err)
	}
	return l, nil
}
