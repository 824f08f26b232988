package jsonfmt

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxDepth is how many arrays and objects serde_json lets a value nest: its
// parser starts with a remaining depth of 128 and fails when an opening
// bracket brings it to 0, so 127 levels parse and 128 do not.
const maxDepth = 127

// AppendJSONText appends the JSON value that s holds, when the whole of s
// (JSON whitespace around it allowed) is a JSON text as serde_json parses it
// into a serde_json::Value, written back as serde_json writes that Value:
// compact, object keys sorted byte-wise with the last of equal keys kept,
// strings re-escaped, numbers re-printed (integers that fit u64 or i64 as
// integers, every other number as an f64, "-0" as -0.0). It reports false,
// appending nothing, for anything else: invalid JSON, nesting deeper than
// serde_json's limit, a number serde_json finds out of range (1e400).
//
// A string whose first non-space byte cannot start a JSON value costs one
// byte test; a rejected string never allocates. Invalid UTF-8 inside a JSON
// string is taken as U+FFFD, as it would be in a Rust &str.
func AppendJSONText[S ~string | ~[]byte](dst []byte, s S) ([]byte, bool) {
	i := skipSpace(s, 0)
	if i == len(s) || !startsValue[s[i]] {
		return dst, false
	}
	if !validJSON(s, i) {
		return dst, false
	}
	r := reader[S]{s: s, i: i}
	return r.value(dst), true
}

var startsValue = func() (t [256]bool) {
	for _, c := range []byte(`{["-0123456789tfn`) {
		t[c] = true
	}
	return t
}()

func skipSpace[S ~string | ~[]byte](s S, i int) int {
	for i < len(s) {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// validJSON checks that s[i:] is one JSON value and trailing whitespace,
// without recursion or allocation: the open containers are kept in a
// fixed-size stack.
func validJSON[S ~string | ~[]byte](s S, i int) bool {
	var open [maxDepth]byte
	depth := 0
	for {
		// A value starts at s[i] (whitespace skipped).
		if i >= len(s) {
			return false
		}
		switch c := s[i]; c {
		case '{', '[':
			if depth == maxDepth {
				return false
			}
			open[depth] = c
			depth++
			i = skipSpace(s, i+1)
			if i < len(s) && s[i] == c+2 { // '}' or ']'
				depth--
				i++
				break
			}
			if c == '{' {
				if i = objectKey(s, i); i < 0 {
					return false
				}
			}
			continue
		case '"':
			if i = scanString(s, i, nil); i < 0 {
				return false
			}
		case 't':
			if i = literal(s, i, "true"); i < 0 {
				return false
			}
		case 'f':
			if i = literal(s, i, "false"); i < 0 {
				return false
			}
		case 'n':
			if i = literal(s, i, "null"); i < 0 {
				return false
			}
		default:
			var n number
			if i = scanNumber(s, i, &n); i < 0 {
				return false
			}
		}
		// After a value: close containers, or a comma and the next value.
		for {
			i = skipSpace(s, i)
			if depth == 0 {
				return i == len(s)
			}
			if i >= len(s) {
				return false
			}
			top := open[depth-1]
			if s[i] == top+2 {
				depth--
				i++
				continue
			}
			if s[i] != ',' {
				return false
			}
			i = skipSpace(s, i+1)
			if top == '{' {
				if i = objectKey(s, i); i < 0 {
					return false
				}
			}
			break
		}
	}
}

// objectKey scans `"key" :` and the whitespace after it; -1 if it is not
// there.
func objectKey[S ~string | ~[]byte](s S, i int) int {
	if i >= len(s) || s[i] != '"' {
		return -1
	}
	if i = scanString(s, i, nil); i < 0 {
		return -1
	}
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != ':' {
		return -1
	}
	return skipSpace(s, i+1)
}

func literal[S ~string | ~[]byte](s S, i int, lit string) int {
	if len(s)-i < len(lit) || string(s[i:i+len(lit)]) != lit {
		return -1
	}
	return i + len(lit)
}

// scanString scans the JSON string starting at s[i] (the quote) and returns
// the index after its closing quote, or -1 where serde_json fails: a control
// character, a bad escape, a surrogate escape without its pair. With out
// non-nil it also appends the decoded text to *out, invalid UTF-8 as U+FFFD.
func scanString[S ~string | ~[]byte](s S, i int, out *[]byte) int {
	i++
	last := i
	flush := func(to int) {
		if out != nil {
			*out = appendLossy(*out, s[last:to])
		}
	}
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			flush(i)
			return i + 1
		case c < 0x20:
			return -1
		case c != '\\':
			i++
			continue
		}
		flush(i)
		if i+1 >= len(s) {
			return -1
		}
		var r rune
		switch s[i+1] {
		case '"', '\\', '/':
			r = rune(s[i+1])
		case 'b':
			r = '\b'
		case 'f':
			r = '\f'
		case 'n':
			r = '\n'
		case 'r':
			r = '\r'
		case 't':
			r = '\t'
		case 'u':
			hi, ok := hex4(s, i+2)
			if !ok {
				return -1
			}
			r = hi
			i += 4
			switch {
			case hi >= 0xdc00 && hi <= 0xdfff:
				return -1 // a trailing surrogate first
			case hi >= 0xd800 && hi <= 0xdbff:
				if i+2 >= len(s) || s[i+2] != '\\' || i+3 >= len(s) || s[i+3] != 'u' {
					return -1
				}
				lo, ok := hex4(s, i+4)
				if !ok || lo < 0xdc00 || lo > 0xdfff {
					return -1
				}
				r = (hi-0xd800)<<10 | (lo - 0xdc00) + 0x10000
				i += 6
			}
		default:
			return -1
		}
		if out != nil {
			*out = utf8.AppendRune(*out, r)
		}
		i += 2
		last = i
	}
	return -1
}

func hex4[S ~string | ~[]byte](s S, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for k := i; k < i+4; k++ {
		c := s[k]
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// appendLossy appends s with each byte that starts no valid UTF-8 sequence
// replaced by U+FFFD.
func appendLossy[S ~string | ~[]byte](dst []byte, s S) []byte {
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(string(s[:min(len(s), utf8.UTFMax)]))
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, "\uFFFD"...)
		} else {
			dst = append(dst, s[:size]...)
		}
		s = s[size:]
	}
	return dst
}

// number is a JSON number as serde_json's parser (without its
// float_roundtrip and arbitrary_precision features) reads it.
type number struct {
	kind byte // 'u' u64, 'i' i64, 'f' f64
	u    uint64
	i    int64
	f    float64
}

// scanNumber reads the number at s[i] into n and returns the index after
// it, or -1 where serde_json fails: bad grammar ("01", "1.", "+1", ".5"), or
// an f64 out of range ("1e400"). It follows serde_json's de.rs: digits
// accumulate into a u64 significand; past u64 the further integer digits
// only raise the exponent and further fraction digits are dropped; the f64
// is significand × or ÷ a power of ten, as serde_json computes it.
func scanNumber[S ~string | ~[]byte](s S, i int, n *number) int {
	positive := true
	if s[i] == '-' {
		positive = false
		i++
	}
	if i >= len(s) {
		return -1
	}
	var sig uint64
	exp := 0
	isFloat := false
	switch c := s[i]; {
	case c == '0':
		i++
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			return -1
		}
	case c >= '1' && c <= '9':
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			d := uint64(s[i] - '0')
			if overflows(sig, d) {
				isFloat = true // serde_json's parse_long_integer
				for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
					exp++
				}
				break
			}
			sig = sig*10 + d
		}
	default:
		return -1
	}
	if i < len(s) && s[i] == '.' {
		isFloat = true
		i++
		start := i
		dropping := false
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			d := uint64(s[i] - '0')
			if dropping || overflows(sig, d) {
				dropping = true
				continue
			}
			sig = sig*10 + d
			exp--
		}
		if i == start {
			return -1
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		isFloat = true
		i++
		positiveExp := true
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			positiveExp = s[i] == '+'
			i++
		}
		if i >= len(s) || s[i] < '0' || s[i] > '9' {
			return -1
		}
		e := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			d := int(s[i] - '0')
			if e >= math.MaxInt32/10 && (e > math.MaxInt32/10 || d > math.MaxInt32%10) {
				// serde_json's parse_exponent_overflow: ±0 for a zero
				// significand or a negative exponent, else out of range.
				if sig != 0 && positiveExp {
					return -1
				}
				for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
				}
				n.kind, n.f = 'f', 0
				if !positive {
					n.f = math.Copysign(0, -1)
				}
				return i
			}
			e = e*10 + d
		}
		if positiveExp {
			exp = saturatingAdd(exp, e)
		} else {
			exp = saturatingAdd(exp, -e)
		}
	}
	switch {
	case isFloat:
		f, ok := f64FromParts(sig, exp)
		if !ok {
			return -1
		}
		if !positive {
			f = -f
		}
		n.kind, n.f = 'f', f
	case positive:
		n.kind, n.u = 'u', sig
	case sig == 0 || sig > 1<<63:
		// "-0", and negatives below i64: an f64, as serde_json does.
		n.kind, n.f = 'f', -float64(sig)
	default:
		n.kind, n.i = 'i', int64(-sig)
	}
	return i
}

func overflows(sig, d uint64) bool {
	return sig >= math.MaxUint64/10 && (sig > math.MaxUint64/10 || d > math.MaxUint64%10)
}

func saturatingAdd(a, b int) int {
	// serde_json keeps exponents in an i32 and adds with saturation.
	s := int64(a) + int64(b)
	return int(max(min(s, math.MaxInt32), math.MinInt32))
}

// pow10 is serde_json's POW10 table, 1e0 through 1e308.
var pow10 = func() (t [309]float64) {
	for i := range t {
		t[i], _ = strconv.ParseFloat("1e"+strconv.Itoa(i), 64)
	}
	return t
}()

// f64FromParts is serde_json's f64_from_parts without float_roundtrip: the
// significand as an f64, multiplied or divided by one power of ten (several
// for exponents past 308). It is not always the nearest f64 to the decimal,
// and neither is serde_json's; false where the product overflows.
func f64FromParts(sig uint64, exp int) (float64, bool) {
	f := float64(sig)
	for {
		a := exp
		if a < 0 {
			a = -a
		}
		if a < len(pow10) {
			if exp >= 0 {
				f *= pow10[a]
				if math.IsInf(f, 0) {
					return 0, false
				}
			} else {
				f /= pow10[a]
			}
			return f, true
		}
		if f == 0 {
			return f, true
		}
		if exp >= 0 {
			return 0, false
		}
		f /= 1e308
		exp += 308
	}
}

// reader writes a validated JSON text back in serde_json's form.
type reader[S ~string | ~[]byte] struct {
	s S
	i int
}

type member struct {
	key        string
	start, end int // the value's bytes in the object's scratch buffer
}

// value appends the value at r.i, which validJSON accepted, so neither
// errors nor depth need checking here.
func (r *reader[S]) value(dst []byte) []byte {
	r.i = skipSpace(r.s, r.i)
	switch r.s[r.i] {
	case '{':
		return r.object(dst)
	case '[':
		dst = append(dst, '[')
		r.i = skipSpace(r.s, r.i+1)
		if r.s[r.i] == ']' {
			r.i++
			return append(dst, ']')
		}
		for {
			dst = r.value(dst)
			r.i = skipSpace(r.s, r.i)
			if r.s[r.i] == ']' {
				r.i++
				return append(dst, ']')
			}
			r.i++ // ','
			dst = append(dst, ',')
		}
	case '"':
		var text []byte
		r.i = scanString(r.s, r.i, &text)
		return AppendBytes(dst, text)
	case 't':
		r.i += 4
		return append(dst, "true"...)
	case 'f':
		r.i += 5
		return append(dst, "false"...)
	case 'n':
		r.i += 4
		return append(dst, "null"...)
	}
	var n number
	r.i = scanNumber(r.s, r.i, &n)
	switch n.kind {
	case 'u':
		return strconv.AppendUint(dst, n.u, 10)
	case 'i':
		return strconv.AppendInt(dst, n.i, 10)
	}
	return AppendFloat64(dst, n.f)
}

// object writes an object with its keys sorted byte-wise and, of equal
// keys, the last one's value: serde_json's Map is a BTreeMap.
func (r *reader[S]) object(dst []byte) []byte {
	var members []member
	var vals []byte
	r.i = skipSpace(r.s, r.i+1)
	for r.s[r.i] != '}' {
		var key []byte
		r.i = scanString(r.s, r.i, &key)
		r.i = skipSpace(r.s, r.i) + 1 // ':'
		start := len(vals)
		vals = r.value(vals)
		members = append(members, member{key: string(key), start: start, end: len(vals)})
		r.i = skipSpace(r.s, r.i)
		if r.s[r.i] == ',' {
			r.i = skipSpace(r.s, r.i+1)
		}
	}
	r.i++
	slices.SortStableFunc(members, func(a, b member) int { return strings.Compare(a.key, b.key) })
	dst = append(dst, '{')
	first := true
	for k, m := range members {
		if k+1 < len(members) && members[k+1].key == m.key {
			continue // a later value for the same key wins
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = AppendString(dst, m.key)
		dst = append(dst, ':')
		dst = append(dst, vals[m.start:m.end]...)
	}
	return append(dst, '}')
}
