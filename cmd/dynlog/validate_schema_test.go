package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// FuzzValidateLine checks validate's fast path against the library run on
// the whole line: the same verdict, word for word, for every line, first
// seen or remembered.
func FuzzValidateLine(f *testing.F) {
	golden, err := os.ReadFile(goldenJSONL)
	if err != nil {
		f.Fatal(err)
	}
	for _, line := range bytes.Split(golden, []byte("\n")) {
		f.Add(line)
	}
	f.Add([]byte(`{"time":"2025-09-02T16:38:06Z","level":"INFO","target":"log","message":"m","file":"a","line":1,"time.x_us":"1","time.y_us":2}`))
	f.Add([]byte(`{"time":"x","level":"INFO","level":"NOPE","target":"t","message":1,"span_id":"zz","\u0074ime":"2025-09-02T16:38:06Z"}`))
	f.Add([]byte(`{"trace_id":"425ef761ca5b44c795b4c912f1d84b39","parent_id":null,"log.line":1.0,"line":-1}`))
	schema, err := compileLineSchema()
	if err != nil {
		f.Fatal(err)
	}
	checker := newLineChecker(schema)
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return
		}
		got := checker.check(line, false)
		again := checker.check(line, false)
		if got != again {
			t.Fatalf("%q: %q, then %q", line, got, again)
		}
		if !json.Valid(line) || bytes.TrimLeft(line, " \t\r")[0] != '{' || strings.Contains(got, "UTF-8") {
			return
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(line))
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		want := ""
		if err := schema.Validate(doc); err != nil {
			want = schemaErrorText(err)
		}
		if got != want {
			t.Fatalf("%q: fast path says %q, the library %q", line, got, want)
		}
	})
}
