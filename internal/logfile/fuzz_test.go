package logfile

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
)

// FuzzReader feeds arbitrary bytes to a Reader with a small line limit:
// it must not panic, lines must hold no "\n", line numbers must count up,
// and the lines must put the input back together where none was cut.
func FuzzReader(f *testing.F) {
	golden, err := os.ReadFile("testdata/golden.jsonl")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(golden)
	f.Add([]byte("a\r\nb\n\nc"))
	f.Add([]byte("\x00\xff\xfe\n{\"time\":"))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader("f", bytes.NewReader(in))
		r.max = 64
		var back []byte
		cut := false
		n := 0
		for r.Next() {
			l := r.Line()
			n++
			if l.Number != n || l.File != "f" {
				t.Fatalf("line %d numbered %d in %q", n, l.Number, l.File)
			}
			if bytes.IndexByte(l.Bytes, '\n') >= 0 || len(l.Bytes) > 64 {
				t.Fatalf("line %d: %q", n, l.Bytes)
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

// FuzzDecode checks that Decode never panics and accepts only JSON objects.
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
	f.Fuzz(func(t *testing.T, line []byte) {
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
