package tracing

import (
	"fmt"
	"math"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// attributes turns a span's zap fields into OpenTelemetry attributes:
// strings, integers, floats and bools as themselves, anything else as the
// text zap's JSON encoder would give it.
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
			out = append(out, attribute.String(f.Key, fmt.Sprint(uint64(f.Integer))))
		case zapcore.BoolType:
			out = append(out, attribute.Bool(f.Key, f.Integer == 1))
		case zapcore.Float64Type:
			out = append(out, attribute.Float64(f.Key, math.Float64frombits(uint64(f.Integer))))
		case zapcore.Float32Type:
			out = append(out, attribute.Float64(f.Key, float64(math.Float32frombits(uint32(f.Integer)))))
		case zapcore.DurationType:
			out = append(out, attribute.String(f.Key, time.Duration(f.Integer).String()))
		case zapcore.SkipType:
		default:
			enc := zapcore.NewMapObjectEncoder()
			f.AddTo(enc)
			for k, v := range enc.Fields {
				out = append(out, attribute.String(k, fmt.Sprint(v)))
			}
		}
	}
	return out
}
