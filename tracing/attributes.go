package tracing

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// attributes turns a span's zap fields into OpenTelemetry span attributes,
// in the fields' order. Span attributes are kept to the primitive kinds
// every tracing backend reads (OpenTelemetry's span attribute rules before
// complex values): strings, integers, floats and bools as themselves; an
// unsigned 64-bit integer, which may not fit an int64, as its decimal text;
// a duration as Go writes it (1.5ms); anything else (times, errors,
// objects, arrays, reflected values, byte strings) as its JSON text, or,
// when JSON writes it as a string (a time in RFC 3339, bytes in base64), as
// that string unquoted. A field that adds several keys (an error with a
// verbose form) gives one attribute per key, sorted. Namespaces are
// dropped: the fields after one stay at the top. (Lines exported as OTLP
// logs keep objects and arrays as maps and slices: see attrEncoder.)
func attributes(fields []zap.Field) []attribute.KeyValue {
	out := make([]attribute.KeyValue, 0, len(fields))
	for _, f := range fields {
		switch f.Type {
		case zapcore.StringType:
			out = append(out, attribute.String(f.Key, f.String))
		case zapcore.Int64Type, zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type,
			zapcore.Uint32Type, zapcore.Uint16Type, zapcore.Uint8Type:
			out = append(out, attribute.Int64(f.Key, f.Integer))
		case zapcore.Uint64Type, zapcore.UintptrType:
			out = append(out, attribute.String(f.Key, strconv.FormatUint(uint64(f.Integer), 10)))
		case zapcore.BoolType:
			out = append(out, attribute.Bool(f.Key, f.Integer == 1))
		case zapcore.Float64Type:
			out = append(out, attribute.Float64(f.Key, math.Float64frombits(uint64(f.Integer))))
		case zapcore.Float32Type:
			out = append(out, attribute.Float64(f.Key, float64(math.Float32frombits(uint32(f.Integer)))))
		case zapcore.DurationType:
			out = append(out, attribute.String(f.Key, time.Duration(f.Integer).String()))
		case zapcore.SkipType, zapcore.NamespaceType:
		default:
			enc := zapcore.NewMapObjectEncoder()
			f.AddTo(enc)
			keys := make([]string, 0, len(enc.Fields))
			for k := range enc.Fields {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				out = append(out, attribute.String(k, jsonText(enc.Fields[k])))
			}
		}
	}
	return out
}

// jsonText is v as JSON text, but a value that JSON writes as a string (a
// string, a time, bytes in base64) as that string, unquoted; a value JSON
// cannot hold (a complex number, a channel) as fmt prints it.
func jsonText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var s string
	if len(b) > 0 && b[0] == '"' && json.Unmarshal(b, &s) == nil {
		return s
	}
	return string(b)
}
