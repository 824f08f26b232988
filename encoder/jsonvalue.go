package encoder

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"time"

	"github.com/dynlog/dynlog/encoder/internal/jsonfmt"
	"github.com/dynlog/dynlog/encoder/internal/timefmt"
	"go.uber.org/zap/zapcore"
)

// jsonWriter appends nested JSON values (objects, arrays, namespaces) to b
// with serde_json's string and number rules. Every layout uses it for the
// values that have structure: the JSONL encoder for everything below its
// top-level keys, the text layouts for zap.Object, zap.Array and zap.Any.
//
// Separators are decided from the last byte written, as zap's JSON encoder
// does: no value this writer produces ends in '{', '[', ':' or ','.
type jsonWriter struct {
	b []byte
	// openNamespaces counts the objects opened by OpenNamespace inside the
	// object being written; they close when it does.
	openNamespaces int
	// fresh: the next value starts a top-level key of the JSONL encoder and
	// takes no separator, whatever precedes it in b.
	fresh bool
	// serde: a value meant as JSON ([JSON], json.RawMessage) is written as
	// serde_json writes the value it holds (the JSONL layout); otherwise as
	// written, compacted, its escapes kept, as encoding/json writes a
	// json.RawMessage (the text layouts, whose nested values keep the
	// escapes of a line read back by dynlog view).
	serde bool
	// day is the date of the last time value written, kept for the next.
	day timefmt.Day
}

var (
	_ zapcore.ObjectEncoder = (*jsonWriter)(nil)
	_ zapcore.ArrayEncoder  = (*jsonWriter)(nil)
)

func (w *jsonWriter) separator() { w.b = w.sep() }

// sep returns w.b with the separator the next value takes. Writers append
// to the slice it returns and store it back once: each store to w.b is a
// pointer write, which costs a write barrier while the GC runs.
func (w *jsonWriter) sep() []byte {
	b := w.b
	if w.fresh {
		w.fresh = false
		return b
	}
	if n := len(b); n > 0 {
		switch b[n-1] {
		case '{', '[', ':', ',':
			return b
		}
		b = append(b, ',')
	}
	return b
}

// keyed returns w.b with the separator and key k written, ready for k's
// value, without storing it (see sep).
func (w *jsonWriter) keyed(k string) []byte {
	b := jsonfmt.AppendString(w.sep(), k)
	return append(b, ':')
}

func (w *jsonWriter) key(k string) { w.b = w.keyed(k) }

// closeNamespaces closes what OpenNamespace opened since the last call.
func (w *jsonWriter) closeNamespaces() {
	for ; w.openNamespaces > 0; w.openNamespaces-- {
		w.b = append(w.b, '}')
	}
}

// ObjectEncoder.

func (w *jsonWriter) AddArray(k string, v zapcore.ArrayMarshaler) error {
	w.key(k)
	return w.AppendArray(v)
}

func (w *jsonWriter) AddObject(k string, v zapcore.ObjectMarshaler) error {
	w.key(k)
	return w.AppendObject(v)
}

func (w *jsonWriter) AddBinary(k string, v []byte)          { w.key(k); w.appendBinary(v) }
func (w *jsonWriter) AddByteString(k string, v []byte)      { w.key(k); w.AppendByteString(v) }
func (w *jsonWriter) AddBool(k string, v bool)              { w.b = strconv.AppendBool(w.keyed(k), v) }
func (w *jsonWriter) AddComplex128(k string, v complex128)  { w.key(k); w.AppendComplex128(v) }
func (w *jsonWriter) AddComplex64(k string, v complex64)    { w.key(k); w.AppendComplex64(v) }
func (w *jsonWriter) AddDuration(k string, v time.Duration) { w.key(k); w.AppendDuration(v) }
func (w *jsonWriter) AddFloat64(k string, v float64)        { w.b = jsonfmt.AppendFloat64(w.keyed(k), v) }
func (w *jsonWriter) AddFloat32(k string, v float32)        { w.key(k); w.AppendFloat32(v) }
func (w *jsonWriter) AddInt(k string, v int)                { w.AddInt64(k, int64(v)) }
func (w *jsonWriter) AddInt64(k string, v int64)            { w.b = strconv.AppendInt(w.keyed(k), v, 10) }
func (w *jsonWriter) AddInt32(k string, v int32)            { w.AddInt64(k, int64(v)) }
func (w *jsonWriter) AddInt16(k string, v int16)            { w.AddInt64(k, int64(v)) }
func (w *jsonWriter) AddInt8(k string, v int8)              { w.AddInt64(k, int64(v)) }
func (w *jsonWriter) AddString(k, v string)                 { w.b = jsonfmt.AppendString(w.keyed(k), v) }
func (w *jsonWriter) AddTime(k string, v time.Time)         { w.key(k); w.AppendTime(v) }
func (w *jsonWriter) AddUint(k string, v uint)              { w.AddUint64(k, uint64(v)) }
func (w *jsonWriter) AddUint64(k string, v uint64)          { w.b = strconv.AppendUint(w.keyed(k), v, 10) }
func (w *jsonWriter) AddUint32(k string, v uint32)          { w.AddUint64(k, uint64(v)) }
func (w *jsonWriter) AddUint16(k string, v uint16)          { w.AddUint64(k, uint64(v)) }
func (w *jsonWriter) AddUint8(k string, v uint8)            { w.AddUint64(k, uint64(v)) }
func (w *jsonWriter) AddUintptr(k string, v uintptr)        { w.AddUint64(k, uint64(v)) }

func (w *jsonWriter) AddReflected(k string, v any) error {
	w.key(k)
	return w.AppendReflected(v)
}

func (w *jsonWriter) OpenNamespace(k string) {
	w.key(k)
	w.b = append(w.b, '{')
	w.openNamespaces++
}

// ArrayEncoder.

func (w *jsonWriter) AppendArray(v zapcore.ArrayMarshaler) error {
	w.b = append(w.sep(), '[')
	err := v.MarshalLogArray(w)
	w.b = append(w.b, ']')
	return err
}

func (w *jsonWriter) AppendObject(v zapcore.ObjectMarshaler) error {
	outer := w.openNamespaces
	w.openNamespaces = 0
	w.b = append(w.sep(), '{')
	err := v.MarshalLogObject(w)
	w.closeNamespaces()
	w.b = append(w.b, '}')
	w.openNamespaces = outer
	return err
}

func (w *jsonWriter) AppendBool(v bool) { w.b = strconv.AppendBool(w.sep(), v) }

func (w *jsonWriter) AppendByteString(v []byte) { w.b = jsonfmt.AppendBytes(w.sep(), v) }

func (w *jsonWriter) appendBinary(v []byte) {
	w.separator()
	w.b = append(w.b, '"')
	w.b = base64.StdEncoding.AppendEncode(w.b, v)
	w.b = append(w.b, '"')
}

func (w *jsonWriter) AppendComplex128(v complex128) { w.appendComplex(v, 64) }
func (w *jsonWriter) AppendComplex64(v complex64)   { w.appendComplex(complex128(v), 32) }

// appendComplex writes a complex number as zap does, a string "1+2i": JSON
// has no complex numbers and serde_json none to copy.
func (w *jsonWriter) appendComplex(v complex128, bits int) {
	w.separator()
	w.b = append(w.b, '"')
	w.b = appendComplexText(w.b, v, bits)
	w.b = append(w.b, '"')
}

func appendComplexText(b []byte, v complex128, bits int) []byte {
	b = strconv.AppendFloat(b, real(v), 'g', -1, bits)
	if imag(v) >= 0 {
		b = append(b, '+')
	}
	b = strconv.AppendFloat(b, imag(v), 'g', -1, bits)
	return append(b, 'i')
}

// AppendDuration writes a duration as a string in zap's String form ("1.5s").
func (w *jsonWriter) AppendDuration(v time.Duration) {
	w.separator()
	w.b = append(w.b, '"')
	w.b = appendDurationText(w.b, v)
	w.b = append(w.b, '"')
}

func appendDurationText(b []byte, v time.Duration) []byte {
	// time.Duration.String allocates only for its result; durations are rare
	// enough in log fields that a hand-written formatter is not worth it.
	return append(b, v.String()...)
}

func (w *jsonWriter) AppendFloat64(v float64) { w.b = jsonfmt.AppendFloat64(w.sep(), v) }
func (w *jsonWriter) AppendFloat32(v float32) { w.b = jsonfmt.AppendFloat32(w.sep(), v) }

func (w *jsonWriter) AppendInt(v int)     { w.AppendInt64(int64(v)) }
func (w *jsonWriter) AppendInt32(v int32) { w.AppendInt64(int64(v)) }
func (w *jsonWriter) AppendInt16(v int16) { w.AppendInt64(int64(v)) }
func (w *jsonWriter) AppendInt8(v int8)   { w.AppendInt64(int64(v)) }

func (w *jsonWriter) AppendInt64(v int64) { w.b = strconv.AppendInt(w.sep(), v, 10) }

func (w *jsonWriter) AppendUint(v uint)       { w.AppendUint64(uint64(v)) }
func (w *jsonWriter) AppendUint32(v uint32)   { w.AppendUint64(uint64(v)) }
func (w *jsonWriter) AppendUint16(v uint16)   { w.AppendUint64(uint64(v)) }
func (w *jsonWriter) AppendUint8(v uint8)     { w.AppendUint64(uint64(v)) }
func (w *jsonWriter) AppendUintptr(v uintptr) { w.AppendUint64(uint64(v)) }

func (w *jsonWriter) AppendUint64(v uint64) { w.b = strconv.AppendUint(w.sep(), v, 10) }
func (w *jsonWriter) AppendString(v string) { w.b = jsonfmt.AppendString(w.sep(), v) }

// AppendTime writes a time as a string in RFC 3339 with nanoseconds, in the
// time's own location.
func (w *jsonWriter) AppendTime(v time.Time) {
	b := append(w.sep(), '"')
	b = timefmt.AppendRFC3339Nano(b, v, &w.day)
	w.b = append(b, '"')
}

// AppendReflected writes v through encoding/json with HTML escaping off.
// Inside a reflected value encoding/json's rules hold, not serde_json's:
// floats print as "1", not "1.0", and U+2028/U+2029 are escaped.
// [go.uber.org/zap.Any] on a type of our own choosing (a struct) is the only
// way to get here; typed fields and ObjectMarshalers follow the layout
// exactly. A JSON text ([JSON], json.RawMessage) is written as its JSON
// value (see serde), or as a string when it holds none.
func (w *jsonWriter) AppendReflected(v any) error {
	w.separator()
	switch v := v.(type) {
	case nil:
		w.b = append(w.b, "null"...)
		return nil
	case jsonText:
		if !appendJSONValue(w, v) {
			w.b = jsonfmt.AppendString(w.b, string(v))
		}
		return nil
	case json.RawMessage:
		appendRawMessage(w, v)
		return nil
	case *json.RawMessage:
		if v == nil {
			w.b = append(w.b, "null"...)
		} else {
			appendRawMessage(w, *v)
		}
		return nil
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Keep the output valid: the caller's AddTo reports err under
		// "<key>Error"; the value itself becomes null.
		w.b = append(w.b, "null"...)
		return err
	}
	w.b = append(w.b, bytes.TrimRight(out.Bytes(), "\n")...)
	return nil
}

// appendJSONValue appends the JSON value s holds, as serde_json writes it
// when w.serde, else as written, compacted, and reports whether s held one
// (appending nothing when it did not).
func appendJSONValue[S ~string | ~[]byte](w *jsonWriter, s S) bool {
	if w.serde {
		out, ok := jsonfmt.AppendJSONText(w.b, s)
		if ok {
			w.b = out
		}
		return ok
	}
	buf := bytes.NewBuffer(w.b)
	if json.Compact(buf, []byte(s)) != nil {
		return false
	}
	w.b = buf.Bytes()
	return true
}

// appendRawMessage writes m's JSON value, or m as a JSON string when it
// holds none: text meant as JSON never makes the line invalid and is never
// lost. A nil m is null, as encoding/json writes it.
func appendRawMessage(w *jsonWriter, m json.RawMessage) {
	if m == nil {
		w.b = append(w.b, "null"...)
	} else if !appendJSONValue(w, m) {
		w.b = jsonfmt.AppendBytes(w.b, m)
	}
}
