package main

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dynlog/dynlog/internal/outside"
)

func TestAppendSafeLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, tab\tkept", "plain text, tab\tkept"},
		{"\x1b[31mred\x1b[0m", `\x1b[31mred\x1b[0m`},
		{"title\x1b]0;pwned\x07", `title\x1b]0;pwned\x07`},
		{"a\rb\x00c\x7f", `a\rb\x00c\x7f`},
		{"c1 csi \u009b osc \u009d", `c1 csi \u{9b} osc \u{9d}`},
		{"lone \x9b and \xff\xfe", `lone \x9b and \xff\xfe`},
		{"utf-8 ě 日本 \U0001F600 kept", "utf-8 ě 日本 \U0001F600 kept"},
		{"cut \xe6\x97", `cut \xe6\x97`},
		{"bidi \u202eevil\u202c \u2066x\u2069 \u200e\u200f", `bidi \u{202e}evil\u{202c} \u{2066}x\u{2069} \u{200e}\u{200f}`},
		{"near bidi \u2010 \u2070 kept", "near bidi \u2010 \u2070 kept"},
	} {
		if got := string(appendSafeLine(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("appendSafeLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPreEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"clean", "clean"},
		{"multi\nline\ttab", "multi\nline\ttab"},
		// The encoders escape these themselves.
		{"\x1b\x07\x08\x0c\u009b", "\x1b\x07\x08\x0c\u009b"},
		{"cr\rso\x0esi\x0fnul\x00", `cr\rso\x0esi\x0fnul\x00`},
	} {
		if got := preEscape(tc.in); got != tc.want {
			t.Errorf("preEscape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// sgr is a colour sequence, as the encoders write with --color always.
var sgr = regexp.MustCompile("\x1b\\[[0-9;]*m")

// checkTerminalSafe fails if out holds a control character that a
// terminal acts on: any C0 control but tab, newline and the CR of a CRLF
// (vLLM's layout ends each line of a multi-line message with one), DEL, a
// C1 character, a bidirectional control (which turns the rest of a line
// around), or a byte that is not UTF-8 (a lone 0x9b is CSI to a terminal
// not in UTF-8 mode).
func checkTerminalSafe(t *testing.T, out []byte) {
	t.Helper()
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			t.Fatalf("byte %#x, not UTF-8, at %d: %q", out[i], i, around(out, i))
		case r == '\r' && i+1 < len(out) && out[i+1] == '\n':
		case r < 0x20 && r != '\t' && r != '\n', r >= 0x7f && r <= 0x9f, outside.IsBidi(r):
			t.Fatalf("control %U at %d: %q", r, i, around(out, i))
		}
		i += n
	}
}

func around(b []byte, i int) []byte {
	return b[max(i-20, 0):min(i+20, len(b))]
}

// randomInput is n random bytes with some lines that are records whose
// strings hold random bytes too, JSON-escaped.
func randomInput(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for b.Len() < n {
		if rng.IntN(4) == 0 {
			var msg strings.Builder
			for range rng.IntN(40) {
				c := rune(rng.IntN(0xa0))
				if c == '\n' {
					continue // a message may break its line: keep one line a record
				}
				if c < 0x20 || c >= 0x7f {
					msg.WriteString(`\u00` + string(hexDigits[c>>4]) + string(hexDigits[c&0xf]))
				} else if c != '"' && c != '\\' {
					msg.WriteRune(c)
				}
			}
			m := msg.String()
			b.WriteString(`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"t` + m + `","message":"` + m +
				`","file":"f` + m + `","line":1,"k` + m + `":"` + m + `","span_name":"s` + m + `","o":{"a":"` + m + `"}}` + "\n")
			continue
		}
		line := make([]byte, rng.IntN(200))
		for i := range line {
			line[i] = byte(rng.Uint32())
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// TestViewRandomInputIsTerminalSafe sends 2 MB of random bytes and records
// with random strings through view in each layout, coloured and not: no
// control character from the input comes out. (make view-safety sends 50 MB.)
func TestViewRandomInputIsTerminalSafe(t *testing.T) {
	in := randomInput(18, 2<<20)
	for _, args := range [][]string{{"--format", "readable"}, {"--format", "vllm"}} {
		var out, errOut bytes.Buffer
		if code := view(append(args, "--color", "never"), bytes.NewReader(in), &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		checkTerminalSafe(t, out.Bytes())
		if n := bytes.Count(out.Bytes(), []byte("\n")); n != bytes.Count(in, []byte("\n")) {
			t.Errorf("%v: %d lines out of %d", args, n, bytes.Count(in, []byte("\n")))
		}
		out.Reset()
		if code := view(append(args, "--color", "always"), bytes.NewReader(in), &out, &errOut); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errOut.String())
		}
		// Colour adds SGR sequences of the encoder's own; take them out.
		checkTerminalSafe(t, sgr.ReplaceAll(out.Bytes(), nil))
	}
}

// TestViewRaw: --raw writes the input's controls as they are.
func TestViewRaw(t *testing.T) {
	in := "\x1b[31mred\r\n" + `{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"a\u000eb"}` + "\n"
	var out, errOut bytes.Buffer
	if code := view([]string{"--raw"}, strings.NewReader(in), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if want := "\x1b[31mred\n2025-09-02T16:38:06.656503Z  INFO x: a\x0eb\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
	out.Reset()
	view(nil, strings.NewReader(in), &out, &errOut)
	if want := "\\x1b[31mred\n2025-09-02T16:38:06.656503Z  INFO x: a\\x0eb\n"; out.String() != want {
		t.Errorf("without --raw: stdout %q, want %q", out.String(), want)
	}
}

// FuzzViewSafe: whatever the input, view's output (uncoloured) holds no
// control character but tab and newline.
func FuzzViewSafe(f *testing.F) {
	f.Add([]byte("\x1b[31mred\x1b]0;t\x07\n\u009b\x9b\xff\r\n"))
	f.Add([]byte(`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x\u001b","message":"\u001b[2J\u009b\u0000\r","k\u000e":"\u000f"}` + "\n"))
	f.Add(randomInput(1, 2000))
	f.Add([]byte("\u202epassed\u2066\n" + `{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x\u202e","message":"\u2066m` + "\u200f" + `","k":"\u202d","o":{"a":"` + "\u202e" + `"}}` + "\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		for _, format := range []string{"readable", "vllm"} {
			var out bytes.Buffer
			view([]string{"--format", format, "--color", "never"}, bytes.NewReader(in), &out, &bytes.Buffer{})
			checkTerminalSafe(t, out.Bytes())
		}
	})
}

// TestViewBidi: view writes the bidirectional controls of a record (raw or
// JSON-escaped in the input) and of a line it passes through as \u{…}, in
// each layout; inside a JSON value, as JSON escapes.
func TestViewBidi(t *testing.T) {
	in := "\u202epassed\u2066 through\n" +
		`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x\u2067","message":"a\u202eb` + "\u2066c\u200f" + `d","k":"v\u202e","o":{"a":"` + "\u202e" + `"}}` + "\n"
	const passed = `\u{202e}passed\u{2066} through` + "\n"
	// vLLM's date is local time.
	vllmDate := time.Date(2025, 9, 2, 16, 38, 6, 656503000, time.UTC).Local().Format("01-02 15:04:05")
	for _, tc := range []struct {
		format, color, want string
	}{
		{"readable", "never", passed +
			`2025-09-02T16:38:06.656503Z  INFO x\u{2067}: a\u{202e}b\u{2066}c\u{200f}d k="v\u{202e}" o={"a":"\u202e"}` + "\n"},
		{"readable", "always", passed +
			"\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mx\\u{2067}\x1b[0m\x1b[2m:\x1b[0m " +
			`a\u{202e}b\u{2066}c\u{200f}d` + " \x1b[3mk\x1b[0m\x1b[2m=\x1b[0m\"v\\u{202e}\" \x1b[3mo\x1b[0m\x1b[2m=\x1b[0m{\"a\":\"\\u202e\"}\n"},
		{"vllm", "never", passed +
			"INFO " + vllmDate + ` [unknown:0] a\u{202e}b\u{2066}c\u{200f}d k="v\u{202e}" o={"a":"\u202e"}` + "\n"},
	} {
		t.Run(tc.format+"/"+tc.color, func(t *testing.T) {
			var out, errOut bytes.Buffer
			if code := view([]string{"--format", tc.format, "--color", tc.color}, strings.NewReader(in), &out, &errOut); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut.String())
			}
			if out.String() != tc.want {
				t.Errorf("stdout\n%q, want\n%q", out.String(), tc.want)
			}
		})
	}
}

// TestFileErrorsAreTerminalSafe: view, validate and trace report a file
// they cannot open with its name escaped, so that a hostile name cannot
// drive the terminal.
func TestFileErrorsAreTerminalSafe(t *testing.T) {
	name := filepath.Join(t.TempDir(), "no\x1b[31mred\x07")
	shown := strings.NewReplacer("\x1b", `\x1b`, "\x07", `\x07`).Replace(name)
	for _, cmd := range []string{"view", "validate", "trace"} {
		var out, errOut bytes.Buffer
		run([]string{cmd, name}, &out, &errOut)
		first, _, _ := strings.Cut(errOut.String(), "\n")
		if want := "dynlog " + cmd + ": open " + shown + ": no such file or directory; skipped"; first != want {
			t.Errorf("%s: stderr starts %q, want %q", cmd, first, want)
		}
	}
}
