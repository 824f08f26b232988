package encoder_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// bidiText holds an override, an isolate and a mark: each can make what
// follows it on a line read in another order than it is stored.
const bidiText = "a\u202eb\u2066c\u200fd"

type bidiObject struct{}

func (bidiObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("k", bidiText+"\u009b")
	return nil
}

// TestBidiEscaped: the text layouts write the bidirectional controls as
// \u{…} wherever they write text (message, Display values, the target),
// as Rust's {:?} does in a quoted string, and as JSON escapes inside a
// JSON value; JSONL keeps them raw inside its strings, which cannot break
// a line.
func TestBidiEscaped(t *testing.T) {
	ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		LoggerName: "app" + "\u2067", Message: bidiText}
	fields := []zapcore.Field{zap.String("s", bidiText), zap.Error(errors.New(bidiText)), zap.Object("o", bidiObject{})}
	const (
		esc     = `a\u{202e}b\u{2066}c\u{200f}d`
		escJSON = `a\u202eb\u2066c\u200fd\u009b`
	)
	for _, tc := range []struct {
		name string
		enc  zapcore.Encoder
		want string
	}{
		{"readable", encoder.NewReadable(encoder.WithColor(false)),
			`2025-01-02T03:04:05.000000Z  INFO app\u{2067}: ` + esc + ` s="` + esc + `" error=` + esc + ` o={"k":"` + escJSON + `"}` + "\n"},
		{"readable colour", encoder.NewReadable(encoder.WithColor(true)),
			"\x1b[2m2025-01-02T03:04:05.000000Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mapp\\u{2067}\x1b[0m\x1b[2m:\x1b[0m " + esc +
				" \x1b[3ms\x1b[0m\x1b[2m=\x1b[0m\"" + esc + "\" \x1b[3merror\x1b[0m\x1b[2m=\x1b[0m" + esc +
				" \x1b[3mo\x1b[0m\x1b[2m=\x1b[0m{\"k\":\"" + escJSON + "\"}\n"},
		{"vllm", encoder.NewVLLM(encoder.WithColor(false), encoder.WithLocation(time.UTC), encoder.WithPrefix("%(name)s ")),
			`app\u{2067} INFO 01-02 03:04:05 [unknown:0] ` + esc + ` s="` + esc + `" error=` + esc + ` o={"k":"` + escJSON + `"}` + "\n"},
		{"vllm colour", encoder.NewVLLM(encoder.WithColor(true), encoder.WithLocation(time.UTC), encoder.WithPrefix("%(name)s ")),
			`app\u{2067} ` + "\x1b[32mINFO\x1b[0m \x1b[90m01-02 03:04:05\x1b[0m \x1b[90m[unknown:0]\x1b[0m " + esc +
				` s="` + esc + `" error=` + esc + ` o={"k":"` + escJSON + `"}` + "\n"},
		{"jsonl", encoder.NewJSONL(),
			`{"time":"2025-01-02T03:04:05.000000Z","level":"INFO","target":"app` + "\u2067" + `","message":"` + bidiText +
				`","error":"` + bidiText + `","o":{"k":"` + bidiText + "\u009b" + `"},"s":"` + bidiText + `"}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			buf, err := tc.enc.EncodeEntry(ent, fields)
			if err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tc.want {
				t.Errorf("line\n%q, want\n%q", got, tc.want)
			}
		})
	}
}

// TestBidiEscapedVLLMHeader: vLLM's prefix, process name and stack, which
// it writes raw, have their bidirectional controls escaped too.
func TestBidiEscapedVLLMHeader(t *testing.T) {
	enc := encoder.NewVLLM(encoder.WithColor(false), encoder.WithLocation(time.UTC),
		encoder.WithPrefix("[\u202e%(processName)s] "), encoder.WithProcessName("w\u2066"))
	ent := zapcore.Entry{Level: zapcore.ErrorLevel, Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Message: "m", Stack: "main.f\u200f()"}
	buf, err := enc.EncodeEntry(ent, nil)
	if err != nil {
		t.Fatal(err)
	}
	deco := `(w\u{2066} pid=` + strconv.Itoa(os.Getpid()) + `) `
	head := deco + `[\u{202e}w\u{2066}] ERROR 01-02 03:04:05 [unknown:0] `
	want := head + "m\r\n" + head + `main.f\u{200f}()` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("line\n%q, want\n%q", got, want)
	}
	if strings.ContainsAny(buf.String(), "\u202e\u2066\u200f") {
		t.Errorf("a bidirectional control is raw in %q", buf.String())
	}
}
