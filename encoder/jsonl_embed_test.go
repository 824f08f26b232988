package encoder_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

type textStringer string

func (s textStringer) String() string { return string(s) }

// jsonlFields is the part of a JSONL line after "message":"m".
func jsonlFields(t *testing.T, enc zapcore.Encoder, fields ...zap.Field) string {
	t.Helper()
	ent := zapcore.Entry{Time: mustTime(t, "2025-09-02T16:38:06.656503Z"), LoggerName: "t", Message: "m"}
	line := encode(t, enc, ent, fields...)
	const head = `{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"t","message":"m"`
	if !strings.HasPrefix(line, head) || !strings.HasSuffix(line, "}\n") {
		t.Fatalf("unexpected line %q", line)
	}
	return line[len(head) : len(line)-2]
}

// embedding is the JSONL encoder with WithEmbeddedJSON(true)
// (DYN_LOGGING_EMBED_JSON_STRINGS=true): the tests that reproduce Dynamo's
// lines for a &str holding JSON, which Dynamo re-parses, turn it on, since
// by default a zap.String stays a string.
func embedding() zapcore.Encoder { return encoder.NewJSONL(encoder.WithEmbeddedJSON(true)) }

// TestJSONLEmbedsJSONStrings: with WithEmbeddedJSON(true), a zap.String or
// zap.ByteString whose whole value is a JSON text is that JSON value, as
// Dynamo's field visitor re-parses every &str with serde_json.
func TestJSONLEmbedsJSONStrings(t *testing.T) {
	tests := []struct {
		field zap.Field
		want  string
	}{
		{zap.String("k", "123"), `,"k":123`},
		{zap.String("k", " 42 "), `,"k":42`},
		{zap.String("k", "true"), `,"k":true`},
		{zap.String("k", "null"), `,"k":null`},
		{zap.String("k", "1e2"), `,"k":100.0`},
		{zap.String("k", "-0"), `,"k":-0.0`},
		{zap.String("k", "[1, 2]"), `,"k":[1,2]`},
		{zap.String("k", `{"b":1,"a":2}`), `,"k":{"a":2,"b":1}`},
		{zap.String("k", `"quoted"`), `,"k":"quoted"`},
		{zap.ByteString("k", []byte(`{"x":[null]}`)), `,"k":{"x":[null]}`},
		{zap.String("status", "200"), `,"status":200`},
		// Not JSON: strings as before.
		{zap.String("k", "[1,"), `,"k":"[1,"`},
		{zap.String("k", "nan"), `,"k":"nan"`},
		{zap.String("k", "01"), `,"k":"01"`},
		{zap.String("k", "1e400"), `,"k":"1e400"`},
		{zap.String("k", `"\ud800"`), `,"k":"\"\\ud800\""`},
		{zap.String("k", "Qwen/Qwen3-0.6B"), `,"k":"Qwen/Qwen3-0.6B"`},
		{zap.String("k", ""), `,"k":""`},
		{zap.ByteString("k", []byte("true story")), `,"k":"true story"`},
		// Display values stay strings, as Rust's % goes through record_debug.
		{zap.Stringer("k", textStringer("123")), `,"k":"123"`},
		{zap.Error(errors.New("404")), `,"error":"404"`},
		// Nested in objects, arrays and namespaces: zap's structure, strings.
		{zap.Strings("k", []string{"1", "[]"}), `,"k":["1","[]"]`},
		{zap.Dict("k", zap.String("n", "1")), `,"k":{"n":"1"}`},
	}
	for _, tt := range tests {
		if got := jsonlFields(t, embedding(), tt.field); got != tt.want {
			t.Errorf("%s %q:\n got %s\nwant %s", tt.field.Key, tt.field.String, got, tt.want)
		}
	}
	if got, want := jsonlFields(t, embedding(), zap.Namespace("ns"), zap.String("n", "1")), `,"ns":{"n":"1"}`; got != want {
		t.Errorf("string in a namespace:\n got %s\nwant %s", got, want)
	}
}

// TestJSONLStringsStayStrings: by default, and with WithEmbeddedJSON(false),
// a zap.String or zap.ByteString is a JSON string whatever its text, on the
// line and in a context: a field's type is the caller's.
func TestJSONLStringsStayStrings(t *testing.T) {
	for _, tc := range []struct {
		name string
		new  func() zapcore.Encoder
	}{
		{"default", func() zapcore.Encoder { return encoder.NewJSONL() }},
		{"off", func() zapcore.Encoder { return encoder.NewJSONL(encoder.WithEmbeddedJSON(false)) }},
	} {
		enc := tc.new()
		got := jsonlFields(t, enc, zap.String("a", "123"), zap.String("b", `{"y":1,"x":2}`), zap.ByteString("c", []byte("null")),
			zap.String("id", "42"))
		if want := `,"a":"123","b":"{\"y\":1,\"x\":2}","c":"null","id":"42"`; got != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, want)
		}
		ctx := enc.Clone()
		ctx.AddString("d", "7")
		ctx.AddByteString("e", []byte("[1]"))
		if got, want := jsonlFields(t, ctx), `,"d":"7","e":"[1]"`; got != want {
			t.Errorf("%s, context:\n got %s\nwant %s", tc.name, got, want)
		}
	}
}

// TestJSONLEmbedMessageAndSpans: with WithEmbeddedJSON(true), the message is
// never re-parsed, nor are span fields (strings in Dynamo's JSONL) or the
// span keys.
func TestJSONLEmbedMessageAndSpans(t *testing.T) {
	spans := &vocab.Spans{TraceID: "4bf92f3577b34da6a3ce929d00000001", SpanID: "00f067aa0ba90001",
		Chain: []vocab.Span{{Name: "123", Fields: []zap.Field{zap.String("n", "8"), zap.String("o", `{"b":1}`)}}}}
	ent := zapcore.Entry{Time: mustTime(t, "2025-09-02T16:38:06.656503Z"), LoggerName: "t", Message: "42"}
	got := encode(t, embedding(), ent, vocab.SpansField(spans), zap.String("status", "200"))
	want := `{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"t","message":"42","n":"8","o":"{\"b\":1}",` +
		`"span_id":"00f067aa0ba90001","span_name":"123","status":200,"trace_id":"4bf92f3577b34da6a3ce929d00000001"}` + "\n"
	if got != want {
		t.Errorf("\n got %s\nwant %s", got, want)
	}
}

// TestJSONLEmbedContext: with WithEmbeddedJSON(true), strings given to With
// are embedded like the line's own. zap passes them to the encoder without
// their type, so a zap.Stringer or zap.Error given to With whose text is
// JSON is embedded too (doc.go).
func TestJSONLEmbedContext(t *testing.T) {
	var out bytes.Buffer
	log := zap.New(zapcore.NewCore(embedding(), zapcore.AddSync(&out), zapcore.DebugLevel)).
		With(zap.String("a", "[1]"), zap.Stringer("b", textStringer("2")), zap.String("c", "x"))
	log.Info("m")
	if got, want := out.String(), `,"message":"m","a":[1],"b":2,"c":"x"}`+"\n"; !strings.HasSuffix(got, want) {
		t.Errorf("\n got %s\nwant …%s", got, want)
	}
}
