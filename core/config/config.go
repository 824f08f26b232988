package config

import (
	"os"
	"time"

	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// SystemConfigPath is the TOML file [Load] reads first, as Dynamo does;
// $DYN_LOGGING_CONFIG_PATH is layered over it.
const SystemConfigPath = "/opt/dynamo/etc/logging.toml"

// Preset is the layout family a Config is for.
type Preset uint8

const (
	// Dynamo is [Load]'s: Dynamo's readable and JSONL layouts.
	Dynamo Preset = iota
	// VLLM is [LoadVLLM]'s: vLLM's layout.
	VLLM
)

// Config is every setting a logger of package core is built from, each
// with its source. [Load] and [LoadVLLM] make it from the options, the
// environment and the TOML files; a program may read it, change it, and
// give it to core.Build. A setting the preset does not use is left zero.
type Config struct {
	// Preset is which of core's builders the Config is for.
	Preset Preset

	// Output is where lines go.
	Output Output
	// ErrorOutput is where the logger's own reports and zap's internal
	// errors go ([WithErrorOutput]); never nil after Load.
	ErrorOutput zapcore.WriteSyncer
	// Clock stamps entries ([WithClock]); nil is core.MonotonicClock.
	Clock zapcore.Clock
	// Location is the zone of local time ([WithLocation]); nil is
	// time.Local.
	Location *time.Location

	// JSONL is Dynamo's JSONL layout rather than its readable one.
	JSONL Setting[bool]
	// EmbedJSON prints a string field holding JSON as JSON (JSONL only).
	EmbedJSON Setting[bool]
	// Colour is the readable layout's (Dynamo) or vLLM's.
	Colour Setting[Colour]
	// LocalTZ prints local time in the Dynamo layouts, and names a log
	// file's backups in it.
	LocalTZ Setting[bool]
	// MaxLineBytes caps every line at about that many bytes; 0 is no cap.
	MaxLineBytes Setting[int]
	// SpanEvents is which span lifecycle events the lines show.
	SpanEvents Setting[tracing.SpanEvents]
	// Filter is the configured filter; each directive's Source is the
	// source of the setting it came from.
	Filter *filter.Filter

	// Ranks are dedup's, from the launcher's variables (RanksFrom);
	// RankProblems are the problems with them, which the new logger
	// reports as its own lines.
	Ranks        dedup.Ranks
	RanksFrom    []Source
	RankProblems []error

	// LogsExport: OTEL_LOGS_EXPORTER names otlp, and the logger exports
	// its lines over OTLP.
	LogsExport Setting[bool]
	// Export is the OTLP export variables, for tracing.
	Export Export
	// GRPC is gRPC's own logging variables, for the logger the gRPC
	// bridge puts back when it is undone.
	GRPC GRPC

	VLLM VLLMSettings

	// Reports are the problems the configuration has that a logger can
	// live with, in the order they were met, each one line ("dynlog: …"):
	// core writes them in the logger's layout on ErrorOutput.
	Reports []string
}

// Output is where a logger writes: Writer ([WithOutput]), the process's
// stdout or stderr (Stream), a log file (File), or, with none of them, the
// preset's stream.
type Output struct {
	Writer zapcore.WriteSyncer
	Stream *os.File
	// File is the log file's configuration, without the error output,
	// which is the builder's.
	File *output.Config
	From Source
}

// Colour is a colour decision before the stream is known.
type Colour uint8

const (
	ColourAuto   Colour = iota // colour a terminal only
	ColourAlways               // colour whatever the output
	ColourNever                // never colour
)

// Export is what the OTEL_* variables say about OTLP export (see
// docs/configuration.md), field by field as package tracing/otlp's
// ExportConfig has them (its documentation says what each does), and the
// problems with them, which tracing's start reports. ServiceName is also
// what names an unnamed logger's request spans.
type Export struct {
	Enabled        bool
	Endpoint       string
	TracesEndpoint string
	Protocol       string
	// ServiceName is OTEL_SERVICE_NAME; empty when it is not set.
	ServiceName  string
	LogsEnabled  bool
	LogsEndpoint string
	LogsProtocol string
	SampleRatio  *float64

	// Problems are the variables' bad values, each left out.
	Problems []error
	From     []Source // the variables that were set, in the order read
}

// Asked reports whether the variables ask for OTLP export of spans or
// log records.
func (e Export) Asked() bool { return e.Enabled || e.LogsEnabled }

// GRPC is gRPC's GRPC_GO_LOG_SEVERITY_LEVEL and
// GRPC_GO_LOG_VERBOSITY_LEVEL, as set ("" when not).
type GRPC struct {
	Severity  string
	Verbosity string
}

// VLLMSettings are [LoadVLLM]'s own.
type VLLMSettings struct {
	// Configure is VLLM_CONFIGURE_LOGGING: false leaves logging as
	// Python's last-resort handler has it.
	Configure Setting[bool]
	// ConfigFile is VLLM_LOGGING_CONFIG_PATH's configuration, decoded; nil
	// without one. ConfigPath names the file.
	ConfigFile *zap.Config
	ConfigPath string
	Level      Setting[zapcore.Level]
	// Stream is the stream VLLM_LOGGING_STREAM names, nil with WithOutput;
	// ColourStream is false for the __stdout__ and __stderr__ names, which
	// vLLM never colours on its own.
	Stream       Setting[*os.File]
	ColourStream bool
	Prefix       Setting[string]
	ProcessName  Setting[string]
	// TraceFunction is VLLM_TRACE_FUNCTION non-zero; TraceProblem, when
	// not empty, says why its value is not used (reported once the logger
	// exists, as vLLM's own two lines are written then).
	TraceFunction Setting[bool]
	TraceProblem  string
}

// Setting is one resolved value and its source.
type Setting[T any] struct {
	Value T
	From  Source
}

// Source says where a setting's value came from.
type Source struct {
	Kind SourceKind
	Name string // the variable, the dotted TOML key or the option
	File string // the TOML file, for FromFile
}

// SourceKind is the kind of a Source.
type SourceKind uint8

const (
	FromDefault SourceKind = iota // built in
	FromOption                    // an option of Load
	FromEnv                       // a variable
	FromFile                      // a TOML file's key
)

func optionSource(name string) Source { return Source{Kind: FromOption, Name: name} }
func envSource(name string) Source    { return Source{Kind: FromEnv, Name: name} }

// String prints the source as dynlog's own lines name one: "built-in",
// "option WithMaxLineBytes", "env DYN_LOG", "/etc/x.toml:log_level".
func (s Source) String() string {
	switch s.Kind {
	case FromOption:
		return "option " + s.Name
	case FromEnv:
		return "env " + s.Name
	case FromFile:
		return s.File + ":" + s.Name
	}
	return filter.SourceBuiltin
}

// directive is s as a filter.Directive's Source: the same, but a TOML
// file's path alone, since the directive names its target itself.
func (s Source) directive() string {
	if s.Kind == FromFile {
		return s.File
	}
	return s.String()
}

// Load resolves the settings of core.New (Dynamo's layouts) from opts, the
// environment and the TOML files, in the precedence docs/configuration.md
// gives. The error is for configuration that cannot be honoured at all (a
// TOML file that does not parse, say); the Config returned with it is not
// nil, and holds the Reports met before it, which core.New writes.
func Load(opts ...Option) (*Config, error) {
	c := newConfig(opts)
	cfg, err := resolveDynamo(c)
	return c.finish(cfg, err)
}

// LoadVLLM resolves the settings of core.NewVLLM (vLLM's layout) from opts
// and the VLLM_* variables, as vLLM reads them. The error, and the Config
// returned with it, are as for [Load].
func LoadVLLM(opts ...Option) (*Config, error) {
	c := newConfig(opts)
	cfg, err := resolveVLLM(c)
	return c.finish(cfg, err)
}

// LoadFilter resolves what core.Reload replaces: Dynamo's filter (the
// Config's Filter; the other settings are left zero), from the TOML files
// and DYN_LOG as they are now. The error is as for [Load].
func LoadFilter(opts ...Option) (*Config, error) {
	c := newConfig(opts)
	f, err := resolveReload(c)
	return c.finish(&Config{Filter: f}, err)
}

// LoadVLLMFilter is [LoadFilter] for a logger core.NewVLLM built: vLLM's
// filter (VLLM_LOGGING_LEVEL, or what VLLM_CONFIGURE_LOGGING and
// VLLM_LOGGING_CONFIG_PATH make of it, with DYN_LOG's directives on top)
// as the variables are now. The error is as for [LoadVLLM].
func LoadVLLMFilter(opts ...Option) (*Config, error) {
	c := newConfig(opts)
	var f *filter.Filter
	cfg, err := resolveVLLM(c)
	if cfg != nil {
		f = cfg.Filter
	}
	return c.finish(&Config{Preset: VLLM, Filter: f}, err)
}

// LoadExport resolves the OTLP export variables alone (the Config's
// Export; the other settings are left zero), for starting tracing with
// options of its own.
func LoadExport(opts ...Option) *Config {
	c := newConfig(opts)
	cfg, _ := c.finish(&Config{Export: resolveExport(c)}, nil)
	return cfg
}

// finish fills in what every Config carries from the options.
func (c config) finish(cfg *Config, err error) (*Config, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	cfg.Output.Writer = c.output
	if c.output != nil && cfg.Output.From.Kind == FromDefault {
		cfg.Output.From = optionSource("WithOutput")
	}
	cfg.ErrorOutput = c.errorOutput
	cfg.Clock = c.clock
	cfg.Location = c.location
	cfg.GRPC = GRPC{Severity: c.getenv("GRPC_GO_LOG_SEVERITY_LEVEL"), Verbosity: c.getenv("GRPC_GO_LOG_VERBOSITY_LEVEL")}
	cfg.Reports = *c.reports
	return cfg, err
}
