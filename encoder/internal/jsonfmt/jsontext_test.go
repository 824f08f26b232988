package jsonfmt

import (
	"strings"
	"testing"
)

// The JSON texts and what serde_json::from_str::<Value> then
// serde_json::to_string make of them, worked out from serde_json 1.0.150's
// de.rs and ser.rs (no float_roundtrip, arbitrary_precision or
// preserve_order feature): its grammar, its number parsing (u64, then i64,
// else f64; "-0" is an f64 since 1.0.1xx), its recursion limit (127 levels
// parse, 128 fail) and its BTreeMap objects.
func TestAppendJSONText(t *testing.T) {
	tests := []struct {
		in, want string // want "" means: not JSON, stays a string
	}{
		{`123`, `123`},
		{` 42 `, `42`},
		{"\t\r\n7\n", `7`},
		{`true`, `true`},
		{`false`, `false`},
		{`null`, `null`},
		{`0`, `0`},
		{`-0`, `-0.0`},
		{`-0.0`, `-0.0`},
		{`1e2`, `100.0`},
		{`1E2`, `100.0`},
		{`1e+2`, `100.0`},
		{`2.50`, `2.5`},
		{`0.1e1`, `1.0`},
		{`1e16`, `1e+16`},
		{`1.5e-7`, `1.5e-7`},
		{`-7`, `-7`},
		{`18446744073709551615`, `18446744073709551615`},   // u64 max
		{`18446744073709551616`, `1.8446744073709552e+19`}, // past u64: f64
		{`-9223372036854775808`, `-9223372036854775808`},   // i64 min
		{`-9223372036854775809`, `-9.223372036854776e+18`}, // past i64: f64
		{`123456789012345678901234567890`, `1.2345678901234568e+29`},
		{`1e308`, `1e+308`},
		{`1e-400`, `0.0`},
		{`0e999999999999`, `0.0`},    // exponent overflow on a zero
		{`1e-999999999999`, `0.0`},   // negative exponent overflow
		{`-1e-999999999999`, `-0.0`}, // keeps its sign
		{`[]`, `[]`},
		{`{}`, `{}`},
		{`[1, 2]`, `[1,2]`},
		{` [ 1 , [ ] , { } ] `, `[1,[],{}]`},
		{`{"b":1,"a":2}`, `{"a":2,"b":1}`},
		{`{"a":1,"a":2}`, `{"a":2}`}, // the last of equal keys
		{`{"b":{"d":1,"c":[true,null]},"B":"x"}`, `{"B":"x","b":{"c":[true,null],"d":1}}`},
		{`{"é":1,"z":2,"\u0061":3}`, `{"a":3,"z":2,"é":1}`}, // byte order, escapes decoded
		{`"plain"`, `"plain"`},
		{`"a\u00e9"`, `"aé"`},
		{`"\/\b\f\n\r\t\"\\"`, `"/\b\f\n\r\t\"\\"`},
		{`"\u0000\u001F\u007f"`, "\"\\u0000\\u001f\x7f\""},
		{`"\ud83d\ude00"`, `"😀"`},
		{`"<&>` + "\u2028" + `"`, "\"<&>\u2028\""},
		{"\"\xff\"", "\"\uFFFD\""}, // invalid UTF-8 reads as U+FFFD
		// Not JSON: they stay strings.
		{``, ``},
		{`   `, ``},
		{`[1,`, ``},
		{`[1,]`, ``},
		{`{"a":1,}`, ``},
		{`{"a"}`, ``},
		{`{a:1}`, ``},
		{`{"a":1`, ``},
		{`nan`, ``},
		{`NaN`, ``},
		{`Infinity`, ``},
		{`01`, ``},
		{`-01`, ``},
		{`1.`, ``},
		{`.5`, ``},
		{`+1`, ``},
		{`-`, ``},
		{`1e`, ``},
		{`1e+`, ``},
		{`0x10`, ``},
		{`1 2`, ``},
		{`123abc`, ``},
		{`true false`, ``},
		{`truex`, ``},
		{`tru`, ``},
		{`nul`, ``},
		{`hello`, ``},
		{`"unterminated`, ``},
		{`"a` + "\n" + `b"`, ``}, // raw control character
		{`"\x"`, ``},
		{`"\u12"`, ``},
		{`"\ud800"`, ``},       // lone leading surrogate
		{`"\udc00"`, ``},       // lone trailing surrogate
		{`"\ud800\u0041"`, ``}, // leading surrogate without its pair
		{`1e400`, ``},          // serde_json: number out of range
		{`-1e400`, ``},
		{`1e999999999999`, ``},
		{"\ufeff1", ``}, // a BOM is not whitespace
		{`'a'`, ``},
		{`[1]]`, ``},
		{`{"a":1}}`, ``},
		{`]`, ``},
	}
	for _, tt := range tests {
		got, ok := AppendJSONText([]byte("k:"), tt.in)
		if tt.want == "" {
			if ok || string(got) != "k:" {
				t.Errorf("AppendJSONText(%q) = %q, %v; want not JSON, nothing appended", tt.in, got, ok)
			}
			continue
		}
		if !ok || string(got) != "k:"+tt.want {
			t.Errorf("AppendJSONText(%q) = %q, %v; want %q", tt.in, got, ok, "k:"+tt.want)
		}
		if got, ok := AppendJSONText(nil, []byte(tt.in)); !ok || string(got) != tt.want {
			t.Errorf("AppendJSONText([]byte %q) = %q, %v; want %q", tt.in, got, ok, tt.want)
		}
	}
}

func TestAppendJSONTextDepth(t *testing.T) {
	for _, tt := range []struct {
		depth int
		ok    bool
	}{{1, true}, {127, true}, {128, false}, {129, false}, {100000, false}} {
		arrays := strings.Repeat("[", tt.depth) + strings.Repeat("]", tt.depth)
		if got, ok := AppendJSONText(nil, arrays); ok != tt.ok || ok && string(got) != arrays {
			t.Errorf("%d nested arrays: ok = %v, want %v", tt.depth, ok, tt.ok)
		}
		objects := strings.Repeat(`{"a":`, tt.depth-1) + "{}" + strings.Repeat("}", tt.depth-1)
		if got, ok := AppendJSONText(nil, objects); ok != tt.ok || ok && string(got) != objects {
			t.Errorf("%d nested objects: ok = %v, want %v", tt.depth, ok, tt.ok)
		}
	}
}

func TestAppendJSONTextLarge(t *testing.T) {
	// A 1 MB JSON array of numbers, compacted.
	var b strings.Builder
	b.WriteString("[")
	for b.Len() < 1<<20 {
		b.WriteString("12345, ")
	}
	b.WriteString("0]")
	want := strings.ReplaceAll(b.String(), ", ", ",")
	got, ok := AppendJSONText(nil, b.String())
	if !ok || string(got) != want {
		t.Errorf("1 MB array: ok = %v, len %d, want len %d", ok, len(got), len(want))
	}
	// 1 MB that is not JSON, failing at its end.
	notJSON := b.String()[:b.Len()-1]
	if _, ok := AppendJSONText(nil, notJSON); ok {
		t.Errorf("1 MB unterminated array taken as JSON")
	}
	if _, ok := AppendJSONText(nil, strings.Repeat("x", 1<<20)); ok {
		t.Errorf("1 MB of x taken as JSON")
	}
}

// TestAppendJSONTextNoAlloc: a string that is not JSON costs no allocation,
// whether it fails at its first byte or deep inside.
func TestAppendJSONTextNoAlloc(t *testing.T) {
	dst := make([]byte, 0, 64)
	for _, s := range []string{"hello world", "123abc", `{"a":[1,2,{"b":"c\u00e9"}],"d":`, `"\ud800"`, "1e400", strings.Repeat("[", 200)} {
		if n := testing.AllocsPerRun(100, func() { AppendJSONText(dst, s) }); n != 0 {
			t.Errorf("AppendJSONText(%.20q…) allocates %v times", s, n)
		}
	}
}
