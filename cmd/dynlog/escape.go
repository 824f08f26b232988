package main

import (
	"strings"

	"github.com/dynlog/dynlog/internal/outside"
)

// view keeps the terminal safe: nothing from the input may reach it as a
// control sequence or turn a line around. The layouts' encoders already
// write ESC, BEL, BS, FF, DEL, the C1 controls and the bidirectional
// controls of a decoded string as \x1b … \u{9f}, \u{202e}; view escapes
// what they leave raw (the other C0 controls but tab and newline) before a
// string reaches them, and every control, C1 character, bidirectional
// control and invalid UTF-8 byte of a line it passes through. --raw turns
// both off.

const hexDigits = "0123456789abcdef"

// needsPreEscape reports whether c is a C0 control that the encoders write
// raw and view escapes first: all but tab and newline, and those the
// encoders escape themselves (ESC, BEL, BS, FF).
func needsPreEscape(c byte) bool {
	if c >= 0x20 {
		return false
	}
	switch c {
	case '\t', '\n', 0x1b, 0x07, 0x08, 0x0c:
		return false
	}
	return true
}

// preEscape returns s with the C0 controls that the encoders write raw as
// \r or \xhh; s itself when it holds none.
func preEscape(s string) string {
	i := 0
	for i < len(s) && !needsPreEscape(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case !needsPreEscape(c):
			b.WriteByte(c)
		case c == '\r':
			b.WriteString(`\r`)
		default:
			b.Write([]byte{'\\', 'x', hexDigits[c>>4], hexDigits[c&0xf]})
		}
	}
	return b.String()
}

// appendSafeLine appends line, a line that is not a record, with every
// control escaped as outside.Append escapes it: C0 controls but tab as \r
// or \xhh, DEL as \x7f, C1 characters as \u{hh}, the bidirectional
// controls as \u{hhhh} (U+200E, U+200F, U+202A to U+202E, U+2066 to
// U+2069) and bytes that are not UTF-8 as \xhh. Everything else, printable
// UTF-8 included, is copied as it is.
func appendSafeLine(b, line []byte) []byte { return outside.Append(b, line) }
