package encoder

import (
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dynlog/dynlog/encoder/internal/jsonfmt"
)

// TestAppendDebugQuoted: every expected value is what rustc 1.95.0 printed
// for {:?} of the same str, with encoder/testdata/rust/debug_fmt.rs (built
// with `rustc debug_fmt.rs`, run, its "str" lines pasted here). The inputs
// are written with Go escapes so that no invisible character hides in the
// source.
func TestAppendDebugQuoted(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{"say \"hi\"", `"say \"hi\""`},
		{"back\\slash", `"back\\slash"`},
		{"it's", `"it's"`},
		{"a\x0ab", `"a\nb"`},
		{"a\x0db", `"a\rb"`},
		{"a\x09b", `"a\tb"`},
		{"a\x00b", `"a\0b"`},
		{"\x07", `"\u{7}"`},
		{"\x1b[31m", `"\u{1b}[31m"`},
		{"\x7f", `"\u{7f}"`},
		{"\u0080", `"\u{80}"`},
		{"\u0085", `"\u{85}"`},
		{"\u009f", `"\u{9f}"`},
		{"\u00a0", `"\u{a0}"`},
		{"\u00ad", `"\u{ad}"`},
		{"e\u0301", `"e\u{301}"`},
		{"\u0301", `"\u{301}"`},
		{"\u200b", `"\u{200b}"`},
		{"\u200d", `"\u{200d}"`},
		{"\u2028", `"\u{2028}"`},
		{"\u2029", `"\u{2029}"`},
		{"\u3000", `"\u{3000}"`},
		{"\ufeff", `"\u{feff}"`},
		{"\ufffd", `"�"`},
		{"\ue000", `"\u{e000}"`},
		{"\uf8ff", `"\u{f8ff}"`},
		{"\U0010ffff", `"\u{10ffff}"`},
		{"\u0378", `"\u{378}"`},
		{"\ufdd0", `"\u{fdd0}"`},
		{"\ufffe", `"\u{fffe}"`},
		{"\u00e9\U0001f600</>&", `"é😀</>&"`},
		{"\u65e5\u672c\u8a9e", `"日本語"`},
		{"\U0001f600", `"😀"`},
		{"\U0001f3fb", `"🏻"`},
		{"\U000e0001", `"\u{e0001}"`},
		{"\U000e0100", `"\u{e0100}"`},
		{" ", `" "`},
		{"\u2000", `"\u{2000}"`},
		{"\u200e", `"\u{200e}"`},
		{"\u061c", `"\u{61c}"`},
		{"\u1680", `"\u{1680}"`},
		{"\u180e", `"\u{180e}"`},
		{"\u034f", `"\u{34f}"`},
		{"\uff9e", `"\u{ff9e}"`},
		{"\U0001d165", `"\u{1d165}"`},
		{"\ua8fd", `"ꣽ"`},
		{"\U00011f00", `"\u{11f00}"`},
		{"\U0001e4ef", `"\u{1e4ef}"`},
		{"\U0002fffe", `"\u{2fffe}"`},
		{"\U00031350", `"𱍐"`},
		{"\U000323af", `"𲎯"`},
		{"\U0002ebf0", `"𮯰"`},
		{"\U0001f8c0", `"🣀"`},
		{"\x0b", `"\u{b}"`},
		{"\x0c", `"\u{c}"`},
		{"\x08", `"\u{8}"`},
		{"x=y", `"x=y"`},
		{"a b", `"a b"`},
		{"\x1b", `"\u{1b}"`},
		{"\x09", `"\t"`},
		{"\x0d", `"\r"`},
		// Not Rust's (a Rust str is valid UTF-8): invalid bytes as U+FFFD.
		{"x\xffy", "\"x\uFFFDy\""},
	}
	for _, tt := range tests {
		if got := string(appendDebugQuoted(nil, tt.in)); got != tt.want {
			t.Errorf("appendDebugQuoted(%+q) = %s, want %s", tt.in, got, tt.want)
		}
		if got := string(appendDebugQuoted(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("appendDebugQuoted([]byte %+q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestDebugEscapedTable: the table from rustc agrees with the rules it
// stands for on the characters Go's Unicode 15.0 tables already know: a
// character Go calls assigned and printable (and not a mark Rust escapes as
// Grapheme_Extend) is not in it, and controls, format characters, private
// use and separators other than the space are.
func TestDebugEscapedTable(t *testing.T) {
	graphemeExtend := func(r rune) bool {
		return unicode.In(r, unicode.Mn, unicode.Me, unicode.Other_Grapheme_Extend)
	}
	// Where Grapheme_Extend changed between Unicode 15.0 and 17.0: Unicode
	// 16 made these spacing marks (Mc) Grapheme_Extend, and U+1171E an Mc
	// that is not.
	changed := map[rune]bool{
		0x0cc0: true, 0x0cc7: true, 0x0cc8: true, 0x0cca: true, 0x0ccb: true,
		0x1715: true, 0x1734: true, 0x1b3b: true, 0x1b3d: true, 0x1b43: true,
		0x1b44: true, 0x1baa: true, 0x1bf2: true, 0x1bf3: true, 0xa953: true,
		0xa9c0: true, 0x111c0: true, 0x11235: true, 0x1134d: true, 0x116b6: true,
		0x1171e: true, 0x1193d: true, 0x11f41: true, 0x16ff0: true, 0x16ff1: true,
		0x1d166: true, 0x1d16d: true,
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if r >= 0xd800 && r <= 0xdfff || changed[r] {
			continue
		}
		escaped := isDebugEscaped(r)
		switch {
		case r == 0 || r == '\t' || r == '\n' || r == '\r':
			// Rust's short escapes; not \u{…}.
			if escaped {
				t.Errorf("%U: in the table, but Rust writes a short escape", r)
			}
		case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Zl, unicode.Zp) || unicode.Is(unicode.Zs, r) && r != ' ':
			if !escaped {
				t.Errorf("%U: not in the table, but not printable", r)
			}
		case graphemeExtend(r):
			if !escaped {
				t.Errorf("%U: not in the table, but Grapheme_Extend", r)
			}
		case unicode.IsPrint(r) || r == ' ':
			// Assigned in Unicode 15.0 and printable: Rust 17.0 agrees,
			// unless the character's properties changed since.
			if escaped {
				t.Errorf("%U: in the table, but printable", r)
			}
		}
	}
}

// TestEscapedLengths: the lengths the writers reserve before writing a long
// text are exactly what they write, for every kind of character they treat
// apart.
func TestEscapedLengths(t *testing.T) {
	pieces := []string{"a", " ", "\"", "\\", "\n", "\r", "\t", "\x00", "\x01", "\x1b", "\x07", "\x08",
		"\x0c", "\x7f", "\u0085", "\u009b", "\u009d", "é", "e\u0301", "\u00a0", "\u2028", "\U0001F600",
		"\U000E0001", "\xff", "\xe2\x82", "=", "x=y", "\u202e", "\u2066", "\u200f", "\u2069"}
	for i, p := range pieces {
		for _, q := range pieces[i:] {
			s := p + q + p
			if got, want := debugContentLen(s), len(appendDebugContent(nil, s)); got != want {
				t.Errorf("debugContentLen(%q) = %d, want %d", s, got, want)
			}
			if got, want := safeTextLen(s), len(appendSafeText(nil, s)); got != want {
				t.Errorf("safeTextLen(%q) = %d, want %d", s, got, want)
			}
			if got, want := jsonfmt.EscapedLen(s, utf8.DecodeRuneInString), len(jsonfmt.AppendStringContent(nil, s)); got != want {
				t.Errorf("jsonfmt.EscapedLen(%q) = %d, want %d", s, got, want)
			}
		}
	}
}
