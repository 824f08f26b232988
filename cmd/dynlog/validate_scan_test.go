package main

import (
	"fmt"
	"strings"
	"testing"
)

// TestKeyScanner: the scanner gives each top-level key, unquoted, with its
// value exactly as written, whatever the value holds, and stops with errScan
// where the object cannot be read.
func TestKeyScanner(t *testing.T) {
	for _, tc := range []struct {
		line string
		want string // key=raw, space-separated; or "error"
	}{
		{`{}`, ""},
		{`  { }`, ""},
		{`{"a":1}`, `a=1`},
		{`{ "a" : "x" , "b":true,"c":null }`, `a="x" b=true c=null`},
		{`{"a":-1.5e3,"b":false}`, `a=-1.5e3 b=false`},
		{`{"n":{"x":[1,{"y":"}]"}],"z":"{"},"m":2}`, `n={"x":[1,{"y":"}]"}],"z":"{"} m=2`},
		{`{"s":"a\"b\\","t":[]}`, `s="a\"b\\" t=[]`},
		{`{"\u0074ime":1,"a\/b":2}`, `time=1 a/b=2`},
		{`{"a":1,"a":2}`, `a=1 a=2`},
		{`[1]`, "error"},
		{`"x"`, "error"},
		{`{"a":1`, "error"},
		{`{"a" 1}`, "error"},
		{`{"a":"x}`, "error"},
		{`{"a":[1,2}`, "error"},
		{`{a:1}`, "error"},
	} {
		var got []string
		s, err := newKeyScanner([]byte(tc.line))
		for err == nil {
			var key, raw []byte
			var ok bool
			key, raw, ok, err = s.next()
			if !ok {
				break
			}
			got = append(got, fmt.Sprintf("%s=%s", key, raw))
		}
		have := strings.Join(got, " ")
		if err != nil {
			if err != errScan {
				t.Errorf("%s: error %v, want errScan", tc.line, err)
			}
			have = "error"
		}
		if have != tc.want {
			t.Errorf("%s: scanned %q, want %q", tc.line, have, tc.want)
		}
	}
}

func TestDecodeValue(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		want string // %T %v
	}{
		{`"x\ty"`, "string x\ty"},
		{`"plain"`, "string plain"},
		{`true`, "bool true"},
		{`false`, "bool false"},
		{`null`, "<nil> <nil>"},
		{`12345678901234567890`, "json.Number 12345678901234567890"},
		{`-1.5`, "json.Number -1.5"},
		{`[1,"a"]`, "[]interface {} [1 a]"},
		{`{"k":2}`, "map[string]interface {} map[k:2]"},
	} {
		v, err := decodeValue([]byte(tc.raw))
		if err != nil {
			t.Errorf("%s: %v", tc.raw, err)
			continue
		}
		if got := fmt.Sprintf("%T %v", v, v); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.raw, got, tc.want)
		}
	}
}
