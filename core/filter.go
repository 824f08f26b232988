package core

import (
	"strings"

	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// BuiltinTargets are the targets that print only errors unless a directive
// says otherwise: Dynamo's list, for services that keep its
// target names, and grpc and otel for the Go libraries dynlog bridges.
var BuiltinTargets = []string{
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
	ds := make([]filter.Directive, 0, len(BuiltinTargets))
	for _, t := range BuiltinTargets {
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

// Named is [filter.Named]: l.Named(name) with the filter's level for the new
// name bound in, so a call the filter rejects costs what zap's disabled call
// costs. Prefer it to l.Named for loggers made once and used often.
func Named(l *zap.Logger, name string) *zap.Logger { return filter.Named(l, name) }
