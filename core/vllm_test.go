package core_test

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// vllmOptions are the options of the tests below: buffers for both outputs,
// the pinned clock, UTC.
func vllmOptions(vars map[string]string, out, errOut *bytes.Buffer) []core.Option {
	return []core.Option{core.WithEnv(coretest.Env(vars)), core.WithOutput(zapcore.AddSync(out)),
		core.WithErrorOutput(zapcore.AddSync(errOut)), core.WithClock(coretest.Clock(coretest.Pinned)), core.WithLocation(time.UTC)}
}

// TestVLLMConfigureLogging: VLLM_CONFIGURE_LOGGING is read as vLLM reads
// it, bool(int(value)), with Python's int(): whitespace, a sign, leading
// zeros, underscores between digits and any script's digits are accepted;
// anything else, the empty string included, is an error naming the
// variable.
func TestVLLMConfigureLogging(t *testing.T) {
	const notInt = `VLLM_CONFIGURE_LOGGING: %q is not an integer as Python's int() reads it (want 0 to leave logging unconfigured, or 1)`
	for _, tc := range []struct {
		value string
		want  string // "bare", "configured" or the error
	}{
		{"0", "bare"}, {"00", "bare"}, {" 0", "bare"}, {"0\n", "bare"}, {"-0", "bare"}, {"+0", "bare"}, {"0_0", "bare"},
		{"\u0660", "bare"}, // ARABIC-INDIC DIGIT ZERO
		{"1", "configured"}, {"-1", "configured"}, {"1_0", "configured"}, {" 1 ", "configured"}, {"007", "configured"},
		{"\u0663", "configured"}, {"\U0001D7CF", "configured"}, // ARABIC-INDIC THREE, MATHEMATICAL BOLD ONE
		{"true", notInt}, {"", notInt}, {" ", notInt}, {"0x1", notInt}, {"1.0", notInt}, {"1__0", notInt},
		{"_1", notInt}, {"1_", notInt}, {"+", notInt}, {"--1", notInt}, {"yes", notInt},
	} {
		t.Run(strconv.Quote(tc.value), func(t *testing.T) {
			var out, errOut bytes.Buffer
			log, err := core.NewVLLM(vllmOptions(map[string]string{"VLLM_CONFIGURE_LOGGING": tc.value}, &out, &errOut)...)
			if strings.HasPrefix(tc.want, "VLLM_") {
				want := strings.Replace(tc.want, "%q", strconv.Quote(tc.value), 1)
				if err == nil || err.Error() != want {
					t.Fatalf("got error %v\nwant %s", err, want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			log.Info("info")
			_, line := coretest.Here()
			log.Warn("warned")
			want := "warned\n"
			if tc.want == "configured" {
				want = "INFO 01-02 03:04:05 [vllm_test.go:" + strconv.Itoa(line-1) + "] info\n" +
					"WARNING 01-02 03:04:05 [vllm_test.go:" + strconv.Itoa(line+1) + "] warned\n"
			}
			if out.String() != want {
				t.Errorf("\n got %q\nwant %q", out.String(), want)
			}
		})
	}
}

// TestVLLMConfigureLoggingOffWithConfigPath: vLLM refuses a configuration
// file when VLLM_CONFIGURE_LOGGING turns configuration off; so does NewVLLM.
func TestVLLMConfigureLoggingOffWithConfigPath(t *testing.T) {
	_, err := core.NewVLLM(core.WithEnv(coretest.Env(map[string]string{
		"VLLM_CONFIGURE_LOGGING": "00", "VLLM_LOGGING_CONFIG_PATH": "/etc/vllm/logging.json"})))
	want := `VLLM_CONFIGURE_LOGGING="00" turns logging configuration off, but VLLM_LOGGING_CONFIG_PATH="/etc/vllm/logging.json" asks for a configuration file; set VLLM_CONFIGURE_LOGGING=1 or unset VLLM_LOGGING_CONFIG_PATH`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	// An empty path is no path, as in vLLM.
	var out, errOut bytes.Buffer
	if _, err := core.NewVLLM(vllmOptions(map[string]string{"VLLM_CONFIGURE_LOGGING": "0", "VLLM_LOGGING_CONFIG_PATH": ""}, &out, &errOut)...); err != nil {
		t.Errorf("empty VLLM_LOGGING_CONFIG_PATH: %v", err)
	}
}

// captureStd points os.Stdout or os.Stderr at a pipe while fn runs and
// returns what was written there.
func captureStd(t *testing.T, std **os.File, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := *std
	*std = w
	defer func() { *std = saved }()
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		done <- b
	}()
	fn()
	w.Close()
	return string(<-done)
}

var callerInBrackets = regexp.MustCompile(`\[[a-z_]+\.go:[0-9]+\]`)

// TestVLLMLoggingStream: the four stream names vLLM users write. The
// __stdout__/__stderr__ forms name the same streams; colour on them needs
// VLLM_LOGGING_COLOR=1, as in vLLM (pipes here, so auto colour is off for
// all four anyway).
func TestVLLMLoggingStream(t *testing.T) {
	for _, tc := range []struct {
		stream string
		std    **os.File
		color  string
		want   string
	}{
		{"ext://sys.stdout", &os.Stdout, "", "INFO 01-02 03:04:05 [f] m\n"},
		{"ext://sys.stderr", &os.Stderr, "", "INFO 01-02 03:04:05 [f] m\n"},
		{"ext://sys.__stdout__", &os.Stdout, "", "INFO 01-02 03:04:05 [f] m\n"},
		{"ext://sys.__stderr__", &os.Stderr, "", "INFO 01-02 03:04:05 [f] m\n"},
		{"ext://sys.__stdout__", &os.Stdout, "1", "\x1b[32mINFO\x1b[0m \x1b[90m01-02 03:04:05\x1b[0m \x1b[90m[f]\x1b[0m m\n"},
	} {
		t.Run(tc.stream+" color="+tc.color, func(t *testing.T) {
			got := captureStd(t, tc.std, func() {
				log, err := core.NewVLLM(core.WithEnv(coretest.Env(map[string]string{"VLLM_LOGGING_STREAM": tc.stream, "VLLM_LOGGING_COLOR": tc.color})),
					core.WithClock(coretest.Clock(coretest.Pinned)), core.WithLocation(time.UTC))
				if err != nil {
					t.Fatal(err)
				}
				log.Info("m")
			})
			got = callerInBrackets.ReplaceAllString(got, "[f]") // only the caller's line varies
			if got != tc.want {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestVLLMProcessName: WithProcessName, else DYN_LOGGING_PROCESS_NAME,
// decorates every physical line; %(processName)s prints the name.
func TestVLLMProcessName(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	for _, tc := range []struct {
		name string
		vars map[string]string
		opts []core.Option
		want string // with L for the line number of the call
	}{
		{"option", nil, []core.Option{core.WithProcessName("EngineCore_DP0")},
			"(EngineCore_DP0 pid=" + pid + ") INFO 01-02 03:04:05 [vllm_test.go:L] decorated info\r\n" +
				"(EngineCore_DP0 pid=" + pid + ") INFO 01-02 03:04:05 [vllm_test.go:L] second\n"},
		{"variable", map[string]string{"DYN_LOGGING_PROCESS_NAME": " Worker_TP1 "}, nil,
			"(Worker_TP1 pid=" + pid + ") INFO 01-02 03:04:05 [vllm_test.go:L] decorated info\r\n" +
				"(Worker_TP1 pid=" + pid + ") INFO 01-02 03:04:05 [vllm_test.go:L] second\n"},
		{"option wins, empty turns it off", map[string]string{"DYN_LOGGING_PROCESS_NAME": "Worker_TP1"}, []core.Option{core.WithProcessName("")},
			"INFO 01-02 03:04:05 [vllm_test.go:L] decorated info\r\nINFO 01-02 03:04:05 [vllm_test.go:L] second\n"},
		{"colour", map[string]string{"DYN_LOGGING_PROCESS_NAME": "APIServer", "VLLM_LOGGING_COLOR": "1"}, nil,
			"\x1b[0;36m(APIServer pid=" + pid + ")\x1b[0;0m \x1b[32mINFO\x1b[0m \x1b[90m01-02 03:04:05\x1b[0m \x1b[90m[vllm_test.go:L]\x1b[0m decorated info\r\n" +
				"\x1b[0;36m(APIServer pid=" + pid + ")\x1b[0;0m \x1b[32mINFO\x1b[0m \x1b[90m01-02 03:04:05\x1b[0m \x1b[90m[vllm_test.go:L]\x1b[0m second\n"},
		{"processName in the prefix", map[string]string{"DYN_LOGGING_PROCESS_NAME": "W", "VLLM_LOGGING_PREFIX": "%(processName)s/%(process)d "}, nil,
			"(W pid=" + pid + ") W/" + pid + " INFO 01-02 03:04:05 [vllm_test.go:L] decorated info\r\n" +
				"(W pid=" + pid + ") W/" + pid + " INFO 01-02 03:04:05 [vllm_test.go:L] second\n"},
		{"not when logging is left unconfigured", map[string]string{"DYN_LOGGING_PROCESS_NAME": "W", "VLLM_CONFIGURE_LOGGING": "0"}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			log, err := core.NewVLLM(append(vllmOptions(tc.vars, &out, &errOut), tc.opts...)...)
			if err != nil {
				t.Fatal(err)
			}
			_, line := coretest.Here()
			log.Info("decorated info\nsecond")
			if want := strings.ReplaceAll(tc.want, ":L]", ":"+strconv.Itoa(line+1)+"]"); out.String() != want {
				t.Errorf("\n got %q\nwant %q", out.String(), want)
			}
		})
	}
}

// TestVLLMRankFallbackReport: a LOCAL_RANK that does not parse falls back
// to the global rank, and the logger being built says so in one WARN line
// of its own layout, pointing at the NewVLLM call.
func TestVLLMRankFallbackReport(t *testing.T) {
	for _, tc := range []struct {
		rank       string
		localPrint bool
	}{
		{"0", true},
		{"2", false},
	} {
		t.Run("RANK="+tc.rank, func(t *testing.T) {
			t.Cleanup(dedup.ResetRanks)
			dedup.ResetRanks()
			var out, errOut bytes.Buffer
			_, line := coretest.Here()
			log, err := core.NewVLLM(vllmOptions(map[string]string{"RANK": tc.rank, "LOCAL_RANK": "x"}, &out, &errOut)...)
			if err != nil {
				t.Fatal(err)
			}
			want := "WARNING 01-02 03:04:05 [vllm_test.go:" + strconv.Itoa(line+1) + `] dedup: LOCAL_RANK="x" is not an integer; ` +
				"using the global rank (RANK=" + tc.rank + ") as the local rank (once lines scoped Local print only on global rank 0)\n"
			if out.String() != want {
				t.Errorf("report:\n got %q\nwant %q", out.String(), want)
			}
			if errOut.Len() != 0 {
				t.Errorf("error output %q, want nothing", errOut.String())
			}
			out.Reset()
			dedup.InfoOnce(log, "local once")
			if got := strings.Contains(out.String(), "local once"); got != tc.localPrint {
				t.Errorf("local once line printed: %v, want %v (output %q)", got, tc.localPrint, out.String())
			}
		})
	}
	// The report's logger name is dynlog.dedup, which DYN_LOG can silence.
	var out, errOut bytes.Buffer
	_, err := core.NewVLLM(vllmOptions(map[string]string{"RANK": "0", "LOCAL_RANK": "x", "DYN_LOG": "dynlog.dedup=error"}, &out, &errOut)...)
	if err != nil || out.Len() != 0 {
		t.Errorf("DYN_LOG=dynlog.dedup=error: err %v, output %q, want none", err, out.String())
	}
}

// TestVLLMConfigFileEncodingWithOutput: a VLLM_LOGGING_CONFIG_PATH file
// whose encoding only zap's registry knows cannot be combined with
// WithOutput (the encoder must be made without the registry): NewVLLM's
// error says so, naming the file, and nothing is written.
func TestVLLMConfigFileEncodingWithOutput(t *testing.T) {
	path := writeFile(t, t.TempDir(), "vllm.json", `{"encoding": "logfmt"}`)
	var out, errOut bytes.Buffer
	_, err := core.NewVLLM(vllmOptions(map[string]string{"VLLM_LOGGING_CONFIG_PATH": path}, &out, &errOut)...)
	want := "VLLM_LOGGING_CONFIG_PATH: " + path + `: encoding "logfmt" cannot be combined with WithOutput`
	if err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
	if out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("output %q, error output %q, want none", out.String(), errOut.String())
	}
}

// TestVLLMReload: Reload on a NewVLLM logger reads VLLM_LOGGING_LEVEL (and
// DYN_LOG on top) again, as NewVLLM does, not Dynamo's default of INFO.
func TestVLLMReload(t *testing.T) {
	var out, errOut bytes.Buffer
	vars := map[string]string{"VLLM_LOGGING_LEVEL": "WARNING"}
	opts := vllmOptions(vars, &out, &errOut)
	log, err := core.NewVLLM(opts...)
	if err != nil {
		t.Fatal(err)
	}
	lines := func() string {
		defer out.Reset()
		log.Debug("debug")
		log.Info("info")
		log.Warn("warn")
		var msgs []string
		for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
			if i := strings.LastIndex(l, "] "); i >= 0 && !strings.Contains(l, "filter replaced by core.Reload") {
				msgs = append(msgs, l[i+2:])
			}
		}
		return strings.Join(msgs, " ")
	}
	for _, step := range []struct {
		vars map[string]string
		want string
	}{
		{nil, "warn"},
		{map[string]string{"VLLM_LOGGING_LEVEL": "DEBUG"}, "debug info warn"},
		{map[string]string{"VLLM_LOGGING_LEVEL": "WARNING"}, "warn"},
		{map[string]string{"VLLM_LOGGING_LEVEL": "ERROR"}, ""},
		{map[string]string{"VLLM_LOGGING_LEVEL": "ERROR", "DYN_LOG": "info"}, "info warn"},
	} {
		if step.vars != nil {
			clear(vars)
			for k, v := range step.vars {
				vars[k] = v
			}
			if err := core.Reload(log, opts...); err != nil {
				t.Fatalf("Reload with %v: %v", step.vars, err)
			}
		}
		if got := lines(); got != step.want {
			t.Errorf("after %v: printed %q, want %q", step.vars, got, step.want)
		}
	}
	if errOut.Len() > 0 {
		t.Errorf("error output: %q", errOut.String())
	}
}

// TestVLLMProcessNameControlCharacters: a process name with a newline or
// another control character would split or drive the decoration: it is
// printed escaped, with one report.
func TestVLLMProcessNameControlCharacters(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	var out, errOut bytes.Buffer
	_, line := coretest.Here()
	log, err := core.NewVLLM(vllmOptions(map[string]string{"DYN_LOGGING_PROCESS_NAME": "Work\ner\x1b[31m"}, &out, &errOut)...)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("one line")
	want := `(Work\ner\x1b[31m pid=` + pid + ") INFO 01-02 03:04:05 [vllm_test.go:" + strconv.Itoa(line+5) + "] one line\n"
	if out.String() != want {
		t.Errorf("\n got %q\nwant %q", out.String(), want)
	}
	report := `(Work\ner\x1b[31m pid=` + pid + `) WARNING 01-02 03:04:05 [vllm_test.go:` + strconv.Itoa(line+1) + `] env DYN_LOGGING_PROCESS_NAME: the process name "Work\ner\x1b[31m" holds control characters; printing it escaped, Work\ner\x1b[31m` + "\n"
	if errOut.String() != report {
		t.Errorf("error output\n got %q\nwant %q", errOut.String(), report)
	}
}

// TestVLLMConfigFileAudit: a change of the filter from outside (here a
// Reload) is written as one INFO line of target dynlog to a
// VLLM_LOGGING_CONFIG_PATH logger's outputs, as to New's loggers.
func TestVLLMConfigFileAudit(t *testing.T) {
	path := writeFile(t, t.TempDir(), "vllm.json", `{"encoding": "vllm", "level": "debug"}`)
	var out, errOut bytes.Buffer
	vars := map[string]string{"VLLM_LOGGING_CONFIG_PATH": path, "DYN_LOG": "info"}
	opts := vllmOptions(vars, &out, &errOut)
	_, line := coretest.Here()
	log, err := core.NewVLLM(opts...)
	if err != nil {
		t.Fatal(err)
	}
	vars["DYN_LOG"] = "warn"
	if err := core.Reload(log, opts...); err != nil {
		t.Fatal(err)
	}
	log.Info("not printed")
	log.Warn("printed")
	want := "INFO 01-02 03:04:05 [vllm_test.go:" + strconv.Itoa(line+1) + `] filter replaced by core.Reload: 1 directive added, 1 removed; added warn; removed info from="env DYN_LOG, built-in"` + "\n" +
		"WARNING 01-02 03:04:05 [vllm_test.go:" + strconv.Itoa(line+10) + "] printed\n"
	if out.String() != want {
		t.Errorf("\n got %q\nwant %q", out.String(), want)
	}
	if errOut.Len() > 0 {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestVLLMConfigFileLevelEnabled: a VLLM_LOGGING_CONFIG_PATH file's level
// holds in the logger's Enabled as in what it prints, under a DYN_LOG that
// prints lower: the core's Enabled asks the file's core, which New's own
// loggers need not (their sink takes every level).
func TestVLLMConfigFileLevelEnabled(t *testing.T) {
	path := writeFile(t, t.TempDir(), "vllm.json", `{"encoding": "vllm", "level": "warn"}`)
	var out, errOut bytes.Buffer
	log, err := core.NewVLLM(vllmOptions(map[string]string{"VLLM_LOGGING_CONFIG_PATH": path, "DYN_LOG": "debug"}, &out, &errOut)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []*zap.Logger{log, log.With(zap.Int("n", 1)), log.Named("a"), filter.Named(log, "a")} {
		if c := l.Core(); c.Enabled(zapcore.InfoLevel) || !c.Enabled(zapcore.WarnLevel) {
			t.Errorf("logger %q: Enabled(info) %v, Enabled(warn) %v; want false, true", l.Name(), c.Enabled(zapcore.InfoLevel), c.Enabled(zapcore.WarnLevel))
		}
		l.Info("not printed")
	}
	if out.Len() != 0 || errOut.Len() != 0 {
		t.Errorf("output %q, error output %q, want none", out.String(), errOut.String())
	}
	// New's logger at the same DYN_LOG is enabled at debug.
	dyn, err := core.New(core.WithEnv(coretest.Env(map[string]string{"DYN_LOG": "debug"})), core.WithOutput(zapcore.AddSync(&out)), core.WithSystemConfig(""))
	if err != nil {
		t.Fatal(err)
	}
	if !dyn.Core().Enabled(zapcore.DebugLevel) {
		t.Error("New's logger at DYN_LOG=debug: Enabled(debug) false")
	}
}

// TestNewEnabledFollowsFilter: the Enabled of New's loggers, which leaves
// the sink out (it takes every level), follows the filter in force and
// filter.Suppress, for the logger and a With child.
func TestNewEnabledFollowsFilter(t *testing.T) {
	log, err := core.New(core.WithEnv(coretest.Env(map[string]string{"DYN_LOG": "info"})), core.WithOutput(zapcore.AddSync(io.Discard)), core.WithSystemConfig(""))
	if err != nil {
		t.Fatal(err)
	}
	check := func(when string, debug, info bool) {
		t.Helper()
		for _, l := range []*zap.Logger{log, log.With(zap.Int("n", 1))} {
			if c := l.Core(); c.Enabled(zapcore.DebugLevel) != debug || c.Enabled(zapcore.InfoLevel) != info {
				t.Errorf("%s: Enabled(debug) %v, Enabled(info) %v; want %v, %v", when, c.Enabled(zapcore.DebugLevel), c.Enabled(zapcore.InfoLevel), debug, info)
			}
		}
	}
	check("DYN_LOG=info", false, true)
	filter.AtomicOf(log.Core()).Store(filter.New(filter.Directive{Level: zapcore.DebugLevel}))
	check("after a Store of debug", true, true)
	restore := filter.Suppress(zapcore.InfoLevel)
	check("under Suppress(info)", false, false)
	restore()
	check("after the Suppress", true, true)
}
