package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/core/service"
	"go.uber.org/zap/zapcore"
)

// forging is text from outside that tries to end a report's line, start a
// record of its own, clear the screen and turn the rest of the line around.
const forging = "\n{\"level\":\"ERROR\"}\x1b[2J\u202e"

// TestReportsQuoteOutsideText: a report that quotes a variable's value or
// a file's name is one line, in the readable and the JSONL layouts, with
// that text escaped and cut.
func TestReportsQuoteOutsideText(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a"+forging+".toml")
	if err := os.WriteFile(path, []byte("[log_filters]\n\"a,b\" = \"info\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string // the report's message
	}{
		{"variable value", map[string]string{"DYN_LOGGING_MAX_LINE_BYTES": "1x" + forging + strings.Repeat("9", 600)},
			`DYN_LOGGING_MAX_LINE_BYTES="1x\n{\"level\":\"ERROR\"}\x1b[2J\u202e` + strings.Repeat("9", 485) +
				`"…[115 bytes cut] is not an integer ≥ 0 (a byte count, 0 for no cap); ignoring it`},
		{"config path", map[string]string{"DYN_LOGGING_CONFIG_PATH": path},
			dir + `/a\n{"level":"ERROR"}\x1b[2J\u{202e}.toml: log_filters: ignoring "a,b": a target cannot hold ','`},
	} {
		t.Run(tc.name+"/readable", func(t *testing.T) {
			b := coretest.Build(t, core.New, tc.vars)
			if got, want := b.Err.String(), diagLine(tc.want); got != want {
				t.Errorf("error output\n%q, want\n%q", got, want)
			}
		})
		t.Run(tc.name+"/jsonl", func(t *testing.T) {
			vars := map[string]string{"DYN_LOGGING_JSONL": "1"}
			for k, v := range tc.vars {
				vars[k] = v
			}
			b := coretest.Build(t, core.New, vars)
			got := b.Err.String()
			lines := strings.SplitAfter(got, "\n")
			var line struct{ Level, Target, Message string }
			if len(lines) != 2 || lines[1] != "" || !strings.HasPrefix(got, `{"time":"2026-01-02T03:04:05.656503Z","level":"WARN",`) ||
				json.Unmarshal([]byte(got), &line) != nil {
				t.Fatalf("error output %q, want one JSONL line", got)
			}
			if line.Target != "dynlog" || line.Message != tc.want {
				t.Errorf("report %q %q, want target dynlog and message\n%q", line.Target, line.Message, tc.want)
			}
		})
	}
}

// TestNewErrorQuotesPath: New's error for a broken file names it escaped,
// as Init prints it.
func TestNewErrorQuotesPath(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "b"+forging+".toml")
	if err := os.WriteFile(path, []byte("log_level = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := core.New(core.WithEnv(coretest.Env(map[string]string{"DYN_LOGGING_CONFIG_PATH": path})), core.WithSystemConfig(""))
	want := `core: ` + dir + `/b\n{"level":"ERROR"}\x1b[2J\u{202e}.toml:1:13: log_level: expected a string, got integer`
	if err == nil || err.Error() != want {
		t.Errorf("New: %v\nwant %s", err, want)
	}
}

// TestInitFailureOneLine: Init's "Failed to initialize logging" is one
// line, whatever the file's name holds.
func TestInitFailureOneLine(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "c"+forging+".toml")
	if err := os.WriteFile(path, []byte("log_level = 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr, err := runInitChild(t, "DYN_LOGGING_CONFIG_PATH="+path)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 1 {
		t.Fatalf("child with a broken TOML file: %v, want exit status 1\n%s", err, stderr)
	}
	want := `Failed to initialize logging: core: ` + dir + `/c\n{"level":"ERROR"}\x1b[2J\u{202e}.toml:1:13: log_level: expected a string, got integer` + "\n"
	if stderr != want {
		t.Errorf("stderr\n%q, want\n%q", stderr, want)
	}
}

// TestOTelVariableOneLine: StartTracing's report of a bad OTEL_* value is
// one line with the value escaped, where it quotes it and where it shows it
// bare.
func TestOTelVariableOneLine(t *testing.T) {
	coretest.KeepTracingGlobals(t)
	var errOut bytes.Buffer
	vars := map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT": "h\n\x1b\u202e:4317"}
	opts := []core.Option{core.WithEnv(coretest.Env(vars)), core.WithOutput(zapcore.AddSync(io.Discard)), core.WithSystemConfig(""),
		core.WithErrorOutput(zapcore.AddSync(&errOut)), core.WithClock(coretest.Clock(coretest.Pinned)), core.WithLocation(time.UTC)}
	log, err := core.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	p, err := service.StartTracing(context.Background(), log, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Shutdown(context.Background())
	want := diagLine(`OTEL_EXPORTER_OTLP_ENDPOINT="h\n\x1b\u202e:4317" has no scheme, which OTLP over http/protobuf needs (such as http://h\n\x1b\u{202e}:4317); ignoring it`)
	if errOut.String() != want {
		t.Errorf("error output\n%q, want\n%q", errOut.String(), want)
	}
}
