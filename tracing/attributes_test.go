package tracing

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

type attrUser struct{ Name, Email string }

func (u attrUser) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("name", u.Name)
	enc.AddString("email", u.Email)
	return nil
}

type verboseErr struct{}

func (verboseErr) Error() string { return "boom" }
func (verboseErr) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		fmt.Fprint(s, "boom\n\tat here")
		return
	}
	fmt.Fprint(s, "boom")
}

type stringer struct{}

func (stringer) String() string { return "i am a stringer" }

// Each zap field type becomes the span attribute of the doc comment, in the
// fields' order.
func TestAttributes(t *testing.T) {
	at := time.Date(2025, 9, 2, 15, 53, 31, 943377000, time.UTC)
	fields := []zap.Field{
		zap.String("s", "hello \"there\""),
		zap.Int("i", -7),
		zap.Int8("i8", -8),
		zap.Uint32("u32", math.MaxUint32),
		zap.Uint64("u64", math.MaxUint64),
		zap.Uintptr("ptr", 0x10),
		zap.Bool("yes", true),
		zap.Bool("no", false),
		zap.Float64("f", 1.5),
		zap.Float32("f32", 0.25),
		zap.Duration("d", 1500*time.Microsecond),
		zap.Time("t", at),
		zap.Error(errors.New("fail")),
		zap.NamedError("verbose", verboseErr{}),
		zap.Object("user", attrUser{"Jane Doe", "jane@test.com"}),
		zap.Ints("ints", []int{1, 2, 3}),
		zap.Strings("strs", []string{"a", "b"}),
		zap.Any("reflected", struct {
			A int    `json:"a"`
			B string `json:"b"`
		}{1, "x"}),
		zap.Stringer("str", stringer{}),
		zap.ByteString("bs", []byte("raw")),
		zap.Binary("bin", []byte{0, 1, 2}),
		zap.Complex128("c", complex(1, 2)),
		zap.Namespace("ns"),
		zap.Skip(),
		zap.String("after", "ns"),
	}
	want := []attribute.KeyValue{
		attribute.String("s", "hello \"there\""),
		attribute.Int64("i", -7),
		attribute.Int64("i8", -8),
		attribute.Int64("u32", math.MaxUint32),
		attribute.String("u64", "18446744073709551615"),
		attribute.String("ptr", "16"),
		attribute.Bool("yes", true),
		attribute.Bool("no", false),
		attribute.Float64("f", 1.5),
		attribute.Float64("f32", 0.25),
		attribute.String("d", "1.5ms"),
		attribute.String("t", "2025-09-02T15:53:31.943377Z"),
		attribute.String("error", "fail"),
		attribute.String("verbose", "boom"),
		attribute.String("verboseVerbose", "boom\n\tat here"),
		attribute.String("user", `{"email":"jane@test.com","name":"Jane Doe"}`),
		attribute.String("ints", "[1,2,3]"),
		attribute.String("strs", `["a","b"]`),
		attribute.String("reflected", `{"a":1,"b":"x"}`),
		attribute.String("str", "i am a stringer"),
		attribute.String("bs", "raw"),
		attribute.String("bin", "AAEC"),
		attribute.String("c", "(1+2i)"),
		attribute.String("after", "ns"),
	}
	got := attributes(fields)
	if len(got) != len(want) {
		t.Fatalf("got %d attributes, want %d:\n%v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("attribute %d: got %s=%#v, want %s=%#v", i, got[i].Key, got[i].Value.AsInterface(), want[i].Key, want[i].Value.AsInterface())
		}
	}
}
