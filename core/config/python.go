package config

import (
	"strings"
	"unicode"
)

// pythonIntIsZero reads s as Python's int(s) does, which is how vLLM reads
// VLLM_CONFIGURE_LOGGING: surrounding whitespace, one sign, decimal digits
// (any script's, as Python allows) with single underscores between them,
// leading zeros. ok is false where int() raises ValueError: an empty or
// blank value, "true", "0x1", "1.0", "1__0".
func pythonIntIsZero(s string) (zero, ok bool) {
	s = strings.TrimFunc(s, isPythonSpace)
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	zero, digits, underscore := true, 0, false
	for _, r := range s {
		switch {
		case r == '_':
			if digits == 0 || underscore {
				return false, false
			}
			underscore = true
		case unicode.Is(unicode.Nd, r):
			zero = zero && decimalValue(r) == 0
			digits++
			underscore = false
		default:
			return false, false
		}
	}
	return zero, digits > 0 && !underscore
}

// decimalValue is the value of a decimal digit r (Unicode category Nd). Every
// script's digits are encoded as runs of ten in order, 0 to 9, so it is the
// offset from the start of r's run, modulo 10.
func decimalValue(r rune) int {
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int(r-start) % 10
}

// isPythonSpace is what Python's str.strip() and int() take for
// whitespace: Unicode's, plus the four separators U+001C..U+001F.
func isPythonSpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}
