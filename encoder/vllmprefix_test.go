package encoder_test

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap/zapcore"
)

// vllmEntry is the entry of the prefix and decoration tests: INFO from
// main.go:42 at 01-02 03:04:05 UTC, logger vllm.engine.
func vllmEntry(msg string) zapcore.Entry {
	return zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		LoggerName: "vllm.engine", Caller: caller("/src/app/main.go", 42), Message: msg}
}

// TestVLLMPrefixDirectives: VLLM_LOGGING_PREFIX's %-directives expand as
// Python's logging expands them in vLLM's format string. The wants with
// flags and widths are what Python 3 prints for the same format; the stray
// % cases are where vLLM fails and dynlog prints the % as it is.
func TestVLLMPrefixDirectives(t *testing.T) {
	pid := strconv.Itoa(os.Getpid())
	pad := func(s string, n int) string {
		for len(s) < n {
			s = " " + s
		}
		return s
	}
	padRight := func(s string, n int) string {
		for len(s) < n {
			s += " "
		}
		return s
	}
	zeros := func(s string, n int) string {
		for len(s) < n {
			s = "0" + s
		}
		return s
	}
	const rest = "INFO 01-02 03:04:05 [main.go:42] m\n"
	for _, tc := range []struct {
		name, prefix string
		opts         []encoder.Option
		want         string
	}{
		{"name", "%(name)s ", nil, "vllm.engine " + rest},
		{"process", "%(process)d ", nil, pid + " " + rest},
		{"processName default", "%(processName)s ", nil, "MainProcess " + rest},
		{"processName set", "%(processName)s ", []encoder.Option{encoder.WithProcessName("Worker_TP1")},
			"(Worker_TP1 pid=" + pid + ") Worker_TP1 " + rest},
		{"levelname", "%(levelname)s ", nil, "INFO " + rest},
		{"thread is the pid", "%(thread)d ", nil, pid + " " + rest},
		{"percent", "100%% ", nil, "100% " + rest},
		{"all of them", "[%(processName)s %(process)d %(name)s %(levelname)s] ", nil,
			"[MainProcess " + pid + " vllm.engine INFO] " + rest},
		{"width", "%(process)12d|", nil, pad(pid, 12) + "|" + rest},
		{"left", "%(process)-12d|", nil, padRight(pid, 12) + "|" + rest},
		{"zeros", "%(process)012d|", nil, zeros(pid, 12) + "|" + rest},
		{"left wins over zeros", "%(process)-012d|", nil, padRight(pid, 12) + "|" + rest},
		{"plus", "%(process)+d|", nil, "+" + pid + "|" + rest},
		{"space", "%(process) d|", nil, " " + pid + "|" + rest},
		{"precision of a number", "%(process).12d|", nil, zeros(pid, 12) + "|" + rest},
		{"number as string", "%(process)12s|", nil, pad(pid, 12) + "|" + rest},
		{"levelname left", "%(levelname)-8s|", nil, "INFO    |" + rest},
		{"levelname cut", "%(levelname).1s|", nil, "I|" + rest},
		{"name width", "%(name)14s|", nil, "   vllm.engine|" + rest},
		{"name cut", "%(name).4s|", nil, "vllm|" + rest},
		{"zero flag on a string", "%(name)05s|", nil, "vllm.engine|" + rest},
		{"stray percent before a space", "50% ", nil, "50% " + rest},
		{"stray percent at the end", "end%", nil, "end%" + rest},
		{"stray percent before an unknown letter", "%x ", nil, "%x " + rest},
		{"unknown key", "%(unknown)s ", nil, "%(unknown)s " + rest},
		{"unclosed key", "%(name ", nil, "%(name " + rest},
		{"conversion Python refuses", "%(name)d ", nil, "%(name)d " + rest},
		{"no conversion", "%(name)", nil, "%(name)" + rest},
		{"colour: the level name is coloured in the prefix too", "%(levelname)s ", []encoder.Option{encoder.WithColor(true)},
			"\x1b[32mINFO\x1b[0m \x1b[32mINFO\x1b[0m \x1b[90m01-02 03:04:05\x1b[0m \x1b[90m[main.go:42]\x1b[0m m\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]encoder.Option{encoder.WithPrefix(tc.prefix), encoder.WithLocation(time.UTC)}, tc.opts...)
			got := encode(t, encoder.NewVLLM(opts...), vllmEntry("m"))
			if got != tc.want {
				t.Errorf("prefix %q:\n got %q\nwant %q", tc.prefix, got, tc.want)
			}
		})
	}
}

// TestVLLMPrefixNewline: vLLM's NewLineFormatter turns every '\n' of the
// formatted record into "\r\n" and the header, the prefix's own newlines
// included, and the header it inserts keeps them raw. The want is what
// Python prints for prefix "a\nb " and message "x\ny".
func TestVLLMPrefixNewline(t *testing.T) {
	const h = "a\nb INFO 01-02 03:04:05 [main.go:42] "
	for _, tc := range []struct {
		name, msg string
		opts      []encoder.Option
		want      string
	}{
		{"one line", "x", nil, "a\r\n" + h + "b INFO 01-02 03:04:05 [main.go:42] x\n"},
		{"multi-line message", "x\ny", nil,
			"a\r\n" + h + "b INFO 01-02 03:04:05 [main.go:42] x\r\n" + h + "y\n"},
		{"decorated: every physical line", "x\ny", []encoder.Option{encoder.WithProcessName("P")},
			"(P pid=PID) a\r\n(P pid=PID) a\n(P pid=PID) b INFO 01-02 03:04:05 [main.go:42] b INFO 01-02 03:04:05 [main.go:42] x\r\n" +
				"(P pid=PID) a\n(P pid=PID) b INFO 01-02 03:04:05 [main.go:42] y\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]encoder.Option{encoder.WithPrefix("a\nb "), encoder.WithLocation(time.UTC)}, tc.opts...)
			got := encode(t, encoder.NewVLLM(opts...), vllmEntry(tc.msg))
			want := replacePID(tc.want)
			if got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
		})
	}
}

// replacePID puts the process id where a want says "pid=PID".
func replacePID(s string) string {
	return strings.ReplaceAll(s, "pid=PID", "pid="+strconv.Itoa(os.Getpid()))
}
