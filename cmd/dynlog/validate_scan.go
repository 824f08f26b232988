package main

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// errScan is the error of a line the scanner cannot read, which
// [logfile.Valid] let through.
var errScan = errors.New("cannot read the object")

// keyScanner walks the top-level keys of one JSON object already checked
// by [logfile.Valid], giving each key and its value as written, so that
// only the values the schema looks at need decoding ([decodeValue]).
type keyScanner struct {
	b []byte
	i int
}

// newKeyScanner returns a scanner before the first key of the object line.
func newKeyScanner(line []byte) (keyScanner, error) {
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return keyScanner{}, errScan
	}
	return keyScanner{line, i + 1}, nil
}

// next returns the next key, unquoted, and its raw value; ok is false at
// the end of the object.
func (s *keyScanner) next() (key, raw []byte, ok bool, err error) {
	b := s.b
	i := skipSpace(b, s.i)
	if i < len(b) && b[i] == ',' {
		i = skipSpace(b, i+1)
	}
	if i >= len(b) {
		return nil, nil, false, errScan
	}
	if b[i] == '}' {
		return nil, nil, false, nil
	}
	keyEnd := endOfValue(b, i)
	if keyEnd < 0 {
		return nil, nil, false, errScan
	}
	colon := skipSpace(b, keyEnd)
	if colon >= len(b) || b[colon] != ':' {
		return nil, nil, false, errScan
	}
	start := skipSpace(b, colon+1)
	end := endOfValue(b, start)
	if end < 0 {
		return nil, nil, false, errScan
	}
	key, ok = unquote(b[i:keyEnd])
	if !ok {
		return nil, nil, false, errScan
	}
	s.i = end
	return key, b[start:end], true, nil
}

// skipSpace returns the index of the first byte from i on that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// endOfValue returns the index just past the JSON value that starts at i,
// or -1.
func endOfValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return -1
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end := endOfValue(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && !bytes.ContainsRune([]byte(",}] \t\r\n"), rune(b[j])) {
		j++
	}
	return j
}

// unquote returns the text of a JSON string without allocating when it has
// no escapes.
func unquote(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return nil, false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return []byte(s), true
}

// decodeValue decodes raw, one JSON value, as the library's own decoder
// would: numbers as [json.Number].
func decodeValue(raw []byte) (any, error) {
	switch raw[0] {
	case '"':
		s, ok := unquote(raw)
		if !ok {
			return nil, errScan
		}
		return string(s), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	case '{', '[':
		return jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	}
	return json.Number(raw), nil
}
