package logfile

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
	"unsafe"
)

// Decode reads one JSONL line. It fails only when the line is not one JSON
// object (wrapping ErrNotObject when it is other JSON); a line it decodes
// may still break the line schema. Invalid UTF-8 in strings becomes U+FFFD.
//
// It checks the line as strictly as encoding/json does in one pass over a
// copy of the line, which the record's strings and raw values share: one
// allocation for a line without escapes.
func Decode(line []byte) (Record, error) {
	var rec Record
	d := decoder{b: line}
	i := d.space(0)
	if i == len(line) {
		return rec, errors.New("not JSON: EOF")
	}
	if line[i] != '{' {
		end := d.value(i, 0)
		if end >= 0 && d.space(end) == len(line) {
			return rec, fmt.Errorf("%w: %s", ErrNotObject, kindOfByte(line[i]))
		}
		return rec, errors.New("not JSON: not one complete JSON value")
	}
	// One pass checks the line and notes where each member's key and
	// value lie; then a copy that the record keeps is cut at those places.
	var stack [24]member
	members := stack[:0]
	j := d.space(i + 1)
	end := -1
	if j < len(line) && line[j] == '}' {
		end = j + 1
	}
	for end < 0 {
		var m member
		if j >= len(line) || line[j] != '"' {
			return rec, errors.New("not JSON: object key is not a string")
		}
		m.keyStart = j
		if j = d.str(j); j < 0 {
			return rec, errors.New("not JSON: " + d.why)
		}
		m.keyEnd, m.keyPlain = j, d.plain
		j = d.space(j)
		if j >= len(line) || line[j] != ':' {
			return rec, errors.New("not JSON: missing ':' after object key")
		}
		j = d.space(j + 1)
		m.valueStart = j
		d.plain = false
		if j = d.value(j, 1); j < 0 {
			return rec, errors.New("not JSON: " + d.why)
		}
		m.valueEnd, m.valuePlain = j, d.plain && line[m.valueStart] == '"'
		members = append(members, m)
		j = d.space(j)
		switch {
		case j >= len(line):
			return rec, errors.New("not JSON: unexpected end of JSON input")
		case line[j] == '}':
			end = j + 1
		case line[j] == ',':
			j = d.space(j + 1)
		default:
			return rec, fmt.Errorf("not JSON: invalid character %q after an object value", line[j])
		}
	}
	if d.space(end) != len(line) {
		return rec, errors.New("not JSON: data after the object")
	}
	if len(members) == 0 {
		return rec, nil
	}
	own := make([]byte, end-i)
	copy(own, line[i:end])
	for _, m := range members {
		key := stringIn(own[m.keyStart-i:m.keyEnd-i], m.keyPlain)
		raw := json.RawMessage(own[m.valueStart-i : m.valueEnd-i : m.valueEnd-i])
		if rec.set(key, raw, m.valuePlain) {
			continue
		}
		if rec.Fields == nil {
			rec.Fields = make([]Field, 0, len(members))
		}
		rec.addField(key, raw)
	}
	return rec, nil
}

// member is where a key and its value lie in a line; plain marks a string
// without escapes or bytes beyond ASCII.
type member struct {
	keyStart, keyEnd, valueStart, valueEnd int
	keyPlain, valuePlain                   bool
}

func kindOfByte(c byte) string {
	switch c {
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// maxDepth is how deep arrays and objects may nest, as in encoding/json.
const maxDepth = 10000

// decoder scans JSON text in b.
type decoder struct {
	b     []byte
	why   string // what made value fail
	plain bool   // the last string str read has no escapes and is ASCII
}

func (d *decoder) space(i int) int {
	b := d.b
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

func (d *decoder) fail(why string) int {
	d.why = why
	return -1
}

// value returns the index just past the valid JSON value at i, or -1 with
// why set. depth is the nesting of the value.
func (d *decoder) value(i, depth int) int {
	b := d.b
	if i >= len(b) {
		return d.fail("unexpected end of JSON input")
	}
	switch c := b[i]; {
	case c == '"':
		return d.str(i)
	case c == '{' || c == '[':
		if depth >= maxDepth {
			return d.fail("exceeded max depth")
		}
		closer := byte('}')
		if c == '[' {
			closer = ']'
		}
		j := d.space(i + 1)
		if j < len(b) && b[j] == closer {
			return j + 1
		}
		for {
			if c == '{' {
				if j >= len(b) || b[j] != '"' {
					return d.fail("object key is not a string")
				}
				if j = d.str(j); j < 0 {
					return -1
				}
				j = d.space(j)
				if j >= len(b) || b[j] != ':' {
					return d.fail("missing ':' after object key")
				}
				j = d.space(j + 1)
			}
			if j = d.value(j, depth+1); j < 0 {
				return -1
			}
			j = d.space(j)
			if j >= len(b) {
				return d.fail("unexpected end of JSON input")
			}
			if b[j] == closer {
				return j + 1
			}
			if b[j] != ',' {
				return d.fail(fmt.Sprintf("invalid character %q after a value", b[j]))
			}
			j = d.space(j + 1)
		}
	case c == 't':
		return d.literal(i, "true")
	case c == 'f':
		return d.literal(i, "false")
	case c == 'n':
		return d.literal(i, "null")
	case c == '-' || c >= '0' && c <= '9':
		return d.number(i)
	default:
		return d.fail(fmt.Sprintf("invalid character %q looking for a value", c))
	}
}

func (d *decoder) literal(i int, word string) int {
	if len(d.b)-i < len(word) || string(d.b[i:i+len(word)]) != word {
		return d.fail("invalid literal")
	}
	return i + len(word)
}

// str returns the index past the string at i (at its quote), setting
// plain.
func (d *decoder) str(i int) int {
	b := d.b
	plain := true
	for j := i + 1; j < len(b); j++ {
		// Eight bytes at a time while none is one to stop at.
		for len(b)-j >= 8 && !stopsString(binary.LittleEndian.Uint64(b[j:])) {
			j += 8
		}
		if j >= len(b) {
			break
		}
		c := b[j]
		if stringByte[c] == 0 {
			continue
		}
		switch {
		case c == '"':
			d.plain = plain
			return j + 1
		case c < 0x20:
			return d.fail("control character in a string")
		case c >= utf8.RuneSelf:
			plain = false
		default: // '\\'
			plain = false
			j++
			if j >= len(b) {
				return d.fail("unexpected end of JSON input")
			}
			switch b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if len(b)-j < 5 || !isHex(b[j+1]) || !isHex(b[j+2]) || !isHex(b[j+3]) || !isHex(b[j+4]) {
					return d.fail("invalid \\u escape")
				}
				j += 4
			default:
				return d.fail("invalid escape in a string")
			}
		}
	}
	return d.fail("unexpected end of JSON input")
}

// stopsString reports whether any of the eight bytes in w is one that
// stringByte marks: a quote, a backslash, a control or a byte beyond ASCII.
func stopsString(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	hasZero := func(x uint64) uint64 { return (x - ones) &^ x & highs }
	return (w&highs | (w-0x20*ones)&^w&highs | hasZero(w^'"'*ones) | hasZero(w^'\\'*ones)) != 0
}

// stringByte marks the bytes a string's scan stops at: the quote, the
// backslash, controls, and bytes beyond ASCII.
var stringByte = func() (t [256]byte) {
	for c := range 256 {
		if c == '"' || c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			t[c] = 1
		}
	}
	return t
}()

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// number returns the index past the number at i: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (d *decoder) number(i int) int {
	b := d.b
	j := i
	if b[j] == '-' {
		j++
	}
	digits := func() bool {
		k := j
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			j++
		}
		return j > k
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case !digits():
		return d.fail("invalid number")
	}
	if j < len(b) && b[j] == '.' {
		j++
		if !digits() {
			return d.fail("invalid number")
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if !digits() {
			return d.fail("invalid number")
		}
	}
	return j
}

// stringIn returns the text of raw, a valid JSON string in a buffer that is
// never written again: when plain (no escapes, ASCII) or in valid UTF-8
// without escapes, the buffer's own bytes, not copied.
func stringIn(raw []byte, plain bool) string {
	body := raw[1 : len(raw)-1]
	if len(body) == 0 {
		return ""
	}
	if plain || bytes.IndexByte(body, '\\') < 0 && utf8.Valid(body) {
		return unsafe.String(&body[0], len(body))
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "" // not reached: raw is a valid string
	}
	return s
}

// Valid reports whether b is one valid JSON value, as json.Valid does, at
// the speed of Decode's checks.
func Valid(b []byte) bool {
	d := decoder{b: b}
	end := d.value(d.space(0), 0)
	return end >= 0 && d.space(end) == len(b)
}
