package main

import (
	"encoding/json"
	"regexp"
	"strconv"
)

// hexPattern is the pattern of a subschema quickCheck knows: N lowercase
// hex digits.
var hexPattern = regexp.MustCompile(`^\^\[a-f0-9\]\{([0-9]+)\}\$$`)

// quickCheck returns, for a subschema document of one of the shapes the
// line schema gives its keys, a check that reports true only for values the
// subschema accepts (raw is valid JSON, checked before), so that the
// library need not see them; a value it does not pass goes to the library,
// which has the last word and the error's text. For any other subschema
// it returns nil. The shapes:
//
//	{"type": "string"}
//	{"type": "string", "pattern": "^[a-f0-9]{N}$"}
//	{"type": "string", "format": "date-time"}
//	{"type": "integer"} and {"type": "integer", "minimum": 0}
func quickCheck(doc any) func(raw []byte) bool {
	m, ok := doc.(map[string]any)
	if !ok {
		return nil
	}
	typ, _ := m["type"].(string)
	switch {
	case typ == "string" && len(m) == 1:
		return func(raw []byte) bool { return raw[0] == '"' }
	case typ == "string" && len(m) == 2 && m["format"] == "date-time":
		return func(raw []byte) bool { return isPlainDateTime(raw) }
	case typ == "string" && len(m) == 2:
		p, _ := m["pattern"].(string)
		sub := hexPattern.FindStringSubmatch(p)
		if sub == nil {
			return nil
		}
		n, err := strconv.Atoi(sub[1])
		if err != nil {
			return nil
		}
		return func(raw []byte) bool { return isQuotedHex(raw, n) }
	case typ == "integer" && len(m) == 1:
		return func(raw []byte) bool { return isIntegerLiteral(raw, true) }
	case typ == "integer" && len(m) == 2 && isZero(m["minimum"]):
		return func(raw []byte) bool { return isIntegerLiteral(raw, false) }
	}
	return nil
}

func isZero(v any) bool {
	switch v := v.(type) {
	case json.Number:
		return v == "0"
	case float64:
		return v == 0
	case int:
		return v == 0
	}
	return false
}

// isIntegerLiteral reports whether raw, a JSON value, is an integer without
// fraction or exponent (negative only if negative).
func isIntegerLiteral(raw []byte, negative bool) bool {
	if len(raw) > 0 && raw[0] == '-' {
		if !negative {
			return false
		}
		raw = raw[1:]
	}
	if len(raw) == 0 {
		return false
	}
	for _, c := range raw {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// isQuotedHex reports whether raw is a JSON string of exactly n lowercase
// hex digits, written without escapes.
func isQuotedHex(raw []byte, n int) bool {
	if len(raw) != n+2 || raw[0] != '"' || raw[n+1] != '"' {
		return false
	}
	for _, c := range raw[1 : n+1] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// isPlainDateTime reports whether raw is a JSON string, without escapes,
// of the form 2006-01-02T15:04:05[.fraction]Z with every field in range and
// a day no later than the 28th: a subset of RFC 3339 date-times that needs
// no calendar (other days go to the library).
func isPlainDateTime(raw []byte) bool {
	n := len(raw)
	if n < len(`"2006-01-02T15:04:05Z"`) || raw[0] != '"' || raw[n-1] != '"' || raw[n-2] != 'Z' {
		return false
	}
	b := raw[1 : n-2]
	digits := func(i, j int) (int, bool) {
		v := 0
		for _, c := range b[i:j] {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	if b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return false
	}
	_, okY := digits(0, 4)
	month, okM := digits(5, 7)
	day, okD := digits(8, 10)
	hour, okH := digits(11, 13)
	minute, okMin := digits(14, 16)
	second, okS := digits(17, 19)
	if !(okY && okM && okD && okH && okMin && okS) || month < 1 || month > 12 || day < 1 || day > 28 ||
		hour > 23 || minute > 59 || second > 59 {
		return false
	}
	if frac := b[19:]; len(frac) > 0 {
		if len(frac) < 2 || frac[0] != '.' {
			return false
		}
		if _, ok := digits(20, len(b)); !ok {
			return false
		}
	}
	return true
}
