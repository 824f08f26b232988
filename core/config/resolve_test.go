package config

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap/zapcore"
)

// sourcesOf lists where each of s's settings came from, by name, as
// Source.String prints it; "filter" is the source of the default directive.
func sourcesOf(s *Config) map[string]string {
	m := map[string]string{
		"jsonl":          s.JSONL.From.String(),
		"embed":          s.EmbedJSON.From.String(),
		"colour":         s.Colour.From.String(),
		"local_tz":       s.LocalTZ.From.String(),
		"max_line_bytes": s.MaxLineBytes.From.String(),
		"span_events":    s.SpanEvents.From.String(),
		"output":         s.Output.From.String(),
		"logs_export":    s.LogsExport.From.String(),
		"vllm.level":     s.VLLM.Level.From.String(),
		"vllm.process":   s.VLLM.ProcessName.From.String(),
		"vllm.prefix":    s.VLLM.Prefix.From.String(),
		"vllm.stream":    s.VLLM.Stream.From.String(),
	}
	if s.Filter != nil {
		for _, d := range s.Filter.Directives() {
			if d.Target == "" && d.Span == "" {
				m["filter"] = d.Source
			}
		}
	}
	var export, ranks []string
	for _, from := range s.Export.From {
		export = append(export, from.String())
	}
	for _, from := range s.RanksFrom {
		ranks = append(ranks, from.String())
	}
	m["export"] = strings.Join(export, ", ")
	m["ranks"] = strings.Join(ranks, ", ")
	return m
}

// TestResolveSources: resolve gives every setting the source its value
// came from, under docs/configuration.md's precedence: an option over a
// variable, a variable over the TOML files, the later file over the
// earlier, and the built-in default under them all.
func TestResolveSources(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"system.toml": "format = \"jsonl\"\nlocal_tz = true\nmax_line_bytes = 100\nlog_level = \"warn\"\n",
		"user.toml":   "local_tz = false\nspan_events = true\nembed_json_strings = false\nansi = \"never\"\n[file]\npath = \"stdout\"\n",
		"vllm.json":   `{"encoding": "vllm"}`,
	})
	system, user, vllmJSON := filepath.Join(dir, "system.toml"), filepath.Join(dir, "user.toml"), filepath.Join(dir, "vllm.json")

	for _, tc := range []struct {
		name   string
		vllm   bool
		system string // WithSystemConfig
		env    map[string]string
		opts   []Option
		want   map[string]string // the sources to check; the rest unchecked
	}{
		{name: "defaults", want: map[string]string{
			"jsonl": "built-in", "colour": "built-in", "local_tz": "built-in", "max_line_bytes": "built-in",
			"span_events": "built-in", "output": "built-in", "filter": "built-in", "logs_export": "built-in",
			"export": "", "ranks": "",
		}},
		{name: "variables", env: map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_EMBED_JSON_STRINGS": "0", "DYN_LOG_USE_LOCAL_TZ": "1",
			"DYN_LOGGING_MAX_LINE_BYTES": "64", "DYN_LOGGING_SPAN_EVENTS": "1", "DYN_LOGGING_FILE": "stderr",
			"DYN_LOG": "debug", "OTEL_LOGS_EXPORTER": "none", "OTEL_EXPORT_ENABLED": "1",
			"OTEL_SERVICE_NAME": "svc", "RANK": "3",
		}, want: map[string]string{
			"jsonl": "env DYN_LOGGING_JSONL", "embed": "env DYN_LOGGING_EMBED_JSON_STRINGS",
			"local_tz": "env DYN_LOG_USE_LOCAL_TZ", "max_line_bytes": "env DYN_LOGGING_MAX_LINE_BYTES",
			"span_events": "env DYN_LOGGING_SPAN_EVENTS", "output": "env DYN_LOGGING_FILE",
			"filter": "env DYN_LOG", "logs_export": "env OTEL_LOGS_EXPORTER",
			"export": "env OTEL_EXPORT_ENABLED, env OTEL_SERVICE_NAME, env OTEL_LOGS_EXPORTER", "ranks": "env RANK",
		}},
		{name: "the console format wins over DYN_LOGGING_JSONL", env: map[string]string{
			"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONSOLE_FORMAT": "readable", "NO_COLOR": "1",
		}, want: map[string]string{"jsonl": "env DYN_LOGGING_CONSOLE_FORMAT", "colour": "env NO_COLOR"}},
		{name: "one TOML file", system: system, want: map[string]string{
			"jsonl": system + ":format", "local_tz": system + ":local_tz", "max_line_bytes": system + ":max_line_bytes",
			"filter": system, "span_events": "built-in", "output": "built-in",
		}},
		{name: "the later TOML file key by key", system: system, env: map[string]string{"DYN_LOGGING_CONFIG_PATH": user},
			want: map[string]string{
				"jsonl": system + ":format", "local_tz": user + ":local_tz", "max_line_bytes": system + ":max_line_bytes",
				"span_events": user + ":span_events", "embed": user + ":embed_json_strings", "output": user + ":file.path",
				"filter": system,
			}},
		{name: "the TOML ansi in readable", env: map[string]string{"DYN_LOGGING_CONFIG_PATH": user},
			want: map[string]string{"jsonl": "built-in", "colour": user + ":ansi"}},
		{name: "variables over TOML", system: system, env: map[string]string{
			"DYN_LOGGING_CONFIG_PATH": user, "DYN_LOGGING_CONSOLE_FORMAT": "jsonl", "DYN_LOG_USE_LOCAL_TZ": "0",
			"DYN_LOGGING_MAX_LINE_BYTES": "5", "DYN_LOGGING_SPAN_EVENTS": "0", "DYN_LOGGING_FILE": "stdout",
			"DYN_LOG": "info", "DYN_LOGGING_EMBED_JSON_STRINGS": "1",
		}, want: map[string]string{
			"jsonl": "env DYN_LOGGING_CONSOLE_FORMAT", "local_tz": "env DYN_LOG_USE_LOCAL_TZ",
			"max_line_bytes": "env DYN_LOGGING_MAX_LINE_BYTES", "span_events": "env DYN_LOGGING_SPAN_EVENTS",
			"output": "env DYN_LOGGING_FILE", "filter": "env DYN_LOG", "embed": "env DYN_LOGGING_EMBED_JSON_STRINGS",
		}},
		{name: "a bad variable falls back to the TOML file", system: system,
			env:  map[string]string{"DYN_LOGGING_MAX_LINE_BYTES": "lots"},
			want: map[string]string{"max_line_bytes": system + ":max_line_bytes"}},
		{name: "options over variables and TOML", system: system,
			env:  map[string]string{"DYN_LOGGING_MAX_LINE_BYTES": "5", "DYN_LOGGING_FILE": "stdout"},
			opts: []Option{WithMaxLineBytes(7), WithOutput(zapcore.AddSync(&bytes.Buffer{}))},
			want: map[string]string{"max_line_bytes": "option WithMaxLineBytes", "output": "option WithOutput"}},
		{name: "vLLM defaults", vllm: true, want: map[string]string{
			"vllm.level": "built-in", "vllm.process": "built-in", "vllm.prefix": "built-in", "vllm.stream": "built-in",
			"colour": "built-in", "max_line_bytes": "built-in", "filter": "built-in", "span_events": "built-in",
		}},
		{name: "vLLM variables", vllm: true, env: map[string]string{
			"VLLM_LOGGING_LEVEL": "DEBUG", "DYN_LOGGING_PROCESS_NAME": "EngineCore", "VLLM_LOGGING_PREFIX": "[x] ",
			"VLLM_LOGGING_STREAM": "ext://sys.stderr", "VLLM_LOGGING_COLOR": "1", "DYN_LOGGING_MAX_LINE_BYTES": "9",
			"DYN_LOGGING_SPAN_EVENTS": "1",
		}, want: map[string]string{
			"vllm.level": "env VLLM_LOGGING_LEVEL", "vllm.process": "env DYN_LOGGING_PROCESS_NAME",
			"vllm.prefix": "env VLLM_LOGGING_PREFIX", "vllm.stream": "env VLLM_LOGGING_STREAM",
			"colour": "env VLLM_LOGGING_COLOR", "max_line_bytes": "env DYN_LOGGING_MAX_LINE_BYTES",
			"filter": "env VLLM_LOGGING_LEVEL", "span_events": "env DYN_LOGGING_SPAN_EVENTS",
		}},
		{name: "vLLM: DYN_LOG's bare level over VLLM_LOGGING_LEVEL, options over variables", vllm: true,
			env: map[string]string{"VLLM_LOGGING_LEVEL": "DEBUG", "DYN_LOG": "warn", "DYN_LOGGING_PROCESS_NAME": "EngineCore",
				"DYN_LOGGING_MAX_LINE_BYTES": "9", "NO_COLOR": ""},
			opts: []Option{WithProcessName("Worker"), WithMaxLineBytes(3)},
			want: map[string]string{"filter": "env DYN_LOG", "vllm.process": "option WithProcessName",
				"max_line_bytes": "option WithMaxLineBytes", "colour": "env NO_COLOR"}},
		{name: "vLLM: a configuration file's default level is not VLLM_LOGGING_LEVEL's", vllm: true,
			env:  map[string]string{"VLLM_LOGGING_LEVEL": "DEBUG", "VLLM_LOGGING_CONFIG_PATH": vllmJSON},
			want: map[string]string{"filter": "built-in"}},
		{name: "vLLM: unconfigured logging's default level is not VLLM_LOGGING_LEVEL's", vllm: true,
			env:  map[string]string{"VLLM_LOGGING_LEVEL": "DEBUG", "VLLM_CONFIGURE_LOGGING": "0"},
			want: map[string]string{"filter": "built-in"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var errOut bytes.Buffer
			opts := append([]Option{
				WithSystemConfig(tc.system),
				WithEnv(func(k string) (string, bool) { v, ok := tc.env[k]; return v, ok }),
				WithErrorOutput(zapcore.AddSync(&errOut)),
			}, tc.opts...)
			resolve := resolveDynamo
			if tc.vllm {
				resolve = resolveVLLM
			}
			s, err := resolve(newConfig(opts))
			if err != nil {
				t.Fatal(err)
			}
			got := sourcesOf(s)
			for name, want := range tc.want {
				if got[name] != want {
					t.Errorf("%s from %q, want %q", name, got[name], want)
				}
			}
		})
	}
}

// TestGRPCVariables: Load reads gRPC's own logging variables for the gRPC
// bridge, through WithEnv's lookup, as they are set.
func TestGRPCVariables(t *testing.T) {
	vars := map[string]string{"GRPC_GO_LOG_SEVERITY_LEVEL": "warning", "GRPC_GO_LOG_VERBOSITY_LEVEL": "2"}
	cfg, err := Load(WithSystemConfig(""), WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }))
	if err != nil {
		t.Fatal(err)
	}
	if want := (GRPC{Severity: "warning", Verbosity: "2"}); cfg.GRPC != want {
		t.Errorf("GRPC %+v, want %+v", cfg.GRPC, want)
	}
}

// TestLogFiltersBounded: a TOML file's [log_filters] gives at most
// filter.MaxDirectives directives, the first by target, and says how many
// it ignored; entries that are not directives are named, at most eight,
// then counted.
func TestLogFiltersBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("[log_filters]\n")
	for i := range filter.MaxDirectives + 6 {
		fmt.Fprintf(&b, "\"t%05d\" = \"debug\"\n", i)
	}
	for i := range 10 {
		fmt.Fprintf(&b, "\"bad %02d\" = \"info\"\n", i)
	}
	dir := writeFiles(t, map[string]string{"big.toml": b.String()})
	path := filepath.Join(dir, "big.toml")
	cfg, err := Load(WithSystemConfig(path), WithEnv(func(string) (string, bool) { return "", false }))
	if err != nil {
		t.Fatal(err)
	}
	fromFile := 0
	for _, d := range cfg.Filter.Directives() {
		if strings.HasPrefix(d.Source, path) {
			fromFile++
		}
	}
	if fromFile != filter.MaxDirectives {
		t.Errorf("%d directives from the file, want %d", fromFile, filter.MaxDirectives)
	}
	var bad []string
	for i := range 8 {
		bad = append(bad, fmt.Sprintf(`dynlog: %s: log_filters: ignoring "bad %02d": `, path, i))
	}
	want := append(bad,
		"dynlog: log_filters: ignoring 2 more entries that are not directives",
		fmt.Sprintf("dynlog: %s: log_filters: keeping the first 1024 entries, by target, of 1030: a filter holds at most 1024 directives; ignoring the other 6", path))
	if len(cfg.Reports) != len(want) {
		t.Fatalf("reports:\n%s\nwant %d", strings.Join(cfg.Reports, "\n"), len(want))
	}
	for i, w := range want {
		if i < 8 && !strings.HasPrefix(cfg.Reports[i], w) || i >= 8 && cfg.Reports[i] != w {
			t.Errorf("report %d:\n got %q\nwant %q", i, cfg.Reports[i], w)
		}
	}
}

// TestUnsetVariableValueIgnored: a WithEnv lookup that answers "not set"
// with a value beside it is read as not set, everywhere, as
// os.LookupEnv's "" would be.
func TestUnsetVariableValueIgnored(t *testing.T) {
	for _, load := range []func(...Option) (*Config, error){Load, LoadVLLM} {
		want, err := load(WithEnv(func(string) (string, bool) { return "", false }), WithSystemConfig(""))
		if err != nil {
			t.Fatal(err)
		}
		got, err := load(WithEnv(func(string) (string, bool) { return "1", false }), WithSystemConfig(""))
		if err != nil {
			t.Fatalf("a lookup of unset variables with values: %v", err)
		}
		if g, w := fmt.Sprint(sourcesOf(got)), fmt.Sprint(sourcesOf(want)); g != w {
			t.Errorf("sources %s, want %s", g, w)
		}
	}
}
