package core_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// pinnedClock is the examples' clock: coretest.Pinned, as the other tests'.
var pinnedClock = coretest.Clock(coretest.Pinned)

const thisTarget = "github.com/dynlog/dynlog/core_test"

func TestNewLayoutFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name      string
		vars      map[string]string
		want      func(file string, line int) string
		wantError string
	}{
		{"default readable", nil, func(string, int) string {
			return "2026-01-02T03:04:05.656503Z  INFO " + thisTarget + ": hello n=1\n"
		}, ""},
		{"DYN_LOGGING_JSONL", map[string]string{"DYN_LOGGING_JSONL": " True "}, jsonlLine, ""},
		{"DYN_LOGGING_JSONL false", map[string]string{"DYN_LOGGING_JSONL": "0"}, func(string, int) string {
			return "2026-01-02T03:04:05.656503Z  INFO " + thisTarget + ": hello n=1\n"
		}, ""},
		{"console format wins", map[string]string{"DYN_LOGGING_JSONL": "0", "DYN_LOGGING_CONSOLE_FORMAT": " JSONL "}, jsonlLine, ""},
		{"console format readable wins", map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONSOLE_FORMAT": "readable"}, func(string, int) string {
			return "2026-01-02T03:04:05.656503Z  INFO " + thisTarget + ": hello n=1\n"
		}, ""},
		{"unknown console format", map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_CONSOLE_FORMAT": "xml"}, func(string, int) string {
			return "2026-01-02T03:04:05.656503Z  INFO " + thisTarget + ": hello n=1\n"
		}, diagLine(`DYN_LOGGING_CONSOLE_FORMAT="xml" is neither "readable" nor "jsonl"; using readable`)},
		{"forced colour", map[string]string{"FORCE_COLOR": "1"}, func(string, int) string {
			return "\x1b[2m2026-01-02T03:04:05.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2m" + thisTarget +
				"\x1b[0m\x1b[2m:\x1b[0m hello \x1b[3mn\x1b[0m\x1b[2m=\x1b[0m1\n"
		}, ""},
		{"DYN_LOGGING_ANSI", map[string]string{"DYN_LOGGING_ANSI": "yes"}, func(string, int) string {
			return "\x1b[2m2026-01-02T03:04:05.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2m" + thisTarget +
				"\x1b[0m\x1b[2m:\x1b[0m hello \x1b[3mn\x1b[0m\x1b[2m=\x1b[0m1\n"
		}, ""},
		{"NO_COLOR beats FORCE_COLOR", map[string]string{"FORCE_COLOR": "1", "NO_COLOR": "1"}, func(string, int) string {
			return "2026-01-02T03:04:05.656503Z  INFO " + thisTarget + ": hello n=1\n"
		}, ""},
		{"empty NO_COLOR does not count", map[string]string{"FORCE_COLOR": "1", "NO_COLOR": ""}, func(string, int) string {
			return "\x1b[2m2026-01-02T03:04:05.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2m" + thisTarget +
				"\x1b[0m\x1b[2m:\x1b[0m hello \x1b[3mn\x1b[0m\x1b[2m=\x1b[0m1\n"
		}, ""},
		{"DYN_SDK_DISABLE_ANSI_LOGGING beats DYN_LOGGING_ANSI", map[string]string{"DYN_LOGGING_ANSI": "1", "DYN_SDK_DISABLE_ANSI_LOGGING": "on"}, func(string, int) string {
			return "2026-01-02T03:04:05.656503Z  INFO " + thisTarget + ": hello n=1\n"
		}, ""},
		{"JSONL never coloured", map[string]string{"DYN_LOGGING_JSONL": "1", "FORCE_COLOR": "1"}, jsonlLine, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := coretest.Build(t, core.New, tc.vars)
			file, line := coretest.Here()
			b.Log.Info("hello", zap.Int("n", 1)) // must stay on the line after coretest.Here()
			if got, want := b.Out.String(), tc.want(file, line+1); got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
			if got := b.Err.String(); got != tc.wantError {
				t.Errorf("error output:\n got %q\nwant %q", got, tc.wantError)
			}
		})
	}
}

// diagLine is dynlog's report msg as build's logger writes it to the error
// output in the readable layout.
func diagLine(msg string) string {
	return "2026-01-02T03:04:05.656503Z  WARN dynlog: " + msg + "\n"
}

func jsonlLine(file string, line int) string {
	return `{"time":"2026-01-02T03:04:05.656503Z","level":"INFO","file":` + strconv.Quote(file) +
		`,"line":` + strconv.Itoa(line) + `,"target":"` + thisTarget + `","message":"hello","n":1}` + "\n"
}

// TestNewCallerIsCallSite: file and line are the user's call, through a
// named logger and With, not a frame inside dynlog or zap.
func TestNewCallerIsCallSite(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	log := b.Log.Named("dynamo_runtime::logging").With(zap.String("component", "router"))
	file, line := coretest.Here()
	log.Warn("call site")
	var rec map[string]any
	if err := json.Unmarshal(b.Out.Bytes(), &rec); err != nil {
		t.Fatalf("%v: %q", err, b.Out.String())
	}
	if rec["file"] != file || rec["line"] != float64(line+1) {
		t.Errorf("caller %v:%v, want %s:%d", rec["file"], rec["line"], file, line+1)
	}
	if rec["target"] != "dynamo_runtime::logging" {
		t.Errorf("target %v", rec["target"])
	}
}

func TestNewLocalTimeZone(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOG_USE_LOCAL_TZ": "1", "DYN_LOGGING_JSONL": "1"},
		core.WithLocation(time.FixedZone("PDT", -7*3600)))
	b.Log.Info("x")
	if got := b.Out.String(); !strings.HasPrefix(got, `{"time":"2026-01-01T20:04:05.656503-07:00",`) {
		t.Errorf("local time: %q", got)
	}

	b = coretest.Build(t, core.New, map[string]string{"DYN_LOG_USE_LOCAL_TZ": "true"})
	b.Log.Info("x")
	if got, want := b.Out.String(), "2026-01-02T03:04:05.656503+00:00  INFO "+thisTarget+": x\n"; got != want {
		t.Errorf("local UTC:\n got %q\nwant %q", got, want)
	}
}

// TestNewDynLog: DYN_LOG through New, for this package's unnamed logger
// (whose target is the package path).
func TestNewDynLog(t *testing.T) {
	for _, tc := range []struct {
		spec      string
		printed   []string // of trace, debug, info, warn, error
		wantError string
	}{
		{"", []string{"info", "warn", "error"}, ""},
		{"debug", []string{"debug", "info", "warn", "error"}, ""},
		{"TRACE", []string{"trace", "debug", "info", "warn", "error"}, ""},
		{"5", []string{"trace", "debug", "info", "warn", "error"}, ""},
		{"warning", []string{"warn", "error"}, ""},
		{"error", []string{"error"}, ""},
		{"off", nil, diagLine(`filter: "off" turns every line off; only the built-in directives (such as h2=error) still print`)},
		{"0", nil, diagLine(`filter: "off" turns every line off; only the built-in directives (such as h2=error) still print`)},
		{"info,debug", []string{"debug", "info", "warn", "error"}, ""},
		// A bare target at TRACE: every other target is off.
		{"loud", nil, diagLine(`filter: no directive sets a default level (a bare level such as "info"), so only lines of "loud" print and every other target's are off`)},
		{"dbug", nil, diagLine(`filter: "dbug=trace" (from env DYN_LOG) reads "dbug" as a target printed at trace, not as a level, and no directive sets a default level, so lines of every other target print nothing; did you mean "debug"?`)},
		{"info,foo=loud", []string{"info", "warn", "error"},
			diagLine(`DYN_LOG: filter: ignoring directive "foo=loud": unknown level "loud" (want off, error, warn, info, debug, trace or 0-5)`)},
		{"warn,dynamo_runtime=debug", []string{"warn", "error"}, ""},
		{"dynamo_runtime=debug", nil, diagLine(`filter: no directive sets a default level (a bare level such as "info"), so only lines of "dynamo_runtime" print and every other target's are off`)},
		{"github.com/dynlog/dynlog/core_test=debug", []string{"debug", "info", "warn", "error"},
			diagLine(`filter: no directive sets a default level (a bare level such as "info"), so only lines of "github.com/dynlog/dynlog/core_test" print and every other target's are off`)},
		{"info,[http-request]=debug", []string{"info", "warn", "error"}, ""}, // the lines are in no span
	} {
		t.Run(tc.spec, func(t *testing.T) {
			b := coretest.Build(t, core.New, map[string]string{"DYN_LOG": tc.spec})
			b.Log.Log(core.TraceLevel, "trace")
			b.Log.Debug("debug")
			b.Log.Info("info")
			b.Log.Warn("warn")
			b.Log.Error("error")
			var got []string
			for _, l := range strings.Split(strings.TrimSuffix(b.Out.String(), "\n"), "\n") {
				if l != "" {
					got = append(got, l[strings.LastIndex(l, ": ")+2:])
				}
			}
			if strings.Join(got, ",") != strings.Join(tc.printed, ",") {
				t.Errorf("printed %v, want %v", got, tc.printed)
			}
			if b.Err.String() != tc.wantError {
				t.Errorf("error output:\n got %q\nwant %q", b.Err.String(), tc.wantError)
			}
		})
	}
}

func TestTraceLevelPrints(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOG": "trace"})
	b.Log.Log(core.TraceLevel, "deep")
	if got, want := b.Out.String(), "2026-01-02T03:04:05.656503Z TRACE "+thisTarget+": deep\n"; got != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
	if core.TraceLevel != zapcore.DebugLevel-1 {
		t.Errorf("TraceLevel = %d", core.TraceLevel)
	}
}

func TestNewVLLM(t *testing.T) {
	for _, tc := range []struct {
		name string
		vars map[string]string
		want func(line int) string
	}{
		{"default", nil, func(line int) string {
			return "INFO 01-02 03:04:05 [core_test.go:" + strconv.Itoa(line) + "] hello n=1\n"
		}},
		{"prefix and colour", map[string]string{"VLLM_LOGGING_PREFIX": "[node-7] ", "VLLM_LOGGING_COLOR": "1"}, func(line int) string {
			return "[node-7] \x1b[32mINFO\x1b[0m \x1b[90m01-02 03:04:05\x1b[0m \x1b[90m[core_test.go:" + strconv.Itoa(line) + "]\x1b[0m hello n=1\n"
		}},
		{"NO_COLOR empty still disables", map[string]string{"VLLM_LOGGING_COLOR": "1", "NO_COLOR": ""}, func(line int) string {
			return "INFO 01-02 03:04:05 [core_test.go:" + strconv.Itoa(line) + "] hello n=1\n"
		}},
		{"NO_COLOR=0 does not disable", map[string]string{"VLLM_LOGGING_COLOR": "1", "NO_COLOR": "0"}, func(line int) string {
			return "\x1b[32mINFO\x1b[0m \x1b[90m01-02 03:04:05\x1b[0m \x1b[90m[core_test.go:" + strconv.Itoa(line) + "]\x1b[0m hello n=1\n"
		}},
		{"DEBUG shows the module-relative path", map[string]string{"VLLM_LOGGING_LEVEL": "debug"}, func(line int) string {
			return "INFO 01-02 03:04:05 [core/core_test.go:" + strconv.Itoa(line) + "] hello n=1\n"
		}},
		{"unconfigured: message only", map[string]string{"VLLM_CONFIGURE_LOGGING": "0"}, func(int) string {
			return ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := coretest.Build(t, core.NewVLLM, tc.vars)
			_, line := coretest.Here()
			b.Log.Info("hello", zap.Int("n", 1))
			if got, want := b.Out.String(), tc.want(line+1); got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
		})
	}
}

func TestNewVLLMUnconfiguredPrintsWarningsBare(t *testing.T) {
	b := coretest.Build(t, core.NewVLLM, map[string]string{"VLLM_CONFIGURE_LOGGING": "0"})
	b.Log.Info("hidden")
	b.Log.Warn("careful\nsecond line", zap.String("k", "v"))
	if got, want := b.Out.String(), "careful\nsecond line k=\"v\"\n"; got != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
}

func TestNewVLLMErrors(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "bad.json")
	os.WriteFile(notJSON, []byte(`{"level": "info",`), 0o600)
	array := filepath.Join(dir, "array.json")
	os.WriteFile(array, []byte(`["vllm"]`), 0o600)
	unknownKey := filepath.Join(dir, "unknown.json")
	os.WriteFile(unknownKey, []byte(`{"levle": "info"}`), 0o600)
	for _, tc := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"VLLM_LOGGING_LEVEL": "LOUD"}, `VLLM_LOGGING_LEVEL: unknown level "LOUD" (want DEBUG, INFO, WARNING, ERROR, CRITICAL or TRACE)`},
		{map[string]string{"VLLM_LOGGING_STREAM": "ext://sys.stdin"}, `VLLM_LOGGING_STREAM: unknown stream "ext://sys.stdin" (want ext://sys.stdout, ext://sys.stderr, ext://sys.__stdout__ or ext://sys.__stderr__)`},
		{map[string]string{"VLLM_LOGGING_CONFIG_PATH": filepath.Join(dir, "missing.json")}, `VLLM_LOGGING_CONFIG_PATH: file "` + filepath.Join(dir, "missing.json") + `" does not exist`},
		{map[string]string{"VLLM_LOGGING_CONFIG_PATH": notJSON}, `VLLM_LOGGING_CONFIG_PATH: ` + notJSON + ` is not valid JSON: unexpected end of JSON input (at byte 17)`},
		{map[string]string{"VLLM_LOGGING_CONFIG_PATH": array}, `VLLM_LOGGING_CONFIG_PATH: ` + array + ` must hold a JSON object at the top level`},
		{map[string]string{"VLLM_LOGGING_CONFIG_PATH": unknownKey}, `VLLM_LOGGING_CONFIG_PATH: ` + unknownKey + `: json: unknown field "levle"`},
	} {
		_, err := core.NewVLLM(core.WithEnv(coretest.Env(tc.vars)))
		if err == nil || err.Error() != tc.want {
			t.Errorf("%v:\n got %v\nwant %s", tc.vars, err, tc.want)
		}
	}
}

// TestNewVLLMConfigFile: a zap.Config JSON naming our encoder, writing to a
// real file.
func TestNewVLLMConfigFile(t *testing.T) {
	dir := t.TempDir()
	logPath := filepath.Join(dir, "out.log")
	cfgPath := filepath.Join(dir, "logging.json")
	cfg := `{"level": "warn", "encoding": "dynamo-jsonl", "outputPaths": [` + strconv.Quote(logPath) + `]}`
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	log, err := core.NewVLLM(core.WithEnv(coretest.Env(map[string]string{"VLLM_LOGGING_CONFIG_PATH": cfgPath})),
		core.WithClock(coretest.Clock(coretest.Pinned)))
	if err != nil {
		t.Fatal(err)
	}
	log.Info("dropped")
	file, line := coretest.Here()
	log.Named("vllm.engine").Warn("kept", zap.Float64("ratio", 1))
	if err := log.Sync(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	// zap.Config.Build annotates the caller unless disableCaller says not to.
	want := `{"time":"2026-01-02T03:04:05.656503Z","level":"WARN","file":` + strconv.Quote(file) + `,"line":` +
		strconv.Itoa(line+1) + `,"target":"vllm.engine","message":"kept","ratio":1.0}` + "\n"
	if string(got) != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
}

// Without WithClock, entry times are the wall-clock time of the call (New
// reads it through MonotonicClock), in both presets.
func TestDefaultClockIsWallTime(t *testing.T) {
	for _, newLogger := range []func(...core.Option) (*zap.Logger, error){core.New, core.NewVLLM} {
		var out bytes.Buffer
		log, err := newLogger(core.WithEnv(coretest.Env(map[string]string{"DYN_LOGGING_JSONL": "1"})),
			core.WithOutput(zapcore.AddSync(&out)), core.WithSystemConfig(""), core.WithLocation(time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 200; i++ {
			before := time.Now()
			ce := log.Check(zapcore.InfoLevel, "hello")
			after := time.Now()
			if ce == nil {
				t.Fatal("Info does not print")
			}
			// Round(0): compare wall times, as the encoders print them. The
			// slack covers the gap between the two readings in time.Now.
			const slack = 100 * time.Microsecond
			if got := ce.Time.Round(0); got.Before(before.Round(0).Add(-slack)) || got.After(after.Round(0).Add(slack)) {
				t.Fatalf("entry time %v outside [%v, %v]", got, before, after)
			}
			ce.Write()
			if i%50 == 0 {
				time.Sleep(2 * time.Millisecond) // across resyncs
			}
		}
		if out.Len() == 0 {
			t.Fatal("nothing printed")
		}
	}
	if c := core.MonotonicClock(); c.Now().Round(0).Sub(time.Now().Round(0)).Abs() > time.Millisecond {
		t.Fatal("MonotonicClock is not wall time")
	}
}

// TestNewEmbedJSONStrings: a zap.String is a JSON string whatever its text
// ("id":"42"): a field's type is the caller's. DYN_LOGGING_EMBED_JSON_STRINGS,
// then the TOML embed_json_strings, turn on Dynamo's re-parsing of a string
// whose text is JSON ("id":42); off when neither is set.
func TestNewEmbedJSONStrings(t *testing.T) {
	dir := t.TempDir()
	off := filepath.Join(dir, "off.toml")
	if err := os.WriteFile(off, []byte("embed_json_strings = false\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	on := filepath.Join(dir, "on.toml")
	if err := os.WriteFile(on, []byte("embed_json_strings = true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const asString, embedded = `"id":"42"`, `"id":42`
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"default off", nil, asString},
		{"env true", map[string]string{"DYN_LOGGING_EMBED_JSON_STRINGS": "true"}, embedded},
		{"env yes", map[string]string{"DYN_LOGGING_EMBED_JSON_STRINGS": "yes"}, embedded},
		{"env false", map[string]string{"DYN_LOGGING_EMBED_JSON_STRINGS": "0"}, asString},
		{"env empty is false", map[string]string{"DYN_LOGGING_EMBED_JSON_STRINGS": ""}, asString},
		{"toml true", map[string]string{"DYN_LOGGING_CONFIG_PATH": on}, embedded},
		{"toml false", map[string]string{"DYN_LOGGING_CONFIG_PATH": off}, asString},
		{"env wins over toml true", map[string]string{"DYN_LOGGING_CONFIG_PATH": on, "DYN_LOGGING_EMBED_JSON_STRINGS": "false"}, asString},
		{"env wins over toml false", map[string]string{"DYN_LOGGING_CONFIG_PATH": off, "DYN_LOGGING_EMBED_JSON_STRINGS": "on"}, embedded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]string{"DYN_LOGGING_JSONL": "1"}
			for k, v := range tc.vars {
				vars[k] = v
			}
			b := coretest.Build(t, core.New, vars)
			file, line := coretest.Here()
			b.Log.Info("x", zap.String("id", "42")) // must stay on the line after coretest.Here()
			want := `{"time":"2026-01-02T03:04:05.656503Z","level":"INFO","file":` + strconv.Quote(file) + `,"line":` +
				strconv.Itoa(line+1) + `,"target":"` + thisTarget + `","message":"x",` + tc.want + "}\n"
			if got := b.Out.String(); got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
			if got := b.Err.String(); got != "" {
				t.Errorf("error output: %q", got)
			}
		})
	}
}

// TestNewJSONValues: a value meant as JSON (encoder.JSON, a json.RawMessage
// given to zap.Any) is embedded whatever DYN_LOGGING_EMBED_JSON_STRINGS says;
// text that is not JSON is written as a string.
func TestNewJSONValues(t *testing.T) {
	for _, embed := range []string{"", "false", "true"} {
		t.Run("embed="+embed, func(t *testing.T) {
			vars := map[string]string{"DYN_LOGGING_JSONL": "1"}
			if embed != "" {
				vars["DYN_LOGGING_EMBED_JSON_STRINGS"] = embed
			}
			b := coretest.Build(t, core.New, vars)
			file, line := coretest.Here()
			b.Log.Info("x", encoder.JSON("params", `{"n":1}`), zap.Any("raw", json.RawMessage("[2]")), encoder.JSON("bad", "{")) // must stay on the line after coretest.Here()
			want := `{"time":"2026-01-02T03:04:05.656503Z","level":"INFO","file":` + strconv.Quote(file) + `,"line":` +
				strconv.Itoa(line+1) + `,"target":"` + thisTarget + `","message":"x","bad":"{","params":{"n":1},"raw":[2]}` + "\n"
			if got := b.Out.String(); got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
		})
	}
}

// TestNewMaxLineBytes: core.WithMaxLineBytes, then DYN_LOGGING_MAX_LINE_BYTES,
// then the TOML max_line_bytes, then no cap; a variable that is not a byte
// count is reported and ignored. NewVLLM reads the variable too.
func TestNewMaxLineBytes(t *testing.T) {
	dir := t.TempDir()
	capped := filepath.Join(dir, "capped.toml")
	if err := os.WriteFile(capped, []byte("max_line_bytes = 300\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	msg := strings.Repeat("m", 1000)
	for _, tc := range []struct {
		name    string
		new     func(...core.Option) (*zap.Logger, error)
		vars    map[string]string
		opts    []core.Option
		cut     bool
		warning string
	}{
		{"default no cap", core.New, nil, nil, false, ""},
		{"env", core.New, map[string]string{"DYN_LOGGING_MAX_LINE_BYTES": " 300 "}, nil, true, ""},
		{"toml", core.New, map[string]string{"DYN_LOGGING_CONFIG_PATH": capped}, nil, true, ""},
		{"env 0 wins over toml", core.New, map[string]string{"DYN_LOGGING_CONFIG_PATH": capped, "DYN_LOGGING_MAX_LINE_BYTES": "0"}, nil, false, ""},
		{"option wins over env", core.New, map[string]string{"DYN_LOGGING_MAX_LINE_BYTES": "300"}, []core.Option{core.WithMaxLineBytes(0)}, false, ""},
		{"option", core.New, nil, []core.Option{core.WithMaxLineBytes(300)}, true, ""},
		{"bad env falls back to toml", core.New, map[string]string{"DYN_LOGGING_CONFIG_PATH": capped, "DYN_LOGGING_MAX_LINE_BYTES": "1MB"}, nil, true,
			`2026-01-02T03:04:05.656503Z  WARN dynlog: DYN_LOGGING_MAX_LINE_BYTES="1MB" is not an integer ≥ 0 (a byte count, 0 for no cap); ignoring it` + "\n"},
		{"vllm env", core.NewVLLM, map[string]string{"DYN_LOGGING_MAX_LINE_BYTES": "300"}, nil, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := coretest.Build(t, tc.new, tc.vars, tc.opts...)
			b.Log.Info(msg, zap.String("k", "v"))
			got := b.Out.String()
			if cut := strings.Contains(got, "…[truncated "); cut != tc.cut || cut && len(got) > 300+16 || !cut && !strings.Contains(got, msg) {
				t.Errorf("cut %v, want %v: %d bytes %q", cut, tc.cut, len(got), got)
			}
			if !strings.Contains(got, `k="v"`) {
				t.Errorf("the short field was cut: %q", got)
			}
			if w := b.Err.String(); w != tc.warning {
				t.Errorf("error output %q, want %q", w, tc.warning)
			}
		})
	}
}
