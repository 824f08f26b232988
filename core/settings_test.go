package core

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// sourcesOf lists where each of s's settings came from, by name, as
// source.String prints it; "filter" is the source of the default directive.
func sourcesOf(s *settings) map[string]string {
	m := map[string]string{
		"jsonl":          s.jsonl.from.String(),
		"embed":          s.embedJSON.from.String(),
		"colour":         s.colour.from.String(),
		"local_tz":       s.localTZ.from.String(),
		"max_line_bytes": s.maxLineBytes.from.String(),
		"span_events":    s.spanEvents.from.String(),
		"output":         s.output.from.String(),
		"logs_export":    s.logsExport.from.String(),
		"vllm.level":     s.vllm.level.from.String(),
		"vllm.process":   s.vllm.processName.from.String(),
		"vllm.prefix":    s.vllm.prefix.from.String(),
		"vllm.stream":    s.vllm.stream.from.String(),
	}
	if s.filter != nil {
		for _, d := range s.filter.Directives() {
			if d.Target == "" && d.Span == "" {
				m["filter"] = d.Source
			}
		}
	}
	var export, ranks []string
	for _, from := range s.export.from {
		export = append(export, from.String())
	}
	for _, from := range s.ranksFrom {
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

// TestStartTracingReadsNoFile: StartTracing learns the layout from the
// settings New resolved for the logger, not from the TOML files as they
// are later: a file that said JSONL when New read it and says readable now
// still gets Dynamo's init line, in JSONL.
func TestStartTracingReadsNoFile(t *testing.T) {
	keepTracingGlobals(t)
	path := filepath.Join(t.TempDir(), "logging.toml")
	if err := os.WriteFile(path, []byte("format = \"jsonl\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	opts := []Option{WithSystemConfig(""), WithErrorOutput(zapcore.AddSync(&errOut)),
		WithEnv(func(k string) (string, bool) {
			if k == "DYN_LOGGING_CONFIG_PATH" {
				return path, true
			}
			return "", false
		})}
	log, err := New(append(opts, WithOutput(zapcore.AddSync(&out)))...)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("format = \"readable\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := StartTracing(context.Background(), log, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	var line struct{ Target, Message string }
	if err := json.Unmarshal(out.Bytes(), &line); err != nil || line.Message != "OpenTelemetry OTLP export disabled, traces local only" {
		t.Errorf("output %q (%v), want Dynamo's init line in JSONL", out.String(), err)
	}
	if errOut.Len() != 0 {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestStartTracingWithoutSettings: a logger New did not build has no
// layout StartTracing knows, and gets no Dynamo init line, whatever the
// variables say.
func TestStartTracingWithoutSettings(t *testing.T) {
	keepTracingGlobals(t)
	var out bytes.Buffer
	log := zap.New(zapcore.NewCore(zapcore.NewJSONEncoder(zapcore.EncoderConfig{MessageKey: "msg"}),
		zapcore.AddSync(&out), zapcore.DebugLevel))
	p, err := StartTracing(context.Background(), log, WithSystemConfig(""),
		WithEnv(func(k string) (string, bool) { return "1", k == "DYN_LOGGING_JSONL" }))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	if out.Len() != 0 {
		t.Errorf("output %q, want nothing", out.String())
	}
}

// TestSettingsResolvedInOnePlace: outside settings.go (and options.go,
// where WithEnv sets it) no code of the package reads the environment,
// through the options' lookup or package os, or calls the parsers of the
// TOML files, the OTLP variables or the rank variables: the builders take
// settings.
func TestSettingsResolvedInOnePlace(t *testing.T) {
	readers := map[string]bool{"loadConfigFiles": true, "exportConfig": true, "logsExporter": true, "RanksFromEnv": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "settings.go" {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if n.Sel.Name == "lookup" && name != "options.go" {
					t.Errorf("%s: reads the environment outside settings.go", fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = f.Sel.Name
				}
				if readers[fn] && !(fn == "logsExporter" && name == "otelenv.go") { // exportConfig's own
					t.Errorf("%s: calls %s outside settings.go", fset.Position(n.Pos()), fn)
				}
				// Nor the process environment behind WithEnv's back; gRPC's
				// own variables, which RedirectGRPC's default logger reads
				// as gRPC does, are not settings.
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && isIdent(sel.X, "os") &&
					(fn == "Getenv" || fn == "LookupEnv" || fn == "Environ") && !grpcVariable(n) {
					t.Errorf("%s: calls os.%s outside settings.go", fset.Position(n.Pos()), fn)
				}
			}
			return true
		})
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// grpcVariable reports whether call's first argument is a literal naming one
// of gRPC's GRPC_* variables.
func grpcVariable(call *ast.CallExpr) bool {
	if len(call.Args) == 0 {
		return false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	return ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, `"GRPC_`)
}
