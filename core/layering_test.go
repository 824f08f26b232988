package core_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestLayering: built-in defaults < system TOML < DYN_LOGGING_CONFIG_PATH <
// DYN_LOG, with log_level only when DYN_LOG has no directives.
func TestLayering(t *testing.T) {
	dir := t.TempDir()
	system := writeFile(t, dir, "system.toml", `
log_level = "warn"
[log_filters]
"dynamo_runtime" = "debug"
"tonic" = "info"
`)
	user := writeFile(t, dir, "user.toml", `
log_level = "error"
[log_filters]
"dynamo_runtime" = "info"
"dynamo_llm" = "trace"
`)
	for _, tc := range []struct {
		name   string
		system string
		vars   map[string]string
		target string
		level  zapcore.Level
		want   bool
	}{
		{"built-in default for h2", "", nil, "h2::codec", zapcore.WarnLevel, false},
		{"built-in default lets errors through", "", nil, "h2::codec", zapcore.ErrorLevel, true},
		{"built-in grpc", "", nil, "grpc", zapcore.InfoLevel, false},
		{"built-in otel", "", nil, "otel", zapcore.ErrorLevel, true},
		{"no config: info", "", nil, "svc", zapcore.InfoLevel, true},
		{"no config: not debug", "", nil, "svc", zapcore.DebugLevel, false},
		{"system log_level", system, nil, "svc", zapcore.InfoLevel, false},
		{"system log_level warn", system, nil, "svc", zapcore.WarnLevel, true},
		{"system filter", system, nil, "dynamo_runtime::x", zapcore.DebugLevel, true},
		{"system filter over built-in", system, nil, "tonic::transport", zapcore.InfoLevel, true},
		{"user file over system: log_level", system, map[string]string{"DYN_LOGGING_CONFIG_PATH": user}, "svc", zapcore.WarnLevel, false},
		{"user file over system: filter", system, map[string]string{"DYN_LOGGING_CONFIG_PATH": user}, "dynamo_runtime::x", zapcore.DebugLevel, false},
		{"user file over system: filter info", system, map[string]string{"DYN_LOGGING_CONFIG_PATH": user}, "dynamo_runtime::x", zapcore.InfoLevel, true},
		{"system filters kept under user file", system, map[string]string{"DYN_LOGGING_CONFIG_PATH": user}, "tonic", zapcore.InfoLevel, true},
		{"user file alone", "", map[string]string{"DYN_LOGGING_CONFIG_PATH": user}, "dynamo_llm::kv", core.TraceLevel, true},
		{"DYN_LOG level over log_level", system, map[string]string{"DYN_LOG": "debug"}, "svc", zapcore.DebugLevel, true},
		{"DYN_LOG target over TOML target", system, map[string]string{"DYN_LOG": "info,dynamo_runtime=error"}, "dynamo_runtime::x", zapcore.WarnLevel, false},
		{"DYN_LOG target over built-in", "", map[string]string{"DYN_LOG": "info,h2=debug"}, "h2", zapcore.DebugLevel, true},
		{"DYN_LOG with directives drops log_level", system, map[string]string{"DYN_LOG": "foo=debug"}, "svc", zapcore.ErrorLevel, false},
		{"DYN_LOG with directives keeps TOML filters", system, map[string]string{"DYN_LOG": "foo=debug"}, "dynamo_runtime", zapcore.DebugLevel, true},
		{"DYN_LOG with directives keeps built-ins", system, map[string]string{"DYN_LOG": "foo=debug"}, "h2", zapcore.ErrorLevel, true},
		{"DYN_LOG of only bad directives: log_level holds", system, map[string]string{"DYN_LOG": "foo=loud"}, "svc", zapcore.WarnLevel, true},
		{"empty DYN_LOG: log_level holds", system, map[string]string{"DYN_LOG": " , "}, "svc", zapcore.InfoLevel, false},
		{"colon form", "", map[string]string{"DYN_LOG": "info,dynamo_runtime::system_status_server:trace"}, "dynamo_runtime::system_status_server", core.TraceLevel, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			log, err := core.New(core.WithEnv(coretest.Env(tc.vars)), core.WithSystemConfig(tc.system),
				core.WithOutput(zapcore.AddSync(&out)), core.WithErrorOutput(zapcore.AddSync(&errOut)))
			if err != nil {
				t.Fatal(err)
			}
			core.Named(log, tc.target).Log(tc.level, "line")
			if got := out.Len() > 0; got != tc.want {
				t.Errorf("printed %v, want %v", got, tc.want)
			}
		})
	}
}

// TestTOMLSettings: format, local_tz and ansi from TOML, and the variables
// winning over them.
func TestTOMLSettings(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "logging.toml", "format = \"jsonl\"\nlocal_tz = true\nansi = \"always\"\n")
	readable := writeFile(t, dir, "readable.toml", "ansi = \"always\"\nlocal_tz = true\n")
	for _, tc := range []struct {
		name string
		path string
		vars map[string]string
		want string
	}{
		{"jsonl, local time", cfg, nil, `{"time":"2026-01-02T04:04:05.656503+01:00","level":"INFO","target":"t","message":"m"}` + "\n"},
		{"env format and tz win", cfg, map[string]string{"DYN_LOGGING_JSONL": "0", "DYN_LOG_USE_LOCAL_TZ": "false", "NO_COLOR": "1"},
			"2026-01-02T03:04:05.656503Z  INFO t: m\n"},
		{"ansi always", readable, nil, "\x1b[2m2026-01-02T04:04:05.656503+01:00\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m m\n"},
		{"NO_COLOR beats ansi always", readable, map[string]string{"NO_COLOR": "1"}, "2026-01-02T04:04:05.656503+01:00  INFO t: m\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			log, err := core.New(core.WithEnv(coretest.Env(tc.vars)), core.WithSystemConfig(tc.path),
				core.WithOutput(zapcore.AddSync(&out)), core.WithClock(coretest.Clock(coretest.Pinned)),
				core.WithLocation(time.FixedZone("X", 3600)))
			if err != nil {
				t.Fatal(err)
			}
			log.WithOptions(zap.WithCaller(false)).Named("t").Info("m")
			if out.String() != tc.want {
				t.Errorf("\n got %q\nwant %q", out.String(), tc.want)
			}
		})
	}
}

func TestTOMLErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.toml", "log_level = \"info\"\nformat = jsonl\n")
	unknown := writeFile(t, dir, "unknown.toml", "\nlevle = \"info\"\n")
	_, err := core.New(core.WithEnv(coretest.Env(nil)), core.WithSystemConfig(bad))
	if err == nil || !strings.HasPrefix(err.Error(), "core: "+bad+":2:10: invalid TOML: ") {
		t.Errorf("malformed file: %v", err)
	}
	_, err = core.New(core.WithEnv(coretest.Env(map[string]string{"DYN_LOGGING_CONFIG_PATH": unknown})), core.WithSystemConfig(""))
	if err == nil || err.Error() != "core: "+unknown+`:2:1: unknown key "levle"` {
		t.Errorf("unknown key: %v", err)
	}
}

// TestOutputWinsOverFileSection: WithOutput is where lines go, whatever
// [file] says: no file is made and nothing is reported.
func TestOutputWinsOverFileSection(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "worker.log")
	cfg := writeFile(t, dir, "logging.toml", "[file]\npath = \""+path+"\"\n")
	var out, errOut bytes.Buffer
	log, err := core.New(core.WithEnv(coretest.Env(nil)), core.WithSystemConfig(cfg),
		core.WithOutput(zapcore.AddSync(&out)), core.WithErrorOutput(zapcore.AddSync(&errOut)))
	if err != nil {
		t.Fatal(err)
	}
	log.Info("still logged")
	if errOut.Len() != 0 {
		t.Errorf("error output %q, want none", errOut.String())
	}
	if !strings.Contains(out.String(), "still logged") {
		t.Errorf("line lost: %q", out.String())
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("%s was made (stat: %v); WithOutput should win", path, err)
	}
}

// TestReload: Reload and SIGHUP re-read the TOML files and DYN_LOG.
func TestReload(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "logging.toml", "log_level = \"warn\"\n")
	var mu sync.Mutex // the SIGHUP goroutine reads the variables too
	vars := map[string]string{"DYN_LOGGING_CONFIG_PATH": cfg}
	lookup := func(k string) (string, bool) {
		mu.Lock()
		defer mu.Unlock()
		v, ok := vars[k]
		return v, ok
	}
	var out logtest.Buffer     // the SIGHUP goroutine writes the reload's audit line
	errOut := zaptest.Buffer{} // written by the SIGHUP goroutine on a failed reload
	opts := []core.Option{core.WithEnv(lookup), core.WithSystemConfig(""),
		core.WithOutput(&out), core.WithErrorOutput(zapcore.Lock(&errOut))}
	log, err := core.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	svc := core.Named(log, "svc")
	svc.Info("1")
	writeFile(t, dir, "logging.toml", "log_level = \"info\"\n")
	if err := core.Reload(log, opts...); err != nil {
		t.Fatal(err)
	}
	svc.Info("2")

	writeFile(t, dir, "logging.toml", "log_level = 7\n")
	if err := core.Reload(log, opts...); err == nil {
		t.Error("Reload of a bad file returned no error")
	}
	svc.Info("3") // the old filter stays

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	core.ReloadOnSIGHUP(ctx, log, opts...)
	writeFile(t, dir, "logging.toml", "log_level = \"info\"\n")
	mu.Lock()
	vars["DYN_LOG"] = "error"
	mu.Unlock()
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		before := out.Len()
		svc.Info("probe")
		if out.Len() == before {
			break // DYN_LOG=error is in force
		}
		if time.Now().After(deadline) {
			t.Fatal("SIGHUP did not reload within 5 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	svc.Error("4")
	got := out.String()
	for _, want := range []string{": 2\n", ": 3\n", ": 4\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, ": 1\n") {
		t.Errorf("line 1 printed under log_level warn:\n%s", got)
	}
}

// TestFileOutputReopenOnSIGHUP: New writes to DYN_LOGGING_FILE; after the
// file is moved away (as logrotate does), SIGHUP reopens the path and lines
// go to the new file; Shutdown closes it.
func TestFileOutputReopenOnSIGHUP(t *testing.T) {
	path := filepath.Join(t.TempDir(), "worker.log")
	opts := []core.Option{core.WithEnv(coretest.Env(map[string]string{"DYN_LOGGING_FILE": path, "DYN_LOGGING_JSONL": "1"})),
		core.WithSystemConfig("")}
	log, err := core.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	core.ReloadOnSIGHUP(ctx, log, opts...)

	log.Info("before the move")
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("SIGHUP did not reopen %s: %v", path, err)
		}
	}
	log.Info("after the move")
	cancel() // the SIGHUP loop ends before the file closes
	if err := core.Close(log); err != nil {
		t.Fatal(err)
	}
	moved, _ := os.ReadFile(path + ".1")
	fresh, _ := os.ReadFile(path)
	// The reload's audit line goes to the file in use before the reopen.
	if strings.Count(string(moved), "\n") != 2 || !strings.Contains(string(moved), `"message":"before the move"`) ||
		!strings.Contains(string(moved), `"target":"dynlog","message":"filter replaced by SIGHUP: no directive changed"`) {
		t.Errorf("moved file:\n%s", moved)
	}
	if strings.Count(string(fresh), "\n") != 1 || !strings.Contains(string(fresh), `"message":"after the move"`) {
		t.Errorf("reopened file:\n%s", fresh)
	}
}

// TestFileOutputStandardStreams: DYN_LOGGING_FILE naming stdout or stderr
// writes to that stream, not to a rotated file (which would refuse it).
func TestFileOutputStandardStreams(t *testing.T) {
	for _, name := range []string{"stdout", "/dev/stdout", "stderr", "/dev/stderr"} {
		t.Run(name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			target := &os.Stdout
			if strings.HasSuffix(name, "stderr") {
				target = &os.Stderr
			}
			saved := *target
			*target = w
			var errOut bytes.Buffer
			log, err := core.New(core.WithEnv(coretest.Env(map[string]string{"DYN_LOGGING_FILE": name, "DYN_LOGGING_JSONL": "1"})),
				core.WithSystemConfig(""), core.WithErrorOutput(zapcore.AddSync(&errOut)))
			*target = saved
			if err != nil {
				t.Fatal(err)
			}
			log.Info("to the stream")
			w.Close()
			got, _ := io.ReadAll(r)
			if !strings.Contains(string(got), `"message":"to the stream"`) || errOut.Len() != 0 {
				t.Errorf("%s: stream got %q, error output %q", name, got, errOut.String())
			}
		})
	}
}

// TestLogFiltersKeys: a [log_filters] key is what DYN_LOG has before '='
// (TARGET, [SPAN] or TARGET[SPAN]), as Dynamo hands each entry to its
// filter as KEY=LEVEL. A key DYN_LOG's grammar refuses is reported, named,
// and skipped, the rest of the file holds, and the filter's String reads
// back, through Parse, to the same directives.
func TestLogFiltersKeys(t *testing.T) {
	path := writeFile(t, t.TempDir(), "logging.toml", `[log_filters]
"" = "trace"
"a b" = "debug"
"q=r" = "warn"
"m,n" = "warn"
"x\u000bz" = "debug"
"x[y]" = "info"
" padded " = "debug"
"dynamo_llm::kv_router" = "debug"
`)
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_CONFIG_PATH": path})
	warn := func(key, why string) string { return diagLine(path + ": log_filters: ignoring " + key + ": " + why) }
	const badTarget = "a target cannot hold spaces, '=', '[' or ']'"
	want := warn(`""`, "an empty target (log_level sets the default level)") +
		warn(`"a b"`, badTarget) +
		warn(`"m,n"`, "a target cannot hold ','") +
		warn(`"q=r"`, badTarget) +
		warn(`"x\vz"`, badTarget)
	if got := b.Err.String(); got != want {
		t.Errorf("error output:\n got %q\nwant %q", got, want)
	}
	f := filter.AtomicOf(b.Log.Core()).Load()
	var fromFile []filter.Directive
	for _, d := range f.Directives() {
		if d.Source == path {
			d.Source = ""
			fromFile = append(fromFile, d)
		}
	}
	slices.SortFunc(fromFile, func(a, b filter.Directive) int { return strings.Compare(a.Target, b.Target) })
	wantDs := []filter.Directive{
		{Target: "dynamo_llm::kv_router", Level: zapcore.DebugLevel},
		{Target: "padded", Level: zapcore.DebugLevel},
		{Target: "x", Span: "y", Level: zapcore.InfoLevel},
	}
	if !slices.Equal(fromFile, wantDs) {
		t.Errorf("directives from the file %v, want %v", fromFile, wantDs)
	}
	back, err := filter.Parse(f.String())
	if err != nil {
		t.Fatalf("the filter's String %q does not parse: %v", f.String(), err)
	}
	if back.String() != f.String() {
		t.Errorf("String %q reads back as %q", f.String(), back.String())
	}
	// The default level is log_level's (info), not the empty key's trace.
	core.Named(b.Log, "svc").Debug("not printed")
	core.Named(b.Log, "dynamo_llm::kv_router").Debug("printed")
	if got := b.Out.String(); strings.Count(got, "\n") != 1 || !strings.HasSuffix(got, " dynamo_llm::kv_router: printed\n") {
		t.Errorf("output %q, want the kv_router line alone", got)
	}
}
