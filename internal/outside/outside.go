// Package outside makes text that came from outside the program safe to
// put into dynlog's own reports: a collector's answer, a file name, a
// variable's value, a header. Such a report is one line on the error
// output, in whatever layout the logger writes; text from outside must not
// break it into two (a forged record after a newline), drive the terminal
// (ESC, the C1 controls), reorder what an operator reads (the
// bidirectional controls), or make it as long as the outsider likes.
//
// [Text] escapes every such character and cuts what is longer than
// [MaxLen] bytes, saying how much was cut; [Quote] is the same for a value
// shown in Go's double-quoted form (%q), which escapes them already;
// [Append] escapes as Text does, without cutting, for a whole line.
package outside

import (
	"strconv"
	"unicode/utf8"
)

// MaxLen is how many bytes of one outside text a report keeps: enough for a
// path, a URL or the first lines of an error body; the rest is cut and
// replaced by a marker that says how many bytes were cut.
const MaxLen = 512

// Text returns s escaped and cut to [MaxLen] bytes, as [Cut] does.
func Text(s string) string { return Cut(s, MaxLen) }

// Cut returns s as one line that drives no terminal, escaped as [Append]
// escapes it. When s is longer than max bytes, only its first max bytes are
// escaped (never ending inside a character) and the marker
// "…[N bytes cut]" follows. s itself is returned when nothing needs doing.
func Cut(s string, max int) string {
	keep := s[:cutPoint(s, max)]
	if keep == s && clean(s) {
		return s
	}
	b := Append(make([]byte, 0, len(keep)+16), keep)
	if len(keep) < len(s) {
		b = append(b, cutMarker(len(s)-len(keep))...)
	}
	return string(b)
}

// Append appends s escaped, uncut: newline and carriage return as \n and
// \r, tab kept, the other C0 controls and DEL as \xhh, the C1 controls and
// the bidirectional controls (U+200E, U+200F, U+202A to U+202E, U+2066 to
// U+2069) as \u{hhhh}, each byte of invalid UTF-8 as \xhh, and a
// backslash as it is. Everything else, printable UTF-8 included, is copied.
func Append[S ~string | ~[]byte](b []byte, s S) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		r, size := rune(c), 1
		if c < utf8.RuneSelf {
			if c == '\t' || c >= 0x20 && c != 0x7f {
				i++
				continue
			}
		} else {
			r, size = decodeRune(s[i:])
			if size > 1 && r > 0x9f && !IsBidi(r) {
				i += size
				continue
			}
		}
		b = append(b, s[last:i]...)
		switch {
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case size == 1: // a C0 control, DEL or a byte of invalid UTF-8
			b = appendHex(b, c)
		default:
			b = append(b, '\\', 'u', '{')
			b = strconv.AppendUint(b, uint64(r), 16)
			b = append(b, '}')
		}
		i += size
		last = i
	}
	return append(b, s[last:]...)
}

// decodeRune decodes the first character of s. The string conversion of at
// most utf8.UTFMax bytes of a byte slice, which does not escape, does not
// allocate.
func decodeRune[S ~string | ~[]byte](s S) (rune, int) {
	if len(s) > utf8.UTFMax {
		s = s[:utf8.UTFMax]
	}
	return utf8.DecodeRuneInString(string(s))
}

// Quote returns s as Go's %q writes it (strconv.Quote: newline, controls,
// C1, the bidirectional controls and invalid UTF-8 escaped), cut to
// [MaxLen] bytes first, never inside a character; the marker
// "…[N bytes cut]" then follows the closing quote.
func Quote(s string) string {
	keep := cutPoint(s, MaxLen)
	q := strconv.Quote(s[:keep])
	if keep == len(s) {
		return q
	}
	return q + cutMarker(len(s)-keep)
}

// cutPoint is the length of the part of s that a cut to max bytes keeps:
// limit or less (0 for a negative limit), never ending inside a character.
func cutPoint(s string, limit int) int {
	if len(s) <= limit {
		return len(s)
	}
	n := max(limit, 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return n
}

// cutMarker says that n bytes were cut.
func cutMarker(n int) string { return "…[" + strconv.Itoa(n) + " bytes cut]" }

// IsBidi reports whether r is one of the bidirectional controls that can
// make a line read otherwise than it is stored (Trojan Source): the marks
// U+200E and U+200F, the embeddings and overrides U+202A to U+202E, and the
// isolates U+2066 to U+2069.
func IsBidi(r rune) bool {
	return r == 0x200e || r == 0x200f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
}

// clean reports whether s needs no escaping.
func clean(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || r <= 0x9f || IsBidi(r) {
			return false
		}
		i += size
	}
	return true
}

const hexDigits = "0123456789abcdef"

func appendHex(b []byte, c byte) []byte {
	return append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&0xf])
}
