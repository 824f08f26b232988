package encoder_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The forging table: each payload that could forge a line, a field or a
// terminal control sequence, in each place a text layout writes text from a
// caller. Every output line must parse back, with the layout's quoting, to
// exactly the fields logged; no raw ESC, BEL or C1 control may reach the
// output; and the record takes one physical line per line of its message.

var forgePayloads = map[string]string{
	"newline":    "a\nb",
	"cr":         "a\rb",
	"equals":     "a=b",
	"fake key":   "a injected=1",
	"quote":      `a"b`,
	"esc":        "a\x1bb",
	"osc title":  "\x1b]0;title\x07",
	"csi clear":  "\x1b[2J",
	"c1 csi":     "a\u009b2Jb",
	"c1 osc":     "\u009d0;title\u009c",
	"bel bs del": "\x07\x08\x7f",
	"forged record": "x\n2025-09-02T16:38:06.656503Z ERROR forged: owned k=\"v\"\r\n" +
		"INFO 01-02 03:04:05 [x.py:1] owned",
}

type forgeStringer string

func (s forgeStringer) String() string { return string(s) }

// forgeCase is one payload in one place: the entry, its fields, and the
// keys a parser must find in the field part, in order.
type forgeCase struct {
	ent    zapcore.Entry
	fields []zap.Field
	keys   []string
	prefix bool // vLLM: with the prefix "[%(name)s] "
}

func forgeCases(p string) map[string]forgeCase {
	base := func() forgeCase {
		return forgeCase{
			ent: zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
				LoggerName: "t", Caller: caller("/src/app/main.go", 42), Message: "m"},
			fields: []zap.Field{zap.String("s", "v")},
			keys:   []string{"s"},
		}
	}
	cs := map[string]forgeCase{}
	c := base()
	c.ent.Message = "m" + p
	cs["message"] = c
	c = base()
	c.fields, c.keys = append(c.fields, zap.Error(errString("e"+p))), []string{"s", "error"}
	cs["error"] = c
	c = base()
	c.fields, c.keys = append(c.fields, zap.Stringer("st", forgeStringer("s"+p))), []string{"s", "st"}
	cs["stringer"] = c
	c = base()
	c.fields, c.keys = append(c.fields, zap.Int("k"+p, 1)), []string{"s", "k" + p}
	cs["key"] = c
	c = base()
	c.fields = []zap.Field{zap.String("s", "v"+p)}
	cs["string value"] = c
	c = base()
	c.ent.LoggerName = "t" + p
	cs["logger name"] = c
	c = base()
	c.ent.LoggerName, c.prefix = "t"+p, true
	cs["prefix name"] = c
	c = base()
	c.fields = append(c.fields, vocab.SpansField(&vocab.Spans{Chain: []vocab.Span{
		{Name: "sp" + p, Fields: []zap.Field{zap.String("sf", "x")}}}}))
	c.keys = []string{"s", "sf"}
	cs["span name"] = c
	c = base()
	c.fields = append(c.fields, zap.String("log.target", "lt"+p), zap.String("log.file", "/x/f"+p+".py"), zap.Int("log.line", 7))
	cs["bridged"] = c
	return cs
}

// escapeSafe is the layouts' rule for a message, written out again here:
// ESC, BEL, BS, FF, DEL as \xhh, C1 and bidirectional controls as \u{h…}.
func escapeSafe(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == 0x1b || r == 0x07 || r == 0x08 || r == 0x0c || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f || isBidiControl(r):
			fmt.Fprintf(&b, `\u{%x}`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isBidiControl reports whether r is one of the bidirectional controls the
// text layouts escape: the marks, embeddings, overrides and isolates.
func isBidiControl(r rune) bool {
	return r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// escapeBidi writes the bidirectional controls of s as \u{h…}, as vLLM's
// prefix and process name get them.
func escapeBidi(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isBidiControl(r) {
			fmt.Fprintf(&b, `\u{%x}`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// escapeName is escapeSafe on one line: a name's line breaks as \n and \r.
func escapeName(s string) string {
	return strings.NewReplacer("\n", `\n`, "\r", `\r`).Replace(escapeSafe(s))
}

// parseTextFields reads " name=value" pairs as the text layouts write them:
// a name is a plain word or a quoted string; a value is a quoted string
// (Rust's escapes), or bare text up to the next " word=" (numbers, Display
// values, which the layouts quote when they hold one). It returns the names,
// decoded, and fails on anything else.
func parseTextFields(s string) ([]string, error) {
	var keys []string
	for s != "" {
		if s[0] != ' ' {
			return keys, fmt.Errorf("want a space before a field at %q", s)
		}
		s = s[1:]
		var key string
		var err error
		if strings.HasPrefix(s, `"`) {
			key, s, err = unquoteRust(s)
			if err != nil {
				return keys, err
			}
		} else {
			i := 0
			for i < len(s) && plainKeyByte(s[i]) {
				i++
			}
			key, s = s[:i], s[i:]
		}
		if key == "" || !strings.HasPrefix(s, "=") {
			return keys, fmt.Errorf("want name= at %q", s)
		}
		keys, s = append(keys, key), s[1:]
		if strings.HasPrefix(s, `"`) {
			if _, s, err = unquoteRust(s); err != nil {
				return keys, err
			}
			continue
		}
		end := len(s)
		for i := 0; i < len(s); i++ {
			if s[i] != ' ' {
				continue
			}
			j := i + 1
			for j < len(s) && plainKeyByte(s[j]) {
				j++
			}
			if j > i+1 && j < len(s) && s[j] == '=' || j < len(s) && s[j] == '"' {
				end = i
				break
			}
		}
		s = s[end:]
	}
	return keys, nil
}

func plainKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		c == '_' || c == '.' || c == '-' || c == ':' || c == '#' || c >= 0x80
}

// unquoteRust reads a string quoted as Rust's {:?} quotes it at the start of
// s and returns it decoded and the rest of s.
func unquoteRust(s string) (string, string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 >= len(s) {
				return "", "", fmt.Errorf("unfinished escape in %q", s)
			}
			i++
			switch s[i] {
			case '"', '\\':
				b.WriteByte(s[i])
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '0':
				b.WriteByte(0)
			case 'u':
				end := strings.IndexByte(s[i:], '}')
				if !strings.HasPrefix(s[i:], "u{") || end < 0 {
					return "", "", fmt.Errorf("bad \\u escape in %q", s)
				}
				r, err := strconv.ParseUint(s[i+2:i+end], 16, 32)
				if err != nil {
					return "", "", err
				}
				b.WriteRune(rune(r))
				i += end
			default:
				return "", "", fmt.Errorf("unknown escape \\%c in %q", s[i], s)
			}
		default:
			if c < 0x20 || c == 0x7f {
				return "", "", fmt.Errorf("raw control %#x in a quoted string %q", c, s)
			}
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("unterminated string %q", s)
}

// checkNoControls fails on raw ESC, BEL, BS, FF, DEL or C1 in out, and on
// a carriage return outside allowed.
func checkNoControls(t *testing.T, out string, crAllowed int) {
	t.Helper()
	for i, r := range out {
		switch {
		case r == 0x1b, r == 0x07, r == 0x08, r == 0x0c, r == 0x7f, r >= 0x80 && r <= 0x9f, r == utf8.RuneError:
			t.Errorf("raw control %U at %d: %q", r, i, out)
		}
	}
	if n := strings.Count(out, "\r"); n != crAllowed {
		t.Errorf("%d carriage returns, want %d: %q", n, crAllowed, out)
	}
}

func TestForgingReadable(t *testing.T) {
	for pname, p := range forgePayloads {
		for place, c := range forgeCases(p) {
			if c.prefix {
				continue
			}
			t.Run(pname+"/"+place, func(t *testing.T) {
				out := encode(t, encoder.NewReadable(), c.ent, c.fields...)
				msgCR := strings.Count(c.ent.Message, "\r")
				checkNoControls(t, out, msgCR)
				body, ok := strings.CutSuffix(out, "\n")
				if !ok {
					t.Fatalf("no final newline: %q", out)
				}
				if n, want := strings.Count(body, "\n"), strings.Count(c.ent.Message, "\n"); n != want {
					t.Errorf("%d line breaks, want %d (the message's): %q", n, want, out)
				}
				target := c.ent.LoggerName
				for _, f := range c.fields {
					if f.Key == "log.target" {
						target = f.String
					}
				}
				head := "2026-01-02T03:04:05.000000Z  INFO "
				if place == "span name" {
					head += escapeName("sp"+p) + ": "
				}
				head += escapeName(target) + ": " + escapeSafe(c.ent.Message)
				rest, ok := strings.CutPrefix(body, head)
				if !ok {
					t.Fatalf("line %q does not start with %q", body, head)
				}
				keys, err := parseTextFields(rest)
				if err != nil || strings.Join(keys, "|") != strings.Join(c.keys, "|") {
					t.Errorf("fields %q parse to %q (%v), want %q", rest, keys, err, c.keys)
				}
			})
		}
	}
}

func TestForgingVLLM(t *testing.T) {
	for pname, p := range forgePayloads {
		for place, c := range forgeCases(p) {
			t.Run(pname+"/"+place, func(t *testing.T) {
				opts := []encoder.Option{encoder.WithLocation(time.UTC)}
				name := c.ent.LoggerName
				file := "main.go:42"
				for _, f := range c.fields {
					switch f.Key {
					case "log.target":
						name = f.String
					case "log.file":
						file = f.String[strings.LastIndexByte(f.String, '/')+1:] + ":7"
					}
				}
				header := "INFO 01-02 03:04:05 [" + escapeName(file) + "] "
				if c.prefix {
					opts = append(opts, encoder.WithPrefix("[%(name)s] "))
					header = "[" + escapeName(name) + "] " + header
				}
				out := encode(t, encoder.NewVLLM(opts...), c.ent, c.fields...)
				breaks := strings.Count(c.ent.Message, "\n")
				checkNoControls(t, out, breaks+strings.Count(c.ent.Message, "\r"))
				body, ok := strings.CutSuffix(out, "\n")
				if !ok {
					t.Fatalf("no final newline: %q", out)
				}
				lines := strings.Split(body, "\r\n")
				if len(lines) != breaks+1 || strings.Contains(body, "\n") && breaks == 0 {
					t.Fatalf("%d physical lines, want %d: %q", len(lines), breaks+1, out)
				}
				for i, l := range lines {
					rest, ok := strings.CutPrefix(l, header)
					if !ok {
						t.Fatalf("line %d %q does not start with the header %q", i, l, header)
					}
					lines[i] = rest
				}
				rest, ok := strings.CutPrefix(strings.Join(lines, "\n"), escapeSafe(c.ent.Message))
				if !ok {
					t.Fatalf("record %q does not start with the message", out)
				}
				keys, err := parseTextFields(rest)
				if err != nil || strings.Join(keys, "|") != strings.Join(c.keys, "|") {
					t.Errorf("fields %q parse to %q (%v), want %q", rest, keys, err, c.keys)
				}
			})
		}
	}
}

// TestJSONLInvalidKeys: a JSONL key with invalid UTF-8 is printed with one
// U+FFFD per invalid byte (not one per run), and sorted and deduplicated as
// printed: "k\xff\xfe" and "k\uFFFD\uFFFD" are the same key, the last kept.
func TestJSONLInvalidKeys(t *testing.T) {
	ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Message: "m"}
	buf, err := encoder.NewJSONL().EncodeEntry(ent, []zapcore.Field{
		zap.Int("k\xff\xfe", 1), zap.Int("k\uFFFD\uFFFD", 2), zap.Int("a\xe2\x82", 3)})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"time":"2025-01-02T03:04:05.000000Z","level":"INFO","target":"","message":"m","a` + "\uFFFD\uFFFD" + `":3,"k` + "\uFFFD\uFFFD" + `":2}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("line\n%q, want\n%q", got, want)
	}
}
