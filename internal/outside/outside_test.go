package outside

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"plain", "/var/log/app.log", 64, "/var/log/app.log"},
		{"tab kept", "a\tb", 64, "a\tb"},
		{"forged record", "bad\n{\"level\":\"ERROR\"}\r", 64, `bad\n{"level":"ERROR"}\r`},
		{"escape and bell", "\x1b[2Jx\x07\x7f", 64, `\x1b[2Jx\x07\x7f`},
		{"C1", "a\u009bb\u0085", 64, `a\u{9b}b\u{85}`},
		{"bidi", "x\u202ey\u2066z\u200f", 64, `x\u{202e}y\u{2066}z\u{200f}`},
		{"invalid UTF-8", "a\xffb\xc3", 64, `a\xffb\xc3`},
		{"other unicode kept", "größe ✓ 日本", 64, "größe ✓ 日本"},
		{"cut", "abcdefghij", 4, "abcd…[6 bytes cut]"},
		{"cut inside a character", "ab日本", 4, "ab…[6 bytes cut]"},
		{"cut then escaped", "\n\n\n\nxxxx", 2, `\n\n…[6 bytes cut]`},
		{"exactly max", "abcd", 4, "abcd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Cut(tc.in, tc.max); got != tc.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
			}
		})
	}
}

func TestTextBoundsAndEscapesAll(t *testing.T) {
	in := strings.Repeat("\x1b\n\u202e", 10000)
	got := Text(in)
	if strings.ContainsAny(got, "\x1b\n\r\u202e") {
		t.Fatalf("Text left a control in %q", got[:64])
	}
	if !utf8.ValidString(got) {
		t.Fatal("Text returned invalid UTF-8")
	}
	// Each kept character becomes at most 8 bytes; the marker is short.
	if len(got) > 8*MaxLen+32 {
		t.Fatalf("Text returned %d bytes for %d: not cut to MaxLen", len(got), len(in))
	}
	if !strings.HasSuffix(got, " bytes cut]") {
		t.Fatalf("Text of a long text has no cut marker: ...%q", got[len(got)-32:])
	}
}

func FuzzCut(f *testing.F) {
	f.Add("plain", 10)
	f.Add("\x1b[2J\n\u202e\xff", 3)
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 0 || max > 1<<16 {
			return
		}
		got := Cut(s, max)
		if !utf8.ValidString(got) {
			t.Fatalf("Cut(%q, %d) = %q: invalid UTF-8", s, max, got)
		}
		for _, r := range got {
			if r < 0x20 && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f || IsBidi(r) {
				t.Fatalf("Cut(%q, %d) = %q: holds %U", s, max, got, r)
			}
		}
		if len(s) <= max && clean(s) && got != s {
			t.Fatalf("Cut(%q, %d) = %q: changed a clean text", s, max, got)
		}
	})
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/var/log/app.log", `"/var/log/app.log"`},
		{"a\n{\"x\":1}\x1b[2J\u202e\u2066\u200f\u0085\xff", `"a\n{\"x\":1}\x1b[2J\u202e\u2066\u200f\u0085\xff"`},
		{strings.Repeat("x", MaxLen) + "yz", `"` + strings.Repeat("x", MaxLen) + `"…[2 bytes cut]`},
		{strings.Repeat("x", MaxLen-1) + "日", `"` + strings.Repeat("x", MaxLen-1) + `"…[3 bytes cut]`},
	} {
		if got := Quote(tc.in); got != tc.want {
			t.Errorf("Quote(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCutNegative(t *testing.T) {
	if got, want := Cut("abc", -1), "…[3 bytes cut]"; got != want {
		t.Errorf("Cut(abc, -1) = %q, want %q", got, want)
	}
}
