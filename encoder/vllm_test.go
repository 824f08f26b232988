package encoder_test

import (
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestVLLMProcessDecoration: WithProcessName starts every physical line,
// continuation lines included, with vLLM's "(NAME pid=PID) ", cyan with
// colour on, before the prefix.
func TestVLLMProcessDecoration(t *testing.T) {
	colorRest := "\x1b[32mINFO\x1b[0m \x1b[90m01-02 03:04:05\x1b[0m \x1b[90m[main.go:42]\x1b[0m "
	for _, tc := range []struct {
		name  string
		opts  []encoder.Option
		msg   string
		stack string
		want  string
	}{
		{"plain", nil, "decorated info", "",
			"(EngineCore_DP0 pid=PID) INFO 01-02 03:04:05 [main.go:42] decorated info\n"},
		{"colour", []encoder.Option{encoder.WithColor(true)}, "decorated info", "",
			"\x1b[0;36m(EngineCore_DP0 pid=PID)\x1b[0;0m " + colorRest + "decorated info\n"},
		{"before the prefix", []encoder.Option{encoder.WithPrefix("[node-7] ")}, "x", "",
			"(EngineCore_DP0 pid=PID) [node-7] INFO 01-02 03:04:05 [main.go:42] x\n"},
		{"multi-line", nil, "one\ntwo\n", "",
			"(EngineCore_DP0 pid=PID) INFO 01-02 03:04:05 [main.go:42] one\r\n" +
				"(EngineCore_DP0 pid=PID) INFO 01-02 03:04:05 [main.go:42] two\r\n" +
				"(EngineCore_DP0 pid=PID) INFO 01-02 03:04:05 [main.go:42] \n"},
		{"multi-line with colour", []encoder.Option{encoder.WithColor(true)}, "one\ntwo", "",
			"\x1b[0;36m(EngineCore_DP0 pid=PID)\x1b[0;0m " + colorRest + "one\r\n" +
				"\x1b[0;36m(EngineCore_DP0 pid=PID)\x1b[0;0m " + colorRest + "two\n"},
		{"stack", nil, "failed", "main.run\n\t/src/app/main.go:42",
			"(EngineCore_DP0 pid=PID) INFO 01-02 03:04:05 [main.go:42] failed\r\n" +
				"(EngineCore_DP0 pid=PID) INFO 01-02 03:04:05 [main.go:42] main.run\r\n" +
				"(EngineCore_DP0 pid=PID) INFO 01-02 03:04:05 [main.go:42] \t/src/app/main.go:42\n"},
		{"bare messages", []encoder.Option{encoder.WithBareMessages()}, "one\ntwo", "",
			"(EngineCore_DP0 pid=PID) one\n(EngineCore_DP0 pid=PID) two\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]encoder.Option{encoder.WithProcessName("EngineCore_DP0"), encoder.WithLocation(time.UTC)}, tc.opts...)
			ent := vllmEntry(tc.msg)
			ent.Stack = tc.stack
			got := encode(t, encoder.NewVLLM(opts...), ent)
			if want := replacePID(tc.want); got != want {
				t.Errorf("\n got %q\nwant %q", got, want)
			}
		})
	}
	// A clone (With) keeps the decoration and the prefix.
	enc := encoder.NewVLLM(encoder.WithProcessName("W"), encoder.WithPrefix("%(name)s "), encoder.WithLocation(time.UTC)).Clone()
	enc.AddString("k", "v")
	if got, want := encode(t, enc, vllmEntry("m")), replacePID("(W pid=PID) vllm.engine INFO 01-02 03:04:05 [main.go:42] m k=\"v\"\n"); got != want {
		t.Errorf("clone:\n got %q\nwant %q", got, want)
	}
}

// TestVLLMMessageControls: a message cannot drive the terminal in the vLLM
// layout either. ESC, BEL, BS, FF, DEL and C1 controls are escaped as the
// readable layout escapes them; tab and carriage return stay, and newlines
// keep vLLM's multi-line rule. vLLM itself writes them raw.
func TestVLLMMessageControls(t *testing.T) {
	const h = "INFO 01-02 03:04:05 [main.go:42] "
	for _, tc := range []struct {
		name, msg, want string
		fields          []zap.Field
	}{
		{"escape sequence", "a\x1b[2Jb", h + `a\x1b[2Jb` + "\n", nil},
		{"BEL BS FF DEL", "\x07\x08\x0c\x7f", h + `\x07\x08\x0c\x7f` + "\n", nil},
		{"C1 controls", "\u0080\u009b31m\u009f", h + `\u{80}\u{9b}31m\u{9f}` + "\n", nil},
		{"tab and carriage return stay", "a\tb\rc", h + "a\tb\rc\n", nil},
		{"newline still repeats the header", "x\x1b\ny", h + `x\x1b` + "\r\n" + h + "y\n", nil},
		{"invalid UTF-8", "a\xffb", h + "a\uFFFDb\n", nil},
		{"other C0 controls stay", "\x01\x1f", h + "\x01\x1f\n", nil},
		{"an error's text is escaped too", "failed", h + `failed error=boom\x1b[0m` + "\n", []zap.Field{zap.Error(errString("boom\x1b[0m"))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := encode(t, encoder.NewVLLM(encoder.WithLocation(time.UTC)), vllmEntry(tc.msg), tc.fields...)
			if got != tc.want {
				t.Errorf("\n got %q\nwant %q", got, tc.want)
			}
		})
	}
	// The bare layout (VLLM_CONFIGURE_LOGGING=0) escapes the same way.
	got := encode(t, encoder.NewVLLM(encoder.WithBareMessages()), zapcore.Entry{Level: zapcore.WarnLevel, Message: "\x1b]0;title\x07"})
	if want := `\x1b]0;title\x07` + "\n"; got != want {
		t.Errorf("bare: got %q, want %q", got, want)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
