package encoder_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestJSONLJSONValues: encoder.JSON and a json.RawMessage given to zap.Any
// are embedded as their JSON value whatever WithEmbeddedJSON says, written
// as serde_json writes it; text that is not JSON is written as a string,
// never as a broken line or a null.
func TestJSONLJSONValues(t *testing.T) {
	raw := json.RawMessage(`{"k": "v"}`)
	tests := []struct {
		name  string
		field zap.Field
		want  string
	}{
		{"object", encoder.JSON("j", `{"b":1, "a":[1, 2.50]}`), `,"j":{"a":[1,2.5],"b":1}`},
		{"number", encoder.JSON("j", " 42 "), `,"j":42`},
		{"string", encoder.JSON("j", `"x"`), `,"j":"x"`},
		{"null", encoder.JSON("j", "null"), `,"j":null`},
		{"invalid", encoder.JSON("j", `{"a":`), `,"j":"{\"a\":"`},
		{"empty", encoder.JSON("j", ""), `,"j":""`},
		{"out of range", encoder.JSON("j", "1e400"), `,"j":"1e400"`},
		{"trailing text", encoder.JSON("j", "[1] [2]"), `,"j":"[1] [2]"`},
		{"head key", encoder.JSON("message", "1"), `,"fields.message":1`},
		{"RawMessage", zap.Any("j", json.RawMessage(`[true, null]`)), `,"j":[true,null]`},
		{"RawMessage invalid", zap.Any("j", json.RawMessage("nope")), `,"j":"nope"`},
		{"RawMessage nil", zap.Any("j", json.RawMessage(nil)), `,"j":null`},
		{"*RawMessage", zap.Any("j", &raw), `,"j":{"k":"v"}`},
		{"*RawMessage nil", zap.Any("j", (*json.RawMessage)(nil)), `,"j":null`},
		{"Reflect RawMessage", zap.Reflect("j", json.RawMessage("1.0")), `,"j":1.0`},
		{"in an object", zap.Dict("d", encoder.JSON("j", `{"z":0,"a":1}`), zap.Any("r", json.RawMessage("x"))),
			`,"d":{"j":{"a":1,"z":0},"r":"x"}`},
	}
	for _, setting := range []struct {
		name string
		opts []encoder.Option
	}{{"default", nil}, {"off", []encoder.Option{encoder.WithEmbeddedJSON(false)}}, {"on", []encoder.Option{encoder.WithEmbeddedJSON(true)}}} {
		for _, tt := range tests {
			if got := jsonlFields(t, encoder.NewJSONL(setting.opts...), tt.field); got != tt.want {
				t.Errorf("%s, %s:\n got %s\nwant %s", setting.name, tt.name, got, tt.want)
			}
		}
		got := jsonlFields(t, encoder.NewJSONL(setting.opts...), zap.Namespace("ns"), encoder.JSON("j", "[1]"), zap.String("s", "2"))
		if want := `,"ns":{"j":[1],"s":"2"}`; got != want {
			t.Errorf("%s, in a namespace:\n got %s\nwant %s", setting.name, got, want)
		}
	}
}

// TestJSONLJSONValueContext: a JSON field given to With keeps its type: zap
// hands the encoder the value itself, not its text.
func TestJSONLJSONValueContext(t *testing.T) {
	var out bytes.Buffer
	log := zap.New(zapcore.NewCore(encoder.NewJSONL(), zapcore.AddSync(&out), zapcore.DebugLevel)).
		With(encoder.JSON("a", `{"x":[1]}`), zap.Any("b", json.RawMessage("2")), zap.String("c", "3"))
	log.Info("m", encoder.JSON("d", "not json"))
	if got, want := out.String(), `,"message":"m","a":{"x":[1]},"b":2,"c":"3","d":"not json"}`+"\n"; !strings.HasSuffix(got, want) {
		t.Errorf("\n got %s\nwant …%s", got, want)
	}
}

// TestJSONValueOtherEncoders: the text layouts print a JSON field's value as
// written, compacted, its escapes kept, as they print a json.RawMessage
// given to zap.Any (JSONL re-writes it as serde_json does, which writes a
// C1 control raw); text that is not JSON is a string. zap's own JSON
// encoder gets it through MarshalJSON: the value when it is JSON, else the
// text as a string.
func TestJSONValueOtherEncoders(t *testing.T) {
	ent := zapcore.Entry{Time: mustTime(t, "2025-09-02T16:38:06.656503Z"), LoggerName: "t", Message: "m"}
	fields := []zap.Field{encoder.JSON("j", `{"b":1, "a":"\u0087"}`), encoder.JSON("x", `{"a":`)}
	if got, want := encode(t, encoder.NewReadable(), ent, fields...),
		`2025-09-02T16:38:06.656503Z  INFO t: m j={"b":1,"a":"\u0087"} x="{\"a\":"`+"\n"; got != want {
		t.Errorf("readable:\n got %q\nwant %q", got, want)
	}
	if got, want := encode(t, encoder.NewVLLM(encoder.WithLocation(time.UTC)), ent, fields...),
		`INFO 09-02 16:38:06 [unknown:0] m j={"b":1,"a":"\u0087"} x="{\"a\":"`+"\n"; got != want {
		t.Errorf("vLLM:\n got %q\nwant %q", got, want)
	}
	if got, want := jsonlFields(t, encoder.NewJSONL(), fields...), `,"j":{"a":"`+"\u0087"+`","b":1},"x":"{\"a\":"`; got != want {
		t.Errorf("JSONL:\n got %q\nwant %q", got, want)
	}
	zapJSON := zapcore.NewJSONEncoder(zapcore.EncoderConfig{MessageKey: "msg"})
	if got, want := encode(t, zapJSON, ent, fields...), `{"msg":"m","j":{"b":1,"a":"\u0087"},"x":"{\"a\":"}`+"\n"; got != want {
		t.Errorf("zap's JSON encoder:\n got %q\nwant %q", got, want)
	}
}
