package core_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// FuzzNewTOML gives core.New any logging.toml: New never panics; it either
// refuses the file with an error that names it, or builds a logger that
// prints a line its filter allows (and none it does not), whose warnings
// are whole lines, and whose filter's String
// (what the level handler shows and takes back) parses back to itself.
func FuzzNewTOML(f *testing.F) {
	for _, seed := range []string{
		"log_level = \"warn\"\n[log_filters]\n\"dynamo_runtime\" = \"debug\"\n",
		"format = \"jsonl\"\nlocal_tz = true\nansi = \"always\"\n",
		"[file]\npath = \"\"\nmax_size_mb = -1\n",
		"[log_filters]\n\"\" = \"trace\"\n\"a b\" = \"debug\"\n\"x[y]\" = \"info\"\n",
		"log_level = 3\n", "log_level = \"dbug\"\n", "[[log_filters]]\n", "=\n", "\xff\xfe",
		"span_events = true\nspan_events_layout = \"2025\"\nembed_json_strings = false\nmax_line_bytes = 10\n",
		"[log_filters]\n\"a\\u000bb\" = \"info\"\n\"m,n\" = \"0\"\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		path := filepath.Join(t.TempDir(), "logging.toml")
		if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		log, err := core.New(core.WithEnv(coretest.Env(nil)), core.WithSystemConfig(path),
			core.WithOutput(zapcore.AddSync(&out)), core.WithErrorOutput(zapcore.AddSync(&errOut)))
		if err != nil {
			if log != nil {
				t.Fatalf("New returned a logger and the error %v", err)
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "core: ") || !strings.Contains(msg, path) {
				t.Fatalf("error %q does not name the file", msg)
			}
			return
		}
		defer core.Close(log)
		checkFuzzedLogger(t, log, &out, &errOut)
	})
}

// FuzzNewEnv gives core.New any values of its variables: New never fails
// or panics on them (a bad value is a warning), prints a line exactly when
// its filter allows it, writes warnings as whole lines, and its filter's
// String reads back to itself.
func FuzzNewEnv(f *testing.F) {
	f.Add("info,dynamo_runtime=debug", "1", "readable", "true", "true", "0", "3", "1")
	f.Add("dbug", "yes", "jsonl", "maybe", "2025", "-5", "x", "")
	f.Add("foo\v:debug,[x", "0", "", "", "", "99999999999999999999", "", "abc")
	f.Add(",,=,off", "TRUE", "JSONL", "1", "false", "1", "0", "0")
	f.Fuzz(func(t *testing.T, dynLog, jsonl, consoleFormat, localTZ, spanEvents, maxLine, rank, localRank string) {
		vars := map[string]string{
			"DYN_LOG":                    dynLog,
			"DYN_LOGGING_JSONL":          jsonl,
			"DYN_LOGGING_CONSOLE_FORMAT": consoleFormat,
			"DYN_LOG_USE_LOCAL_TZ":       localTZ,
			"DYN_LOGGING_SPAN_EVENTS":    spanEvents,
			"DYN_LOGGING_MAX_LINE_BYTES": maxLine,
			"RANK":                       rank,
			"LOCAL_RANK":                 localRank,
		}
		var out, errOut bytes.Buffer
		log, err := core.New(core.WithEnv(coretest.Env(vars)), core.WithSystemConfig(""),
			core.WithOutput(zapcore.AddSync(&out)), core.WithErrorOutput(zapcore.AddSync(&errOut)))
		if err != nil {
			t.Fatalf("New failed on variables %q: %v", vars, err)
		}
		checkFuzzedLogger(t, log, &out, &errOut)
	})
}

// FuzzNewVLLMEnv gives core.NewVLLM any values of its variables (but
// VLLM_CONFIGURE_LOGGING, VLLM_LOGGING_CONFIG_PATH and VLLM_TRACE_FUNCTION,
// which write elsewhere): it refuses only a value vLLM refuses, naming the
// variable, and otherwise prints a line exactly when its filter allows it,
// with warnings as whole lines.
func FuzzNewVLLMEnv(f *testing.F) {
	f.Add("info", "INFO", "%(name)s %(process)d ", "ext://sys.stdout", "1", "EngineCore_0", "1")
	f.Add("", "DEBUG", "%(bogus)s %", "ext://sys.__stderr__", "0", "", "x")
	f.Add("off", "WARNING", "\x1b]0;t\x07\n", "stdout", "", "a\nb", "")
	f.Add("dbug", "trace", "%-10.3s|%%|%(levelname)-8s", "", "yes", "(w pid=1) ", "-1")
	f.Fuzz(func(t *testing.T, dynLog, level, prefix, stream, color, processName, localRank string) {
		vars := map[string]string{
			"DYN_LOG":                  dynLog,
			"VLLM_LOGGING_LEVEL":       level,
			"VLLM_LOGGING_PREFIX":      prefix,
			"VLLM_LOGGING_STREAM":      stream,
			"VLLM_LOGGING_COLOR":       color,
			"DYN_LOGGING_PROCESS_NAME": processName,
			"LOCAL_RANK":               localRank,
		}
		var out, errOut bytes.Buffer
		log, err := core.NewVLLM(core.WithEnv(coretest.Env(vars)),
			core.WithOutput(zapcore.AddSync(&out)), core.WithErrorOutput(zapcore.AddSync(&errOut)))
		if err != nil {
			if msg := err.Error(); !strings.Contains(msg, "VLLM_LOGGING_LEVEL") && !strings.Contains(msg, "VLLM_LOGGING_STREAM") {
				t.Fatalf("NewVLLM refused %q with %q, which names neither the level nor the stream", vars, msg)
			}
			return
		}
		checkFuzzedLogger(t, log, &out, &errOut)
	})
}

// checkFuzzedLogger is what the FuzzNew targets check of a logger built
// from fuzzed settings: a line prints exactly when the logger's filter
// allows it, the error output holds whole lines, and the filter's String
// (what the level handler shows and takes back) reads back to itself.
func checkFuzzedLogger(t *testing.T, log *zap.Logger, out, errOut *bytes.Buffer) {
	t.Helper()
	flt := filter.AtomicOf(log.Core()).Load()
	before := out.Len() // the logger's own reports (a rank that does not parse, say)
	core.Named(log, "zz_fuzz").Error("the line")
	if printed := out.Len() > before; printed != flt.Enabled("zz_fuzz", zapcore.ErrorLevel) {
		t.Fatalf("printed %v (%q) under the filter %q", printed, out.String()[before:], flt.String())
	}
	if e := errOut.String(); e != "" && !strings.HasSuffix(e, "\n") {
		t.Fatalf("error output %q does not end a line", e)
	}
	back, err := filter.Parse(flt.String())
	if err != nil || back.String() != flt.String() {
		t.Fatalf("the filter's String %q reads back as %q (%v)", flt.String(), back.String(), err)
	}
}
