package logfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
)

// FuzzReader feeds arbitrary bytes to a Reader with a small line limit:
// it must not panic, lines must hold no "\n", line numbers must count up,
// each line's Length must be that of its line in the input (a cut line's
// Bytes its first bytes), and the lines must put the input back together
// where none was cut.
func FuzzReader(f *testing.F) {
	golden, err := os.ReadFile("testdata/golden.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte("a\r\nb\n\nc"))
	f.Add([]byte("\x00\xff\xfe\n{\"time\":"))
	f.Add([]byte(strings.Repeat("x", 200) + "\r\n" + strings.Repeat("y", 65) + "\n" + strings.Repeat("z", 64) + "\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader("f", bytes.NewReader(in))
		r.max = 64
		var back []byte
		cut := false
		n := 0
		pieces := bytes.Split(in, []byte("\n"))
		if len(pieces[len(pieces)-1]) == 0 {
			pieces = pieces[:len(pieces)-1]
		}
		for r.Next() {
			l := r.Line()
			n++
			if l.Number != n || l.File != "f" {
				t.Fatalf("line %d numbered %d in %q", n, l.Number, l.File)
			}
			if bytes.IndexByte(l.Bytes, '\n') >= 0 || len(l.Bytes) > 64 {
				t.Fatalf("line %d: %q", n, l.Bytes)
			}
			if n > len(pieces) {
				t.Fatalf("line %d of %d", n, len(pieces))
			}
			piece := pieces[n-1]
			want := int64(len(piece))
			if !l.TooLong && bytes.HasSuffix(piece, []byte("\r")) {
				want--
			}
			if l.Length != want || l.TooLong != (len(piece) > 64) || l.TooLong && !bytes.Equal(l.Bytes, piece[:64]) {
				t.Fatalf("line %d: Length %d TooLong %v %q, want Length %d of %q", n, l.Length, l.TooLong, l.Bytes, want, piece)
			}
			cut = cut || l.TooLong
			back = append(append(back, l.Bytes...), '\n')
		}
		if cut {
			return
		}
		norm := bytes.ReplaceAll(in, []byte("\r\n"), []byte("\n"))
		if len(norm) > 0 && norm[len(norm)-1] != '\n' {
			norm = bytes.TrimSuffix(norm, []byte("\r")) // a last line's CR, like a CRLF's
			norm = append(norm, '\n')
		}
		if !bytes.Equal(back, norm) {
			t.Fatalf("lines %q do not make up %q", back, in)
		}
	})
}

// FuzzDecode checks that Decode never panics, accepts only JSON objects,
// and decodes as decodeReference (encoding/json's Decoder) does.
func FuzzDecode(f *testing.F) {
	golden, err := os.ReadFile("testdata/golden.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(golden, []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`{"level":3,"line":"x","time.busy_us":1.5,"a":{"b":[1,2]}}`))
	f.Add([]byte("{\"message\":\"\xff\x00\"}"))
	for _, seed := range decodeSeeds {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if Valid(line) != json.Valid(line) {
			t.Fatalf("Valid(%q) = %v, json.Valid says otherwise", trimmed(line), Valid(line))
		}
		checkAgainstReference(t, line)
		rec, err := Decode(line)
		if err != nil {
			return
		}
		if !json.Valid(line) || bytes.TrimSpace(line)[0] != '{' {
			t.Fatalf("decoded %q, which is not a JSON object", line)
		}
		for _, f := range rec.Fields {
			if !json.Valid(f.Value) {
				t.Fatalf("field %q holds %q", f.Key, f.Value)
			}
		}
	})
}

// decodeSeeds are lines at the edges of JSON's grammar.
var decodeSeeds = []string{
	`{}`, ` { } `, `{"a":1}x`, `{"a":1}{}`, `[1]`, `"s"`, `12`, `null`, `true`, `{"a":tru}`, `{"a":01}`,
	`{"a":-}`, `{"a":1.}`, `{"a":1e}`, `{"a":1e+5,"b":-0.5E-3}`, `{"a":"\u00e9\ud83d\ude00\"\\\/\b\f\n\r\t"}`,
	`{"a":"\x"}`, `{"a":"\u12"}`, "{\"a\":\"\x01\"}", `{"a" 1}`, `{"a":1,}`, `{,}`, `{"a":[1,2,]}`,
	`{"a":[1 2]}`, `{"a":{"b":{"c":[[]]}}}`, `{"a":1,"a":2,"b":3}`, `{1:2}`, "{\"\xff\":\"\xfe\x80\"}",
	`{"level":"info","level":3}`, `{"time":"2025-09-02T16:38:06.656503Z","line":12,"line":"x"}`,
	`{"a":"` + strings.Repeat("[", 20000) + `"}`, strings.Repeat("[", 20000) + strings.Repeat("]", 20000),
	`{"a":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, "{\"a\":1}\x00", "\t{\"a\":1}\r",
	`{"x_request_id":"r","trace_id":"t","span_id":"s","time.busy_us":5,"time.idle_us":-1,"log.line":1.5}`,
}

// checkAgainstReference fails if Decode and decodeReference disagree on
// line: both fail, or both decode the same record.
func checkAgainstReference(t *testing.T, line []byte) {
	t.Helper()
	got, err := Decode(line)
	want, wantErr := decodeReference(line)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("Decode(%q): error %v; encoding/json: %v", trimmed(line), err, wantErr)
	}
	if err != nil {
		if errors.Is(err, ErrNotObject) != errors.Is(wantErr, ErrNotObject) {
			t.Fatalf("Decode(%q): error %v; encoding/json: %v", trimmed(line), err, wantErr)
		}
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Decode(%q):\n%+v\nencoding/json:\n%+v", trimmed(line), got, want)
	}
}

func trimmed(b []byte) []byte {
	if len(b) > 200 {
		return b[:200]
	}
	return b
}

func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	golden, err := os.ReadFile("testdata/golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range bytes.Split(golden, []byte("\n")) {
		checkAgainstReference(t, line)
	}
	for _, seed := range decodeSeeds {
		checkAgainstReference(t, []byte(seed))
		if Valid([]byte(seed)) != json.Valid([]byte(seed)) {
			t.Errorf("Valid(%q) = %v, json.Valid says otherwise", trimmed([]byte(seed)), Valid([]byte(seed)))
		}
	}
}
