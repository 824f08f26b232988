// Package jsonfmt writes JSON values byte for byte as Rust's serde_json does,
// which is what Dynamo's JSONL lines are made of.
//
// zap's JSON encoder and encoding/json differ from serde_json in three ways
// that matter for exact output, and this package exists to get them right:
//
//   - Strings: serde_json escapes only '"', '\\' and U+0000–U+001F, using the
//     short forms \b \f \n \r \t and \u00xx (lowercase hex) for the rest; '/',
//     '<', '>', '&', DEL and every non-ASCII rune are written raw. Invalid
//     UTF-8 (which a Rust String cannot hold) is written as a raw U+FFFD.
//   - Floats: serde_json (since 1.0.147, through zmij) prints the shortest
//     round-trip digits with a mandatory ".0" on integral values, and switches
//     to exponent form outside 1e-5 ≤ |x| < 1e16, with a sign on the exponent
//     either way ("1e+16", "1.5e-7").
//   - NaN and ±Inf, which JSON cannot hold, are written as 0.
package jsonfmt

import (
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"
)

const hex = "0123456789abcdef"

// safe[b] is true for the ASCII bytes that serde_json writes unchanged.
var safe = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

// AppendString appends s as a quoted JSON string.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	// Most strings of a line are short and plain (keys, names, ids): their
	// plain start is copied as is, and what follows, if anything, escaped.
	if len(s) < LongText {
		n := plainLen(s)
		dst = append(dst, s[:n]...)
		s = s[n:]
		if len(s) == 0 {
			return append(dst, '"')
		}
	}
	dst = appendEscaped(dst, s, utf8.DecodeRuneInString)
	return append(dst, '"')
}

// plainLen is the length of the start of s that JSON writes as is: ASCII
// other than control characters, '"' and '\\'. It ends on a rune boundary,
// every byte before it being ASCII.
func plainLen(s string) int {
	i := 0
	for i+8 <= len(s) && plain8(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
		uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
		i += 8
	}
	for i < len(s) && s[i] < utf8.RuneSelf && safe[s[i]] {
		i++
	}
	return i
}

// AppendStringContent appends s escaped for the inside of a JSON string,
// without the surrounding quotes.
func AppendStringContent(dst []byte, s string) []byte {
	return appendEscaped(dst, s, utf8.DecodeRuneInString)
}

// AppendBytes appends b, read as UTF-8 text, as a quoted JSON string.
func AppendBytes(dst []byte, b []byte) []byte {
	dst = append(dst, '"')
	dst = appendEscaped(dst, b, utf8.DecodeRune)
	return append(dst, '"')
}

// plain8 reports whether the eight bytes of w are all ASCII that JSON
// writes as is: none at or above 0x80, below 0x20, '"' or '\\'. A false
// answer may be wrong (the byte loop then looks at each byte); a true one
// never is: the tests for a zero or small byte can report one where there
// is none, above a byte that is, but never miss one.
func plain8(w uint64) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	zeroIn := func(v uint64) uint64 { return (v - ones) & ^v & highs }
	return (w&highs |
		(w-0x20*ones)&^w&highs |
		zeroIn(w^('"'*ones)) |
		zeroIn(w^('\\'*ones))) == 0
}

// appendEscaped serves strings and byte slices alike; decode is the matching
// utf8 decoder, passed in so neither form is converted to the other.
func appendEscaped[S ~string | ~[]byte](dst []byte, s S, decode func(S) (rune, int)) []byte {
	if len(s) >= LongText && cap(dst)-len(dst) < len(s) {
		dst = Grow(dst, EscapedLen(s, decode))
	}
	last := 0
	for i := 0; i < len(s); {
		// Runs of plain ASCII, the usual text, eight bytes at a time.
		for i+8 <= len(s) && plain8(uint64(s[i])|uint64(s[i+1])<<8|uint64(s[i+2])<<16|uint64(s[i+3])<<24|
			uint64(s[i+4])<<32|uint64(s[i+5])<<40|uint64(s[i+6])<<48|uint64(s[i+7])<<56) {
			i += 8
		}
		if i == len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if safe[c] {
				i++
				continue
			}
			dst = append(dst, s[last:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			last = i
			continue
		}
		r, size := decode(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[last:i]...)
			dst = append(dst, "\uFFFD"...)
			i++
			last = i
			continue
		}
		i += size
	}
	return append(dst, s[last:]...)
}

// LongText is the length from which a writer of escaped text that finds no
// room for it measures what it will write and makes room first: a long
// value then costs one allocation of its escaped size, not a series of ever
// larger ones (append grows a large slice by a quarter at a time, which
// allocates about five times the final size on the way). A caller that made
// room for the escaped text (EscapedLen) saves the measuring.
const LongText = 4 << 10

// Grow returns b with room for n more bytes, in one allocation when it has
// not, with growSlack bytes to spare for what usually follows a long text
// (a closing quote, a few short fields). Unlike slices.Grow it never
// allocates a temporary slice of n bytes, which slices.Grow does where the
// compiler does not elide it (under the race detector).
func Grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b
	}
	grown := make([]byte, len(b), len(b)+n+growSlack)
	copy(grown, b)
	return grown
}

const growSlack = 4 << 10

// EscapedLen is the number of bytes appendEscaped writes for s.
func EscapedLen[S ~string | ~[]byte](s S, decode func(S) (rune, int)) int {
	n := len(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if !safe[c] {
				switch c {
				case '"', '\\', '\b', '\f', '\n', '\r', '\t':
					n++
				default:
					n += 5
				}
			}
			i++
			continue
		}
		r, size := decode(s[i:])
		if r == utf8.RuneError && size == 1 {
			n += 2 // one byte becomes the three of U+FFFD
		}
		i += size
	}
	return n
}

// The plain-decimal ranges of the layouts, as appendShortest's bounds on kk
// (value = 0.d1…dn × 10^kk): plain when lo < kk ≤ hi.
var (
	serdeF64 = layout{hi: 16, lo: -5, plusExp: true} // 1e-5 ≤ |x| < 1e16
	serdeF32 = layout{hi: 13, lo: -6, plusExp: true} // 1e-6 ≤ |x| < 1e13
	rustDbg  = layout{hi: 16, lo: -4, tieUp: true}   // 1e-4 ≤ |x| < 1e16
)

type layout struct {
	hi, lo  int
	plusExp bool // "e+16" rather than "e16"
	// tieUp: of two shortest candidates equally near the value, take the
	// one of larger magnitude, as Rust's formatter does; serde_json, like
	// strconv, takes the even one.
	tieUp bool
}

// AppendFloat64 appends f as serde_json prints an f64.
func AppendFloat64(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, '0')
	}
	return appendShortest(dst, f, 64, serdeF64)
}

// AppendFloat32 appends f as serde_json prints an f32: the shortest digits
// that round-trip through float32, in zmij's f32 layout, whose plain-decimal
// range is 1e-6 ≤ |x| < 1e13 rather than the f64 1e-5 ≤ |x| < 1e16 (ryu's
// f32 layout had the same range; zmij added the '+').
func AppendFloat32(dst []byte, f float32) []byte {
	f64 := float64(f)
	if math.IsNaN(f64) || math.IsInf(f64, 0) {
		return append(dst, '0')
	}
	if math.Float32bits(f)&0x7fffffff == 0x39800000 {
		return appendTieFloat32(dst, f)
	}
	return appendShortest(dst, f64, 32, serdeF32)
}

// AppendDebugFloat64 appends f as Rust's {:?} prints an f64: the shortest
// round-trip digits, plain with a mandatory ".0" when 1e-4 ≤ |x| < 1e16,
// else exponent form without '+' ("1e16", "1e-5"); NaN, inf and -inf.
func AppendDebugFloat64(dst []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "inf"...)
	case math.IsInf(f, -1):
		return append(dst, "-inf"...)
	}
	return appendShortest(dst, f, 64, rustDbg)
}

// AppendDebugFloat32 is AppendDebugFloat64 with the shortest digits that
// round-trip through float32, as Rust's {:?} prints an f32.
func AppendDebugFloat32(dst []byte, f float32) []byte {
	f64 := float64(f)
	if math.IsNaN(f64) || math.IsInf(f64, 0) {
		return AppendDebugFloat64(dst, f64)
	}
	return appendShortest(dst, f64, 32, rustDbg)
}

// appendTieFloat32 writes ±2^-12 as serde_json does.
func appendTieFloat32(dst []byte, f float32) []byte {
	// ±2^-12 is the one float32 whose shortest digits are a tie between two
	// candidates (0.000244140625 → …062 or …063). ryu breaks it to even,
	// …062; Go's strconv (1.26, dragonbox) gives …063, because its
	// shorter-interval tie check only knows float64's exponent (-77), not
	// float32's (-35). An exhaustive comparison of all 2^32 bit patterns
	// against serde_json found no other difference.
	if f < 0 {
		dst = append(dst, '-')
	}
	return append(dst, "0.00024414062"...)
}

// appendShortest reproduces ryu's format64 (bitSize 64) and format32
// (bitSize 32): the shortest round-trip digits d1d2…dn with decimal exponent
// k (value = 0.d1…dn × 10^kk, kk = n + k), laid out as
//
//	0 ≤ k and kk ≤ hi   digits, k zeros, ".0"        1234e7  → 12340000000.0
//	0 < kk ≤ hi         digits with a point inside   1234e-2 → 12.34
//	lo < kk ≤ 0         "0.", -kk zeros, digits      1234e-6 → 0.001234
//	n == 1              d "e" (kk-1)                 1e30
//	otherwise           d "." rest "e" (kk-1)        1234e30 → 1.234e33
//
// with hi and lo from l, and a '+' before a positive exponent if l says so.
func appendShortest(dst []byte, f float64, bitSize int, l layout) []byte {
	hi, lo := l.hi, l.lo
	if f == 0 {
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	// strconv's 'e' form with precision -1 gives the same shortest digits
	// as ryu: "-d.ddddde±XX". Render it into a small stack array.
	var scratch [32]byte
	e := strconv.AppendFloat(scratch[:0], f, 'e', -1, bitSize)
	if e[0] == '-' {
		dst = append(dst, '-')
		e = e[1:]
	}
	ePos := 0
	for ePos < len(e) && e[ePos] != 'e' {
		ePos++
	}
	mantissa := e[:ePos]
	exp := parseExponent(e[ePos+1:])
	var digitBuf [24]byte
	digits := append(digitBuf[:0], mantissa[0])
	if len(mantissa) > 2 {
		digits = append(digits, mantissa[2:]...)
	}
	n := len(digits)
	if l.tieUp && (digits[n-1]-'0')%2 == 0 && isTie(f, digits, exp) {
		digits[n-1]++ // even, so no carry
	}
	kk := exp + 1 // value = 0.digits × 10^kk
	k := kk - n
	switch {
	case k >= 0 && kk <= hi:
		dst = append(dst, digits...)
		for i := 0; i < k; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, '.', '0')
	case kk > 0 && kk <= hi:
		dst = append(dst, digits[:kk]...)
		dst = append(dst, '.')
		dst = append(dst, digits[kk:]...)
	case kk > lo && kk <= 0:
		dst = append(dst, '0', '.')
		for i := 0; i < -kk; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits...)
	default:
		dst = append(dst, digits[0])
		if n > 1 {
			dst = append(dst, '.')
			dst = append(dst, digits[1:]...)
		}
		dst = append(dst, 'e')
		if l.plusExp && kk-1 > 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, int64(kk-1), 10)
	}
	return dst
}

// isTie reports whether |f| lies exactly halfway between digits×10^(exp-n+1)
// and the next n-digit decimal above it, n = len(digits): the one case where
// strconv's choice (the even candidate) can differ from Rust's (the upper).
// A tie needs the exact value to have n+1 significant digits, the last a 5;
// the rounding to n+1 digits filters cheaply, big.Rat confirms exactly. A
// float32 is exact as a float64, so one check serves both sizes.
func isTie(f float64, digits []byte, exp int) bool {
	var scratch [40]byte
	n := len(digits)
	e := strconv.AppendFloat(scratch[:0], math.Abs(f), 'e', n, 64)
	// e is "d.ddd…de±XX" with n+1 digits; compare them with digits and a 5.
	if e[0] != digits[0] || e[n+1] != '5' || (n > 1 && string(e[2:n+1]) != string(digits[1:])) {
		return false
	}
	mid := new(big.Int)
	mid.SetString(string(digits)+"5", 10)
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(exp-n))), nil)
	r := new(big.Rat)
	if exp-n >= 0 {
		r.SetInt(mid.Mul(mid, pow))
	} else {
		r.SetFrac(mid, pow)
	}
	exact := new(big.Rat).SetFloat64(math.Abs(f))
	return r.Cmp(exact) == 0
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// parseExponent reads strconv's exponent, "+XX" or "-XX".
func parseExponent(b []byte) int {
	v := 0
	for _, c := range b[1:] {
		v = v*10 + int(c-'0')
	}
	if b[0] == '-' {
		return -v
	}
	return v
}

// AppendBytesContent appends b, read as UTF-8 text, escaped for the inside
// of a JSON string, without the surrounding quotes.
func AppendBytesContent(dst []byte, b []byte) []byte {
	return appendEscaped(dst, b, utf8.DecodeRune)
}
