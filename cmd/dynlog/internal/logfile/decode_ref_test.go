package logfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// decodeReference is Decode as it was, on encoding/json's Decoder: the
// reference the fast Decode must agree with.
//
// It reads one JSONL line. It fails only when the line is not one JSON
// object (wrapping ErrNotObject when it is other JSON); a line it decodes
// may still break the line schema. Invalid UTF-8 in strings becomes U+FFFD.
func decodeReference(line []byte) (Record, error) {
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return rec, fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		if json.Valid(line) {
			return rec, fmt.Errorf("%w: %s", ErrNotObject, kindOf(tok))
		}
		return rec, errors.New("not JSON: not one complete JSON value")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return rec, fmt.Errorf("not JSON: %w", err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return rec, fmt.Errorf("not JSON: %w", err)
		}
		if !rec.set(key, raw, false) {
			rec.addField(key, raw)
		}
	}
	if _, err := dec.Token(); err != nil {
		return rec, fmt.Errorf("not JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return rec, errors.New("not JSON: data after the object")
	}
	return rec, nil
}

func kindOf(tok json.Token) string {
	switch tok.(type) {
	case json.Delim:
		return "an array"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	}
	return "null"
}
