package encoder

import (
	"encoding/json"

	"go.uber.org/zap/zapcore"
)

// JSON returns a field whose value is the JSON text text. The JSONL layout
// writes it as that JSON value whatever [WithEmbeddedJSON] says, as
// serde_json writes a value it parsed (compact, object keys sorted
// byte-wise, the last of equal keys kept, numbers as serde_json prints them;
// see the package doc). Text that is not one JSON value as serde_json reads
// it (invalid, nested more than 127 deep, a number out of range such as
// 1e400) is written as a JSON string of the text instead, so the line stays
// valid JSON and nothing is lost. The text layouts print the value as
// written, compacted, with its escapes kept (as encoding/json writes a
// json.RawMessage), or the string. A value given with
// [go.uber.org/zap.Any] as a [encoding/json.RawMessage] (or a pointer to
// one) is written the same way, a nil one as null.
//
// [WithMaxLineBytes] does not cut the value, as it does not cut zap.Any's.
// Other zap encoders get the text through its MarshalJSON method: the JSON
// value as written, or the text as a JSON string when it is not valid JSON.
func JSON(key, text string) zapcore.Field {
	return zapcore.Field{Key: key, Type: zapcore.ReflectType, Interface: jsonText(text)}
}

// jsonText is the value of a [JSON] field: text meant as a JSON value.
type jsonText string

// MarshalJSON is t when it is valid JSON, else t as a JSON string: what
// encoders outside this package, which reach a reflected value through
// encoding/json, print for it.
func (t jsonText) MarshalJSON() ([]byte, error) {
	if json.Valid([]byte(t)) {
		return []byte(t), nil
	}
	return json.Marshal(string(t))
}
