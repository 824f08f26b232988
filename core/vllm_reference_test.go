package core_test

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap/zapcore"
)

// vllmCall is one step of a vLLM reference scenario, in Go: a logging call
// made at line of the scenario's file, or with setLevel set, the program
// setting the scenario logger's level as vLLM's logger.setLevel does.
type vllmCall struct {
	line     int
	level    zapcore.Level
	msg      string
	stack    string
	setLevel bool
}

// vllmTraceback is the traceback vLLM's logger.exception printed in the
// scenario file at line, as the entry's stack.
func vllmTraceback(file string, line int) string {
	return "Traceback (most recent call last):\n" +
		"  File \"/srv/app/run/" + file + "\", line " + strconv.Itoa(line) + ", in <module>\n" +
		"    1 / 0\n" +
		"    ~~^~~\n" +
		"ZeroDivisionError: division by zero"
}

// TestVLLMReferenceScenarios runs vLLM's reference scenarios through the
// logger core.NewVLLM builds, with the scenario's variables, and compares
// every byte with what vLLM's own logger prints: the golden files of
// ../encoder/testdata/golden/vllm (their README says where they come
// from), and the scenario of a program that sets its own level. What is
// Python's alone is left out, as the encoder's golden test leaves it out:
// the "Level 25" lines, and the *_once calls vLLM suppresses (not made).
// The lines dynlog writes of its own count too: a setLevel that wrote an
// audit line would make its scenario differ.
//
// The set-level scenario, as the golden scenarios show their code (line
// numbers match [file:line]):
//
//	12  from vllm.logger import init_logger
//	13  import logging
//	14  logger = init_logger("vllm.demo")
//	15  logger.info("Before setLevel")
//	16  logger.setLevel(logging.WARNING)
//	17  logger.info("Hidden after setLevel(WARNING)")
//	18  logger.warning("Shown after setLevel(WARNING)")
//	19  logger.setLevel(logging.INFO)
//	20  logger.info("Shown again after setLevel(INFO)")
//
// Its bytes follow from Python's Logger.setLevel, which sets the level of
// that logger alone (vLLM's handler keeps VLLM_LOGGING_LEVEL, INFO) and
// prints nothing, and from vLLM's layout as the golden files pin it; in Go
// the program stores, through the logger's filter.Atomic, a filter with
// the directive vllm.demo=LEVEL added.
func TestVLLMReferenceScenarios(t *testing.T) {
	const (
		info     = zapcore.InfoLevel
		warn     = zapcore.WarnLevel
		errorLvl = zapcore.ErrorLevel
		critical = zapcore.DPanicLevel
	)
	args := fmt.Sprintf("Args: %s + %d = '%s'", "two", 3, "five")
	scenarios := []struct {
		name   string
		vars   map[string]string
		calls  []vllmCall
		golden string // vLLM's bytes, if not in the golden file of the name
	}{
		{name: "01_default_basic", calls: []vllmCall{
			{line: 15, level: info, msg: "Plain info line"},
			{line: 16, level: warn, msg: "A warning"},
			{line: 17, level: errorLvl, msg: "An error"},
			{line: 18, level: zapcore.DebugLevel, msg: "Debug line (hidden at default INFO)"},
			{line: 19, level: critical, msg: "A critical"},
			{line: 20, level: info, msg: "Multi-line message:\nsecond line\nthird line"},
			{line: 21, level: info, msg: args},
			{line: 22, level: info, msg: "info_once message A"},
			{line: 24, level: info, msg: "info_once message B"},
			{line: 25, level: warn, msg: "warning_once message"},
			{line: 30, level: errorLvl, msg: "Exception with traceback", stack: vllmTraceback("01_default_basic.py", 28)},
			{line: 31, level: info, msg: ""},
			{line: 32, level: info, msg: "trailing newline\n"},
			{line: 34, level: info, msg: "{'not': 'a str'}"},
			{line: 35, level: info, msg: "literal %s with no args"},
		}},
		{name: "03_prefix", vars: map[string]string{"VLLM_LOGGING_PREFIX": "[node-7] "}, calls: []vllmCall{
			{line: 15, level: info, msg: "Info with prefix"},
			{line: 16, level: warn, msg: "Multi-line with prefix\nline 2"},
		}},
		{name: "04_color_forced", vars: map[string]string{"VLLM_LOGGING_COLOR": "1"}, calls: []vllmCall{
			{line: 15, level: info, msg: "Plain info line"},
			{line: 16, level: warn, msg: "A warning"},
			{line: 17, level: errorLvl, msg: "An error"},
			{line: 18, level: critical, msg: "A critical"},
			{line: 20, level: info, msg: "Multi-line message:\nsecond line"},
			{line: 21, level: info, msg: args},
			{line: 25, level: errorLvl, msg: "Exception with traceback", stack: vllmTraceback("04_color_forced.py", 23)},
		}},
		{name: "05_set_level", calls: []vllmCall{
			{line: 15, level: info, msg: "Before setLevel"},
			{line: 16, level: warn, setLevel: true},
			{line: 17, level: info, msg: "Hidden after setLevel(WARNING)"},
			{line: 18, level: warn, msg: "Shown after setLevel(WARNING)"},
			{line: 19, level: info, setLevel: true},
			{line: 20, level: info, msg: "Shown again after setLevel(INFO)"},
		}, golden: "INFO 01-02 03:04:05 [05_set_level.py:15] Before setLevel\n" +
			"WARNING 01-02 03:04:05 [05_set_level.py:18] Shown after setLevel(WARNING)\n" +
			"INFO 01-02 03:04:05 [05_set_level.py:20] Shown again after setLevel(INFO)\n"},
	}
	vllmTime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) // the golden files' pinned clock
	equal := 0
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			want := sc.golden
			if want == "" {
				b, err := os.ReadFile("../encoder/testdata/golden/vllm/" + sc.name + ".out")
				if err != nil {
					t.Fatal(err)
				}
				want = string(b)
			}
			var lines strings.Builder
			for l := range strings.SplitAfterSeq(want, "\n") {
				if !strings.HasPrefix(l, "Level 25 ") { // Python's alone: zap has no level 25
					lines.WriteString(l)
				}
			}
			want = lines.String()

			var out, errOut bytes.Buffer
			log, err := core.NewVLLM(core.WithEnv(coretest.Env(sc.vars)), core.WithOutput(zapcore.AddSync(&out)),
				core.WithErrorOutput(zapcore.AddSync(&errOut)), core.WithClock(coretest.Clock(vllmTime)), core.WithLocation(time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			a := filter.AtomicOf(log.Core())
			base := a.Load().Directives()
			for _, c := range sc.calls {
				if c.setLevel {
					a.Store(filter.New(append(base, filter.Directive{Target: "vllm.demo", Level: c.level})...))
					continue
				}
				ent := zapcore.Entry{Level: c.level, Time: vllmTime, LoggerName: "vllm.demo", Message: c.msg, Stack: c.stack,
					Caller: zapcore.EntryCaller{Defined: true, File: "/srv/app/run/" + sc.name + ".py", Line: c.line}}
				if ce := log.Core().Check(ent, nil); ce != nil {
					ce.Write()
				}
			}
			if got := out.String(); got != want {
				t.Errorf("\n got:\n%s\nwant:\n%s", catA(got), catA(want))
				return
			}
			if errOut.Len() != 0 {
				t.Errorf("error output: %q", errOut.String())
				return
			}
			equal++
		})
	}
	t.Logf("vLLM's own logger against core.NewVLLM on its reference scenarios: %d of %d equal", equal, len(scenarios))
}

// catA shows bytes as cat -A does, so that a difference of CR or ESC can
// be read.
func catA(s string) string {
	return strings.NewReplacer("\r", "^M", "\x1b", "^[", "\n", "$\n").Replace(s)
}
