package dedup

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

// keyBuilder encodes a line's key: logger name, level, message and fields,
// as a sequence of tokens that each start with a kind byte and carry their
// own length, so that two different sequences never give the same bytes.
// It is a zapcore.ObjectEncoder and ArrayEncoder so that every field type
// zap has goes through Field.AddTo; the common types skip that switch.
type keyBuilder struct{ b []byte }

var (
	_ zapcore.ObjectEncoder = (*keyBuilder)(nil)
	_ zapcore.ArrayEncoder  = (*keyBuilder)(nil)
)

// maxPooledKey keeps one huge key from pinning its buffer in the pool.
const maxPooledKey = 4 << 10

var keyPool = sync.Pool{New: func() any { return &keyBuilder{b: make([]byte, 0, 256)} }}

func getKey() *keyBuilder { return keyPool.Get().(*keyBuilder) }

func putKey(k *keyBuilder) {
	if cap(k.b) > maxPooledKey {
		return
	}
	k.b = k.b[:0]
	keyPool.Put(k)
}

// Token kinds. A kind with keyed set is followed by a field key.
const (
	kindBool byte = iota + 1
	kindInt
	kindUint
	kindUintptr
	kindFloat64
	kindFloat32
	kindComplex128
	kindComplex64
	kindDuration
	kindTime
	kindString
	kindByteString
	kindBinary
	kindReflected
	kindError
	kindArray
	kindObject
	kindEnd
	kindNamespace
	kindPanic

	keyed byte = 0x80
)

// keyBufSize is the buffer on the caller's stack that keyOf writes a key
// to; a longer key takes a pooled keyBuilder.
const keyBufSize = 256

// keyOf is the key of a line, written in buf's space when it fits there and
// every field is of a type putField writes; ok is false otherwise, and the
// key is a keyBuilder's entry (the same bytes). This is the cost of every
// repeated helper call (InfoOnce and its kin): no pool, and the bytes stay
// on the stack.
func keyOf(buf []byte, name string, lvl zapcore.Level, msg string, fields []zapcore.Field) (_ []byte, ok bool) {
	b, ok := putHead(buf[:0], name, lvl, msg)
	for i := 0; ok && i < len(fields); i++ {
		b, ok = putField(b, &fields[i])
	}
	return b, ok
}

// entry sets k to the key of a line. Markers, zap.Skip and the spans field
// (the trace context, which differs per request while the line does not)
// are not part of it.
func (k *keyBuilder) entry(name string, lvl zapcore.Level, msg string, fields []zapcore.Field) {
	// The head and the common field types are written to a local slice,
	// stored back once.
	b := appendHead(k.b[:0], name, lvl, msg)
	for i := range fields {
		var ok bool
		if b, ok = putField(b, &fields[i]); !ok {
			k.b = b
			k.field(&fields[i])
			b = k.b
		}
	}
	k.b = b
}

// appendHead appends the logger name, the level and the message.
func appendHead(b []byte, name string, lvl zapcore.Level, msg string) []byte {
	return appendStr(append(appendStr(b, name), byte(lvl)), msg)
}

// putHead is appendHead within b's capacity; ok is false, and b as it was,
// when it does not fit.
func putHead(b []byte, name string, lvl zapcore.Level, msg string) (_ []byte, ok bool) {
	if len(b)+2*binary.MaxVarintLen64+1+len(name)+len(msg) > cap(b) {
		return b, false
	}
	return appendHead(b, name, lvl, msg), true
}

// putField appends a string or signed integer field, as field would,
// within b's capacity; ok is false, and b as it was, for another type or
// when it does not fit.
func putField(b []byte, f *zapcore.Field) (_ []byte, ok bool) {
	switch f.Type {
	case zapcore.StringType:
		if len(b)+1+2*binary.MaxVarintLen64+len(f.Key)+len(f.String) > cap(b) {
			return b, false
		}
		b = appendStr(append(b, kindString|keyed), f.Key)
		return appendStr(b, f.String), true
	case zapcore.Int64Type, zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type:
		if len(b)+1+binary.MaxVarintLen64+len(f.Key)+8 > cap(b) {
			return b, false
		}
		b = appendStr(append(b, kindInt|keyed), f.Key)
		return binary.LittleEndian.AppendUint64(b, uint64(f.Integer)), true
	}
	return b, false
}

// appendStr appends s after its length as a uvarint, as str does.
func appendStr(b []byte, s string) []byte {
	if len(s) < 0x80 {
		b = append(b, byte(len(s)))
	} else {
		b = binary.AppendUvarint(b, uint64(len(s)))
	}
	return append(b, s...)
}

func (k *keyBuilder) field(f *zapcore.Field) {
	switch f.Type {
	case zapcore.SkipType:
	case zapcore.StringType:
		k.AddString(f.Key, f.String)
	case zapcore.Int64Type, zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type:
		k.AddInt64(f.Key, f.Integer)
	case zapcore.Uint64Type, zapcore.Uint32Type, zapcore.Uint16Type, zapcore.Uint8Type:
		k.AddUint64(f.Key, uint64(f.Integer))
	case zapcore.BoolType:
		k.AddBool(f.Key, f.Integer == 1)
	case zapcore.Float64Type:
		k.token(kindFloat64, f.Key)
		k.u64(uint64(f.Integer))
	case zapcore.DurationType:
		k.AddDuration(f.Key, time.Duration(f.Integer))
	case zapcore.ErrorType:
		k.token(kindError, f.Key)
		err, _ := f.Interface.(error)
		k.errorText(err)
	case zapcore.ObjectMarshalerType:
		if _, ok := f.Interface.(*vocab.Spans); ok && f.Key == vocab.SpansKey {
			return
		}
		f.AddTo(k)
	case zapcore.InlineMarshalerType:
		k.inline(f)
	default:
		f.AddTo(k)
	}
}

// inline is f.AddTo(k) for zap.Inline, whose marshaler writes into the
// key directly (see recovered).
func (k *keyBuilder) inline(f *zapcore.Field) {
	defer func() { k.recovered(recover()) }()
	f.AddTo(k)
}

// errorText is the error's Error(), which is what the encoders print; the
// Verbose and Causes keys zap's own encoders add are not part of the key
// (a stack trace in them would make every call a new line).
func (k *keyBuilder) errorText(err error) {
	if err == nil {
		k.b = append(k.b, 2)
		return
	}
	defer func() {
		if r := recover(); r != nil {
			k.b = append(k.b, 1)
			k.str(fmt.Sprint(r))
		}
	}()
	s := err.Error()
	k.b = append(k.b, 0)
	k.str(s)
}

func (k *keyBuilder) token(kind byte, key string) {
	k.b = append(k.b, kind|keyed)
	k.str(key)
}

func (k *keyBuilder) str(s string) { k.b = appendStr(k.b, s) }

func (k *keyBuilder) bytes(p []byte) {
	k.b = binary.AppendUvarint(k.b, uint64(len(p)))
	k.b = append(k.b, p...)
}

func (k *keyBuilder) u64(v uint64) { k.b = binary.LittleEndian.AppendUint64(k.b, v) }

func (k *keyBuilder) time(t time.Time) {
	bin, err := t.AppendBinary(nil)
	if err != nil {
		bin = []byte(t.String())
	}
	k.bytes(bin)
	k.str(t.Location().String())
}

func (k *keyBuilder) reflected(v any) {
	defer func() { k.recovered(recover()) }()
	if j, err := json.Marshal(v); err == nil {
		k.b = append(k.b, 0)
		k.bytes(j)
		return
	}
	k.b = append(k.b, 1)
	k.str(fmt.Sprintf("%#v", v))
}

// ObjectEncoder.

func (k *keyBuilder) AddArray(key string, v zapcore.ArrayMarshaler) error {
	k.token(kindArray, key)
	defer k.end()
	return v.MarshalLogArray(k)
}

func (k *keyBuilder) AddObject(key string, v zapcore.ObjectMarshaler) error {
	k.token(kindObject, key)
	defer k.end()
	return v.MarshalLogObject(k)
}

// end, deferred by a value that runs the caller's code (a marshaler),
// closes it, after the panic's text if that code panicked (recovered).
func (k *keyBuilder) end() {
	k.recovered(recover())
	k.b = append(k.b, kindEnd)
}

// recovered writes r, a panic of the caller's code that was writing into
// the key, if there was one: the key then says so, and the line goes on to
// the encoder, which writes the panic as the field's error.
func (k *keyBuilder) recovered(r any) {
	if r != nil {
		k.b = append(k.b, kindPanic)
		k.str(fmt.Sprint(r))
	}
}

func (k *keyBuilder) AddBinary(key string, v []byte)     { k.token(kindBinary, key); k.bytes(v) }
func (k *keyBuilder) AddByteString(key string, v []byte) { k.token(kindByteString, key); k.bytes(v) }
func (k *keyBuilder) AddBool(key string, v bool) {
	k.token(kindBool, key)
	k.b = append(k.b, b2u(v))
}

func (k *keyBuilder) AddComplex128(key string, v complex128) {
	k.token(kindComplex128, key)
	k.u64(math.Float64bits(real(v)))
	k.u64(math.Float64bits(imag(v)))
}

func (k *keyBuilder) AddComplex64(key string, v complex64) {
	k.token(kindComplex64, key)
	k.u64(uint64(math.Float32bits(real(v)))<<32 | uint64(math.Float32bits(imag(v))))
}

func (k *keyBuilder) AddDuration(key string, v time.Duration) {
	k.token(kindDuration, key)
	k.u64(uint64(v))
}

func (k *keyBuilder) AddFloat64(key string, v float64) {
	k.token(kindFloat64, key)
	k.u64(math.Float64bits(v))
}

func (k *keyBuilder) AddFloat32(key string, v float32) {
	k.token(kindFloat32, key)
	k.u64(uint64(math.Float32bits(v)))
}

func (k *keyBuilder) AddInt(key string, v int)     { k.AddInt64(key, int64(v)) }
func (k *keyBuilder) AddInt64(key string, v int64) { k.token(kindInt, key); k.u64(uint64(v)) }
func (k *keyBuilder) AddInt32(key string, v int32) { k.AddInt64(key, int64(v)) }
func (k *keyBuilder) AddInt16(key string, v int16) { k.AddInt64(key, int64(v)) }
func (k *keyBuilder) AddInt8(key string, v int8)   { k.AddInt64(key, int64(v)) }
func (k *keyBuilder) AddString(key, v string)      { k.token(kindString, key); k.str(v) }
func (k *keyBuilder) AddTime(key string, v time.Time) {
	k.token(kindTime, key)
	k.time(v)
}
func (k *keyBuilder) AddUint(key string, v uint)       { k.AddUint64(key, uint64(v)) }
func (k *keyBuilder) AddUint64(key string, v uint64)   { k.token(kindUint, key); k.u64(v) }
func (k *keyBuilder) AddUint32(key string, v uint32)   { k.AddUint64(key, uint64(v)) }
func (k *keyBuilder) AddUint16(key string, v uint16)   { k.AddUint64(key, uint64(v)) }
func (k *keyBuilder) AddUint8(key string, v uint8)     { k.AddUint64(key, uint64(v)) }
func (k *keyBuilder) AddUintptr(key string, v uintptr) { k.token(kindUintptr, key); k.u64(uint64(v)) }

func (k *keyBuilder) AddReflected(key string, v any) error {
	k.token(kindReflected, key)
	k.reflected(v)
	return nil
}

func (k *keyBuilder) OpenNamespace(key string) { k.token(kindNamespace, key) }

// ArrayEncoder: the same kinds without the keyed bit.

func (k *keyBuilder) AppendBool(v bool) { k.b = append(k.b, kindBool, b2u(v)) }
func (k *keyBuilder) AppendByteString(v []byte) {
	k.b = append(k.b, kindByteString)
	k.bytes(v)
}

func (k *keyBuilder) AppendComplex128(v complex128) {
	k.b = append(k.b, kindComplex128)
	k.u64(math.Float64bits(real(v)))
	k.u64(math.Float64bits(imag(v)))
}

func (k *keyBuilder) AppendComplex64(v complex64) {
	k.b = append(k.b, kindComplex64)
	k.u64(uint64(math.Float32bits(real(v)))<<32 | uint64(math.Float32bits(imag(v))))
}

func (k *keyBuilder) AppendFloat64(v float64) {
	k.b = append(k.b, kindFloat64)
	k.u64(math.Float64bits(v))
}

func (k *keyBuilder) AppendFloat32(v float32) {
	k.b = append(k.b, kindFloat32)
	k.u64(uint64(math.Float32bits(v)))
}

func (k *keyBuilder) AppendInt(v int)     { k.AppendInt64(int64(v)) }
func (k *keyBuilder) AppendInt64(v int64) { k.b = append(k.b, kindInt); k.u64(uint64(v)) }
func (k *keyBuilder) AppendInt32(v int32) { k.AppendInt64(int64(v)) }
func (k *keyBuilder) AppendInt16(v int16) { k.AppendInt64(int64(v)) }
func (k *keyBuilder) AppendInt8(v int8)   { k.AppendInt64(int64(v)) }
func (k *keyBuilder) AppendString(v string) {
	k.b = append(k.b, kindString)
	k.str(v)
}
func (k *keyBuilder) AppendUint(v uint)       { k.AppendUint64(uint64(v)) }
func (k *keyBuilder) AppendUint64(v uint64)   { k.b = append(k.b, kindUint); k.u64(v) }
func (k *keyBuilder) AppendUint32(v uint32)   { k.AppendUint64(uint64(v)) }
func (k *keyBuilder) AppendUint16(v uint16)   { k.AppendUint64(uint64(v)) }
func (k *keyBuilder) AppendUint8(v uint8)     { k.AppendUint64(uint64(v)) }
func (k *keyBuilder) AppendUintptr(v uintptr) { k.b = append(k.b, kindUintptr); k.u64(uint64(v)) }
func (k *keyBuilder) AppendDuration(v time.Duration) {
	k.b = append(k.b, kindDuration)
	k.u64(uint64(v))
}

func (k *keyBuilder) AppendTime(v time.Time) {
	k.b = append(k.b, kindTime)
	k.time(v)
}

func (k *keyBuilder) AppendArray(v zapcore.ArrayMarshaler) error {
	k.b = append(k.b, kindArray)
	defer k.end()
	return v.MarshalLogArray(k)
}

func (k *keyBuilder) AppendObject(v zapcore.ObjectMarshaler) error {
	k.b = append(k.b, kindObject)
	defer k.end()
	return v.MarshalLogObject(k)
}

func (k *keyBuilder) AppendReflected(v any) error {
	k.b = append(k.b, kindReflected)
	k.reflected(v)
	return nil
}

func b2u(v bool) byte {
	if v {
		return 1
	}
	return 0
}
