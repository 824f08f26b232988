package config

// Resolving: where every value the builders use comes from.
//
// One resolve function per preset makes a Config from the options, the
// environment (through WithEnv's lookup) and the TOML files, in the
// precedence docs/configuration.md gives: options, then variables, then
// $DYN_LOGGING_CONFIG_PATH, then SystemConfigPath, then the built-in
// defaults. Each value keeps its source, which the filter's directives
// carry on (filter.Directive.Source).
//
// Resolving collects the problems a logger can live with as it finds them
// (Config.Reports), in the order and wording the values are met in; it
// returns the problems that stop a logger as an error. It evaluates only
// what the logger being built will use, as the presets always have: the
// colour variables are not read for JSONL, nor DYN_LOGGING_MAX_LINE_BYTES
// for a vLLM configuration file, so a bad value of a setting that does not
// apply is not reported. Problems that belong to a later step are kept for
// it: the rank variables' (reported by the new logger, as WARN lines of its
// own), the OTLP variables' (by tracing's start) and VLLM_TRACE_FUNCTION's
// (once NewVLLM's logger exists).

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/dynlog/dynlog/core/internal/env"
	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/outside"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// resolver reads what resolve functions read: the options in c, the
// environment through c.lookup, and for New the TOML files (files).
type resolver struct {
	c     config
	files fileConfig
}

func (r *resolver) env(name string) (string, bool) { return r.c.lookup(name) }

func (r *resolver) getenv(name string) string { return r.c.getenv(name) }

// flag is the boolean variable name under Dynamo's rule (env.Bool), and
// whether it is set. A value the rule does not name is reported, once,
// and counts as false.
func (r *resolver) flag(name string) (on, set bool) {
	v, set := r.c.lookup(name)
	if !set {
		return false, false
	}
	on, known := env.ParseBool(v)
	if !known {
		r.c.warn(fmt.Sprintf("dynlog: %s=%s is not a boolean (want %s); taking it as false", name, outside.Quote(v), env.BoolWords))
	}
	return on, true
}

// on is flag's value alone.
func (r *resolver) on(name string) bool {
	v, _ := r.flag(name)
	return v
}

// fileKey is the Source of a value the TOML files set, by dotted key.
func (r *resolver) fileKey(key string) Source {
	return Source{Kind: FromFile, Name: key, File: r.files.Sources[key]}
}

// loadFiles reads the TOML layers New uses. The system file is optional; a
// file that DYN_LOGGING_CONFIG_PATH names must exist.
func (r *resolver) loadFiles() error {
	user := r.getenv("DYN_LOGGING_CONFIG_PATH")
	if user != "" {
		if _, err := os.Stat(user); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("core: DYN_LOGGING_CONFIG_PATH=%s names a file that does not exist; point it at a TOML file or unset it", outside.Quote(user))
		}
	}
	fc, err := loadConfigFiles([]string{r.c.systemConfig, user})
	r.files = fc
	return err
}

// resolveDynamo resolves New's settings (and Init's).
func resolveDynamo(c config) (*Config, error) {
	r := &resolver{c: c}
	if err := r.loadFiles(); err != nil {
		return nil, err
	}
	s := &Config{}
	r.output(s)
	s.MaxLineBytes = r.maxLineBytes()
	if s.Output.File == nil {
		s.LocalTZ = r.localTZ()
	}
	s.JSONL = r.dynamoJSONL()
	if s.JSONL.Value {
		s.EmbedJSON = r.embedJSON()
	} else {
		s.Colour = r.dynamoColour()
	}
	s.Filter = r.dynamoFilter()
	s.SpanEvents = r.spanEvents(s.JSONL.Value)
	r.common(s)
	return s, nil
}

// resolveReload resolves what Reload replaces: New's filter, from the TOML
// files and DYN_LOG as they are now.
func resolveReload(c config) (*filter.Filter, error) {
	r := &resolver{c: c}
	if err := r.loadFiles(); err != nil {
		return nil, err
	}
	return r.dynamoFilter(), nil
}

// resolveExport resolves what StartTracing starts from when it is given
// options of its own: the OTLP variables.
func resolveExport(c config) Export {
	var from []Source
	e, problems := exportConfig(recordSet(c.lookup, &from))
	e.Problems, e.From = problems, from
	return e
}

// recordSet is lookup, which appends to from each variable it finds set
// and not blank: the sources of what a parser of package dedup or tracing
// variables made.
func recordSet(lookup func(string) (string, bool), from *[]Source) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := lookup(name)
		if src := envSource(name); ok && strings.TrimSpace(v) != "" && !slices.Contains(*from, src) {
			*from = append(*from, src)
		}
		return v, ok
	}
}

// common resolves what every preset takes alike, which reports nothing
// when resolved: the ranks, OTLP log export and the export variables.
func (r *resolver) common(s *Config) {
	s.Ranks, s.RankProblems = dedup.RanksFromEnv(recordSet(r.c.lookup, &s.RanksFrom))
	s.Export = resolveExport(r.c) // tracing's start reports its problems
	s.LogsExport = Setting[bool]{Value: s.Export.LogsEnabled}
	if from := envSource("OTEL_LOGS_EXPORTER"); slices.Contains(s.Export.From, from) {
		s.LogsExport.From = from
	}
}

// output resolves New's output, and for a log file s.LocalTZ, in whose
// zone its backups are named.
func (r *resolver) output(s *Config) {
	if r.c.output != nil {
		s.Output = Output{From: optionSource("WithOutput")}
		return
	}
	s.Output = r.dynamoOutput()
	if s.Output.File != nil {
		s.LocalTZ = r.localTZ()
		s.Output.File.LocalTime = s.LocalTZ.Value
	}
}

// dynamoOutput resolves New's output when no WithOutput gives one: the
// stream or file DYN_LOGGING_FILE, or else [file].path, names.
func (r *resolver) dynamoOutput() Output {
	path, from := r.getenv("DYN_LOGGING_FILE"), envSource("DYN_LOGGING_FILE")
	sec := fileSection{}
	if r.files.File != nil {
		sec = *r.files.File
	}
	if path == "" && sec.Path != nil {
		path, from = *sec.Path, r.fileKey("file.path")
	}
	switch path {
	case "stdout", "/dev/stdout":
		// Streams, not files to rotate (output.Open would refuse them as
		// not regular files).
		return Output{Stream: os.Stdout, From: from}
	case "stderr", "/dev/stderr":
		return Output{Stream: os.Stderr, From: from}
	case "":
		if from := fileSectionSource(r.files); from != "" {
			r.c.warn(fmt.Sprintf("dynlog: [file] (from %s) has no path and DYN_LOGGING_FILE is not set; logging to stderr", outside.Text(from)))
		}
		return Output{}
	}
	cfg := output.Config{Path: path}
	if sec.MaxSizeMB != nil {
		cfg.MaxBytes = min(int64(*sec.MaxSizeMB), 1<<40) << 20 // 1 EiB: no overflow
	}
	if sec.MaxBackups != nil {
		cfg.MaxBackups = *sec.MaxBackups
	}
	if sec.MaxAgeDays != nil {
		cfg.MaxAgeDays = *sec.MaxAgeDays
	}
	cfg.Compress = sec.Compress != nil && *sec.Compress
	cfg.RotateDaily = sec.RotateDaily != nil && *sec.RotateDaily
	return Output{File: &cfg, From: from}
}

// fileSectionSource names the first file, in key order, that set a key of
// [file]; "" if none did.
func fileSectionSource(fc fileConfig) string {
	var keys []string
	for k := range fc.Sources {
		if strings.HasPrefix(k, "file.") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return fc.Sources[keys[0]]
}

// maxLineBytes is the line cap: WithMaxLineBytes if given, else
// DYN_LOGGING_MAX_LINE_BYTES when it is set and an integer ≥ 0 (another
// value is reported and ignored), else the TOML max_line_bytes, else 0, no
// cap.
func (r *resolver) maxLineBytes() Setting[int] {
	if r.c.maxLineSet {
		return Setting[int]{r.c.maxLine, optionSource("WithMaxLineBytes")}
	}
	if v, ok := r.env("DYN_LOGGING_MAX_LINE_BYTES"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err == nil && n >= 0 {
			return Setting[int]{n, envSource("DYN_LOGGING_MAX_LINE_BYTES")}
		}
		r.c.warn(fmt.Sprintf("dynlog: DYN_LOGGING_MAX_LINE_BYTES=%s is not an integer ≥ 0 (a byte count, 0 for no cap); ignoring it", outside.Quote(v)))
	}
	if r.files.MaxLineBytes != nil {
		return Setting[int]{*r.files.MaxLineBytes, r.fileKey("max_line_bytes")}
	}
	return Setting[int]{}
}

// boolean is the variable name when it is set, else the TOML key when a
// file set it (file), else def.
func (r *resolver) boolean(name string, file *bool, key string, def bool) Setting[bool] {
	if v, ok := r.flag(name); ok {
		return Setting[bool]{v, envSource(name)}
	}
	if file != nil {
		return Setting[bool]{*file, r.fileKey(key)}
	}
	return Setting[bool]{Value: def}
}

// localTZ: DYN_LOG_USE_LOCAL_TZ when set, else the TOML local_tz.
func (r *resolver) localTZ() Setting[bool] {
	return r.boolean("DYN_LOG_USE_LOCAL_TZ", r.files.LocalTZ, "local_tz", false)
}

// embedJSON: DYN_LOGGING_EMBED_JSON_STRINGS when set, else the TOML
// embed_json_strings, else off: a string field stays a string, as the caller
// typed it; on is Dynamo's re-parsing of a string whose text is JSON.
func (r *resolver) embedJSON() Setting[bool] {
	return r.boolean("DYN_LOGGING_EMBED_JSON_STRINGS", r.files.EmbedJSON, "embed_json_strings", false)
}

// dynamoJSONL applies DYN_LOGGING_CONSOLE_FORMAT, which wins, then
// DYN_LOGGING_JSONL, then the TOML format.
func (r *resolver) dynamoJSONL() Setting[bool] {
	if f, ok := r.env("DYN_LOGGING_CONSOLE_FORMAT"); ok {
		from := envSource("DYN_LOGGING_CONSOLE_FORMAT")
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "jsonl":
			return Setting[bool]{true, from}
		case "readable":
			return Setting[bool]{false, from}
		}
		r.c.warn(fmt.Sprintf("dynlog: DYN_LOGGING_CONSOLE_FORMAT=%s is neither \"readable\" nor \"jsonl\"; using readable", outside.Quote(f)))
		return Setting[bool]{false, from}
	}
	if v, ok := r.flag("DYN_LOGGING_JSONL"); ok {
		return Setting[bool]{v, envSource("DYN_LOGGING_JSONL")}
	}
	if r.files.Format != nil {
		return Setting[bool]{*r.files.Format == "jsonl", r.fileKey("format")}
	}
	return Setting[bool]{}
}

// dynamoColour decides colour for the readable layout: off if
// DYN_SDK_DISABLE_ANSI_LOGGING is true or NO_COLOR is non-empty; on if
// FORCE_COLOR is non-empty or DYN_LOGGING_ANSI is true; then the TOML ansi
// ("always" or "never"); otherwise ("auto") on only when the stream is a
// terminal. Dynamo colours pipes too; we do not.
func (r *resolver) dynamoColour() Setting[Colour] {
	switch {
	case r.on("DYN_SDK_DISABLE_ANSI_LOGGING"):
		return Setting[Colour]{ColourNever, envSource("DYN_SDK_DISABLE_ANSI_LOGGING")}
	case r.getenv("NO_COLOR") != "":
		return Setting[Colour]{ColourNever, envSource("NO_COLOR")}
	case r.getenv("FORCE_COLOR") != "":
		return Setting[Colour]{ColourAlways, envSource("FORCE_COLOR")}
	case r.on("DYN_LOGGING_ANSI"):
		return Setting[Colour]{ColourAlways, envSource("DYN_LOGGING_ANSI")}
	}
	if r.files.ANSI != nil {
		switch *r.files.ANSI {
		case "always":
			return Setting[Colour]{ColourAlways, r.fileKey("ansi")}
		case "never":
			return Setting[Colour]{ColourNever, r.fileKey("ansi")}
		}
		return Setting[Colour]{ColourAuto, r.fileKey("ansi")}
	}
	return Setting[Colour]{}
}

// dynamoFilter composes the filter of New from the TOML files and DYN_LOG.
func (r *resolver) dynamoFilter() *filter.Filter {
	fallback := filter.Directive{Level: zapcore.InfoLevel, Source: filter.SourceBuiltin}
	if r.files.LogLevel != nil {
		fallback.Level, _ = filter.ParseLevel(*r.files.LogLevel) // checked by loadConfigFiles
		fallback.Source = r.fileKey("log_level").directive()
	}
	targets := make([]string, 0, len(r.files.LogFilters))
	for t := range r.files.LogFilters {
		targets = append(targets, t)
	}
	slices.Sort(targets)
	// A filter holds at most filter.MaxDirectives, as DYN_LOG and the
	// level handler do; and a person reads the warnings, at most
	// maxEntryWarnings of them.
	const maxEntryWarnings = 8
	ds := make([]filter.Directive, 0, min(len(targets), filter.MaxDirectives))
	bad, over := 0, 0
	var overFile string
	for _, t := range targets {
		key := r.fileKey("log_filters." + t)
		d, err := logFilterDirective(t, r.files.LogFilters[t])
		if err != nil {
			if bad++; bad <= maxEntryWarnings {
				r.c.warn(fmt.Sprintf("dynlog: %s: log_filters: ignoring %s: %s", outside.Text(key.File), outside.Quote(t), outside.Text(err.Error())))
			}
			continue
		}
		if len(ds) == filter.MaxDirectives {
			over, overFile = over+1, key.File
			continue
		}
		d.Source = key.directive()
		ds = append(ds, d)
	}
	if bad > maxEntryWarnings {
		r.c.warn(fmt.Sprintf("dynlog: log_filters: ignoring %d more entries that are not directives", bad-maxEntryWarnings))
	}
	if over > 0 {
		r.c.warn(fmt.Sprintf("dynlog: %s: log_filters: keeping the first %d entries, by target, of %d: a filter holds at most %d directives; ignoring the other %d",
			outside.Text(overFile), filter.MaxDirectives, filter.MaxDirectives+over, filter.MaxDirectives, over))
	}
	return composeFilter(r.getenv("DYN_LOG"), ds, fallback, r.c.warn)
}

// logFilterDirective reads a TOML [log_filters] entry as Dynamo does, which
// hands each one to its filter as the directive KEY=LEVEL: the key is what
// DYN_LOG has before '=', a TARGET, a [SPAN] or a TARGET[SPAN], with the
// same rules (no white space, '=', '[' or ']' in a target), so that the
// filter's String, which the level handler shows and takes back, reads
// back to the same filter. An empty key is refused rather than taken for
// the default level, which is log_level's. level was checked by
// loadConfigFiles.
func logFilterDirective(key, level string) (filter.Directive, error) {
	if strings.TrimSpace(key) == "" {
		return filter.Directive{}, errors.New("an empty target (log_level sets the default level)")
	}
	if strings.Contains(key, ",") {
		return filter.Directive{}, errors.New("a target cannot hold ','")
	}
	f, err := filter.Parse(key + "=" + level)
	var perr *filter.ParseError
	if errors.As(err, &perr) && len(perr.Skipped) == 1 {
		if reason := errors.Unwrap(perr.Skipped[0]); reason != nil {
			return filter.Directive{}, reason // without the directive Parse was given
		}
	}
	if err != nil {
		return filter.Directive{}, err
	}
	ds := f.Directives()
	if len(ds) != 1 {
		return filter.Directive{}, fmt.Errorf("reads as %d directives", len(ds))
	}
	return ds[0], nil
}

// The values of DYN_LOGGING_SPAN_EVENTS_LAYOUT and the TOML
// span_events_layout: which generation of Dynamo's span events to print.
const (
	spanLayoutDynamo = "dynamo" // today's: SPAN_FIRST_ENTRY, off unless asked for
	spanLayout2025   = "2025"   // the 2025 guide's: SPAN_CREATED, on in JSONL
)

// spanEvents decides which span events the loggers of New print.
//
// Today's Dynamo (the default) prints them only when DYN_LOGGING_SPAN_EVENTS
// (else the TOML span_events) is true: SPAN_FIRST_ENTRY and SPAN_CLOSED in
// JSONL; in the readable layout tracing-subscriber's own events, and only
// while trace context is on, as Dynamo decides it: DYN_LOGGING_JSONL true
// (with DYN_LOGGING_CONSOLE_FORMAT=readable), the TOML format "jsonl", or
// OTLP export (OTEL_EXPORT_ENABLED).
//
// DYN_LOGGING_SPAN_EVENTS_LAYOUT=2025 (else the TOML span_events_layout)
// brings back the 2025 guide's layout: SPAN_CREATED and SPAN_CLOSED in both
// layouts, on by default in JSONL and off in readable, the switch as above.
//
// The Source is the switch's.
func (r *resolver) spanEvents(jsonl bool) Setting[tracing.SpanEvents] {
	sw := r.boolean("DYN_LOGGING_SPAN_EVENTS", r.files.SpanEvents, "span_events", false)
	set := sw.From.Kind != FromDefault
	events := func(e tracing.SpanEvents) Setting[tracing.SpanEvents] {
		return Setting[tracing.SpanEvents]{e, sw.From}
	}
	if r.spanLayout() == spanLayout2025 {
		if sw.Value || (!set && jsonl) {
			return events(tracing.Events2025)
		}
		return events(tracing.EventsOff)
	}
	switch {
	case !sw.Value:
		return events(tracing.EventsOff)
	case jsonl:
		return events(tracing.EventsDynamo)
	case r.on("DYN_LOGGING_JSONL"),
		r.files.Format != nil && *r.files.Format == "jsonl",
		r.on("OTEL_EXPORT_ENABLED"):
		return events(tracing.EventsReadable)
	}
	return events(tracing.EventsOff)
}

// spanLayout is DYN_LOGGING_SPAN_EVENTS_LAYOUT when it is set, else the TOML
// span_events_layout, else today's. A value that is neither is reported and
// today's layout used.
func (r *resolver) spanLayout() string {
	if v, ok := r.env("DYN_LOGGING_SPAN_EVENTS_LAYOUT"); ok {
		switch w := strings.ToLower(strings.TrimSpace(v)); w {
		case spanLayoutDynamo, spanLayout2025:
			return w
		}
		r.c.warn(fmt.Sprintf("dynlog: DYN_LOGGING_SPAN_EVENTS_LAYOUT=%s is neither %q nor %q; using %q", outside.Quote(v), spanLayoutDynamo, spanLayout2025, spanLayoutDynamo))
		return spanLayoutDynamo
	}
	if r.files.SpanEventsLayout != nil {
		return *r.files.SpanEventsLayout
	}
	return spanLayoutDynamo
}

// How the vLLM preset reads vLLM's variables.
//
// LoadVLLM reads VLLM_LOGGING_LEVEL (default INFO; an unknown name is an
// error; DEBUG also prints module-relative, shortened paths as vLLM does),
// VLLM_LOGGING_STREAM (ext://sys.stdout, the default, or ext://sys.stderr;
// ext://sys.__stdout__ and ext://sys.__stderr__ name the same streams and,
// as in vLLM, are coloured only when VLLM_LOGGING_COLOR=1 asks),
// VLLM_LOGGING_PREFIX, and colour from VLLM_LOGGING_COLOR and NO_COLOR (off
// if NO_COLOR is set to anything but "0", the empty string included).
//
// The prefix goes into the header as vLLM puts it into Python's format
// string: %(name)s, %(levelname)s, %(process)d, %(processName)s, %(thread)d
// and %% expand, with Python's flags, width and precision; a % that starts
// nothing known is printed as it is (vLLM fails there). %(thread)d prints
// the process id, since a goroutine has no thread and an OS thread id
// would change from line to line; %(processName)s prints the process name
// below, or Python's "MainProcess". A newline in the prefix becomes "\r\n"
// and the header, as vLLM's NewLineFormatter makes of every newline in the
// formatted record.
//
// With a process name, WithProcessName or else DYN_LOGGING_PROCESS_NAME,
// every physical line starts with vLLM's process decoration,
// "(NAME pid=PID) ", cyan when the layout is coloured, as vLLM's
// decorate_logs prints in its engine and worker processes.
// core.NewDecoratedWriter decorates a program's other writes to the stream
// (fmt.Println through it, say) the same way.
//
// VLLM_CONFIGURE_LOGGING is read as vLLM reads it, bool(int(value)), with
// Python's int(): " 0", "00" and "-0" are false, "-1" and "1_0" true, and
// "true", "0x1" or an empty value are errors. False gives what Python's
// last-resort handler prints: WARNING and above, the message alone, on
// stderr, undecorated; false with VLLM_LOGGING_CONFIG_PATH set is an error,
// as in vLLM. VLLM_LOGGING_CONFIG_PATH names a JSON file in zap.Config's
// form (it may say "encoding": "vllm" or another of our registered names);
// a missing file, invalid JSON, a top level that is not an object or an
// unknown key is an error that says which. DYN_LOG's directives apply on
// top, with the built-in defaults; a bare level there replaces
// VLLM_LOGGING_LEVEL as the default.

// resolveVLLM resolves NewVLLM's settings, as described above. It
// reads no TOML file.
func resolveVLLM(c config) (*Config, error) {
	r := &resolver{c: c}
	s := &Config{Preset: VLLM}
	v := &s.VLLM
	v.Configure = Setting[bool]{Value: true}
	if raw, ok := r.env("VLLM_CONFIGURE_LOGGING"); ok {
		zero, ok := pythonIntIsZero(raw)
		if !ok {
			return nil, fmt.Errorf("VLLM_CONFIGURE_LOGGING: %s is not an integer as Python's int() reads it (want 0 to leave logging unconfigured, or 1)", outside.Quote(raw))
		}
		v.Configure = Setting[bool]{!zero, envSource("VLLM_CONFIGURE_LOGGING")}
	}
	path := r.getenv("VLLM_LOGGING_CONFIG_PATH")
	if !v.Configure.Value && path != "" {
		return nil, fmt.Errorf("VLLM_CONFIGURE_LOGGING=%s turns logging configuration off, but VLLM_LOGGING_CONFIG_PATH=%s asks for a configuration file; set VLLM_CONFIGURE_LOGGING=1 or unset VLLM_LOGGING_CONFIG_PATH",
			outside.Quote(r.getenv("VLLM_CONFIGURE_LOGGING")), outside.Quote(path))
	}
	switch {
	case path != "":
		zc, err := r.vllmConfigFile(path)
		if err != nil {
			return nil, err
		}
		v.ConfigFile, v.ConfigPath = zc, path
		s.Filter = r.vllmFilter(Setting[zapcore.Level]{Value: levels.Trace})
		s.SpanEvents = r.vllmSpanEvents()
	case !v.Configure.Value:
		// vLLM leaves logging alone; Python's last-resort handler prints
		// WARNING and above. The builder needs nothing else.
		s.Filter = r.vllmFilter(Setting[zapcore.Level]{Value: zapcore.WarnLevel})
	default:
		v.Level = Setting[zapcore.Level]{Value: zapcore.InfoLevel}
		if raw, ok := r.env("VLLM_LOGGING_LEVEL"); ok {
			l, err := parseVLLMLevel(raw)
			if err != nil {
				return nil, err
			}
			v.Level = Setting[zapcore.Level]{l, envSource("VLLM_LOGGING_LEVEL")}
		}
		if c.output == nil {
			if err := r.vllmStream(v); err != nil {
				return nil, err
			}
		}
		if prefix, ok := r.env("VLLM_LOGGING_PREFIX"); ok {
			v.Prefix = Setting[string]{prefix, envSource("VLLM_LOGGING_PREFIX")}
		}
		v.ProcessName = r.vllmProcessName()
		s.Colour = r.vllmColour()
		s.MaxLineBytes = r.maxLineBytes()
		s.Filter = r.vllmFilter(v.Level)
		s.SpanEvents = r.vllmSpanEvents()
	}
	r.common(s)
	r.vllmTraceFunction(v)
	return s, nil
}

// vllmStream resolves VLLM_LOGGING_STREAM.
func (r *resolver) vllmStream(v *VLLMSettings) error {
	from := envSource("VLLM_LOGGING_STREAM")
	switch name := r.getenv("VLLM_LOGGING_STREAM"); name {
	case "":
		v.Stream, v.ColourStream = Setting[*os.File]{Value: os.Stdout}, true
	case "ext://sys.stdout":
		v.Stream, v.ColourStream = Setting[*os.File]{os.Stdout, from}, true
	case "ext://sys.stderr":
		v.Stream, v.ColourStream = Setting[*os.File]{os.Stderr, from}, true
	case "ext://sys.__stdout__":
		v.Stream = Setting[*os.File]{os.Stdout, from}
	case "ext://sys.__stderr__":
		v.Stream = Setting[*os.File]{os.Stderr, from}
	default:
		return fmt.Errorf("VLLM_LOGGING_STREAM: unknown stream %s (want ext://sys.stdout, ext://sys.stderr, ext://sys.__stdout__ or ext://sys.__stderr__)", outside.Quote(name))
	}
	return nil
}

// vllmProcessName is the name of vLLM's process decoration: WithProcessName
// if given, else DYN_LOGGING_PROCESS_NAME, trimmed; "" for none.
// A name that holds a control character (a newline would split the
// decoration across lines) is escaped, as outside.Text escapes text, with
// a report.
func (r *resolver) vllmProcessName() Setting[string] {
	name, from := "", Source{}
	switch v, ok := r.env("DYN_LOGGING_PROCESS_NAME"); {
	case r.c.processNameSet:
		name, from = r.c.processName, optionSource("WithProcessName")
	case ok:
		name, from = strings.TrimSpace(v), envSource("DYN_LOGGING_PROCESS_NAME")
	default:
		return Setting[string]{}
	}
	if safe := outside.Cut(name, len(name)); safe != name {
		r.c.warn(fmt.Sprintf("dynlog: %s: the process name %s holds control characters; printing it escaped, %s", from, outside.Quote(name), safe))
		name = safe
	}
	return Setting[string]{name, from}
}

// vllmColour is vLLM's decision: off if NO_COLOR is set to anything but
// "0" (the empty string included) or VLLM_LOGGING_COLOR is "0"; on if
// VLLM_LOGGING_COLOR is "1"; otherwise on only when the stream is stdout
// or stderr and a terminal.
func (r *resolver) vllmColour() Setting[Colour] {
	if v, ok := r.env("NO_COLOR"); ok && v != "0" {
		return Setting[Colour]{ColourNever, envSource("NO_COLOR")}
	}
	switch r.getenv("VLLM_LOGGING_COLOR") {
	case "0":
		return Setting[Colour]{ColourNever, envSource("VLLM_LOGGING_COLOR")}
	case "1":
		return Setting[Colour]{ColourAlways, envSource("VLLM_LOGGING_COLOR")}
	}
	return Setting[Colour]{}
}

// vllmFilter is the filter of NewVLLM: the built-in defaults, level as the
// default (from its Source), and DYN_LOG's directives on top (its bare
// level, if any, replacing level). Unlike New, a DYN_LOG without a bare
// level keeps VLLM_LOGGING_LEVEL as the default: vLLM users set that
// variable and expect it to hold.
func (r *resolver) vllmFilter(level Setting[zapcore.Level]) *filter.Filter {
	ds := append(builtinDirectives(), filter.Directive{Level: level.Value, Source: level.From.directive()})
	f := filter.New(append(ds, parseDynLog(r.getenv("DYN_LOG"), r.c.warn)...)...)
	reportWarnings(f, r.c.warn)
	return f
}

// vllmSpanEvents is the span events of NewVLLM: off unless
// DYN_LOGGING_SPAN_EVENTS is true, then Dynamo's JSONL events (or the 2025
// guide's, as New's layout setting says), their fields appended as the vLLM
// layout appends any.
func (r *resolver) vllmSpanEvents() Setting[tracing.SpanEvents] {
	sw := r.boolean("DYN_LOGGING_SPAN_EVENTS", nil, "", false) // no TOML file
	switch {
	case !sw.Value:
		return Setting[tracing.SpanEvents]{tracing.EventsOff, sw.From}
	case r.spanLayout() == spanLayout2025:
		return Setting[tracing.SpanEvents]{tracing.Events2025, sw.From}
	}
	return Setting[tracing.SpanEvents]{tracing.EventsDynamo, sw.From}
}

// vllmTraceFunction resolves VLLM_TRACE_FUNCTION, a non-zero integer to
// turn call tracing on, as vLLM reads it. A value that is not an integer
// (an error in vLLM) is kept as a problem, and tracing stays off.
func (r *resolver) vllmTraceFunction(v *VLLMSettings) {
	raw, ok := r.env("VLLM_TRACE_FUNCTION")
	if !ok || strings.TrimSpace(raw) == "" {
		return
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if err != nil {
		v.TraceProblem = fmt.Sprintf("dynlog: VLLM_TRACE_FUNCTION=%s is not an integer; call tracing stays off", outside.Quote(raw))
		return
	}
	v.TraceFunction = Setting[bool]{n != 0, envSource("VLLM_TRACE_FUNCTION")}
}

// vllmConfigFile reads the VLLM_LOGGING_CONFIG_PATH file: a JSON object in
// zap.Config's own form, which may name our encoders ("encoding": "vllm",
// "dynamo-jsonl", "dynamo-readable"), with vLLM's defaults for what it
// leaves out.
func (r *resolver) vllmConfigFile(path string) (*zap.Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: file %s does not exist", outside.Quote(path))
		}
		// The path is ours to print, escaped; PathError would print it raw.
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: cannot read %s: %w", outside.Text(path), err)
	}
	trimmed := bytes.TrimSpace(data)
	if !json.Valid(trimmed) {
		var syntax *json.SyntaxError
		var v any
		if err := json.Unmarshal(trimmed, &v); errors.As(err, &syntax) {
			return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s is not valid JSON: %s (at byte %d)", outside.Text(path), outside.Text(err.Error()), syntax.Offset)
		}
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s is not valid JSON", outside.Text(path))
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s must hold a JSON object at the top level", outside.Text(path))
	}
	var zc zap.Config
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&zc); err != nil {
		return nil, fmt.Errorf("VLLM_LOGGING_CONFIG_PATH: %s: %s", outside.Text(path), outside.Text(err.Error()))
	}
	if strings.TrimSpace(zc.Encoding) == "" {
		zc.Encoding = encoder.VLLMName
	}
	if len(zc.OutputPaths) == 0 {
		zc.OutputPaths = []string{"stdout"}
	}
	if len(zc.ErrorOutputPaths) == 0 {
		zc.ErrorOutputPaths = []string{"stderr"}
	}
	if zc.Level == (zap.AtomicLevel{}) {
		zc.Level = zap.NewAtomicLevelAt(zapcore.InfoLevel)
	}
	return &zc, nil
}
