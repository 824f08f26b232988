package encoder

import (
	"time"

	"sync"

	"github.com/dynlog/dynlog/internal/timefmt"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// readableEncoder writes Dynamo's readable layout (DESIGN §5):
//
//	<TS> <LVL> <SPANS><TARGET>: <MESSAGE><FIELDS><SPANFIELDS>\n
type readableEncoder struct {
	cfg    *config
	fields textFields // the context: fields of With, already rendered
	line   []byte     // scratch for EncodeEntry
}

var _ zapcore.Encoder = (*readableEncoder)(nil)

var readablePool = sync.Pool{New: func() any { return &readableEncoder{} }}

// NewReadable returns an encoder for Dynamo's readable layout (DESIGN §5).
func NewReadable(opts ...Option) zapcore.Encoder {
	cfg := newConfig(opts)
	e := &readableEncoder{cfg: &cfg}
	e.fields.colorKeys = cfg.color
	return e
}

func (e *readableEncoder) Clone() zapcore.Encoder {
	c := &readableEncoder{cfg: e.cfg}
	c.fields.copyFrom(&e.fields)
	return c
}

var readableLevels = [...]string{"TRACE", "DEBUG", " INFO", " WARN", "ERROR"}

var readableLevelColors = [...]string{"\x1b[35m", "\x1b[34m", "\x1b[32m", "\x1b[33m", "\x1b[31m"}

func readableLevelIndex(l zapcore.Level) int {
	switch dynamoLevel(l) {
	case "TRACE":
		return 0
	case "DEBUG":
		return 1
	case "INFO":
		return 2
	case "WARN":
		return 3
	}
	return 4
}

func (e *readableEncoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	f := readablePool.Get().(*readableEncoder)
	f.cfg = e.cfg
	f.fields.copyFrom(&e.fields)
	f.fields.addFields(fields)
	color := e.cfg.color

	b := f.line[:0]
	if color {
		b = append(b, ansiDim...)
	}
	if e.cfg.loc == nil {
		b = timefmt.AppendRFC3339Micro(b, ent.Time, true)
	} else {
		b = timefmt.AppendRFC3339Micro(b, ent.Time.In(e.cfg.loc), false)
	}
	if color {
		b = append(b, ansiReset...)
	}
	b = append(b, ' ')
	lvl := readableLevelIndex(ent.Level)
	if color {
		b = append(b, readableLevelColors[lvl]...)
		b = append(b, readableLevels[lvl]...)
		b = append(b, ansiReset...)
	} else {
		b = append(b, readableLevels[lvl]...)
	}
	b = append(b, ' ')

	spans := f.fields.spans
	if spans != nil && len(spans.Chain) > 0 {
		for _, s := range spans.Chain {
			if color {
				b = append(b, ansiBold...)
				b = appendOneLine(b, s.Name, appendSafeText[string])
				b = append(b, ansiReset...)
			} else {
				b = appendOneLine(b, s.Name, appendSafeText[string])
			}
			b = append(b, ':')
		}
		b = append(b, ' ')
	}

	tgt := f.fields.logTarget
	if !f.fields.bridged {
		tgt = target(ent)
	}
	if color {
		b = append(b, ansiDim...)
		b = appendOneLine(b, tgt, appendSafeText[string])
		b = append(b, ansiReset+ansiDim+":"+ansiReset+" "...)
	} else {
		b = appendOneLine(b, tgt, appendSafeText[string])
		b = append(b, ':', ' ')
	}
	b = appendSafeText(b, ent.Message)

	// Span fields go after the event's, root span first, through the same
	// renderer; spans are not taken out of them again.
	if spans != nil {
		f.fields.spans = nil
		for _, s := range spans.Chain {
			f.fields.nsPrefix = ""
			f.fields.addFields(s.Fields)
		}
	}
	b = append(b, f.fields.w.b...)
	if ent.Stack != "" {
		b = append(b, '\n')
		b = appendSafeText(b, ent.Stack)
	}
	b = append(b, '\n')

	out := bufferPool.Get()
	out.Write(b)
	f.line = b[:0]
	f.fields.reset()
	if cap(f.line) <= maxPooledLine && cap(f.fields.w.b) <= maxPooledLine {
		readablePool.Put(f)
	}
	return out, nil
}

// maxPooledLine keeps a rare huge line from pinning its buffers in a pool.
const maxPooledLine = 64 << 10

// The readable encoder is its own zapcore.ObjectEncoder for With: fields
// added to a clone become its context.

func (e *readableEncoder) AddArray(k string, v zapcore.ArrayMarshaler) error {
	return e.fields.AddArray(k, v)
}
func (e *readableEncoder) AddObject(k string, v zapcore.ObjectMarshaler) error {
	return e.fields.AddObject(k, v)
}
func (e *readableEncoder) AddBinary(k string, v []byte)          { e.fields.AddBinary(k, v) }
func (e *readableEncoder) AddByteString(k string, v []byte)      { e.fields.AddByteString(k, v) }
func (e *readableEncoder) AddBool(k string, v bool)              { e.fields.AddBool(k, v) }
func (e *readableEncoder) AddComplex128(k string, v complex128)  { e.fields.AddComplex128(k, v) }
func (e *readableEncoder) AddComplex64(k string, v complex64)    { e.fields.AddComplex64(k, v) }
func (e *readableEncoder) AddDuration(k string, v time.Duration) { e.fields.AddDuration(k, v) }
func (e *readableEncoder) AddFloat64(k string, v float64)        { e.fields.AddFloat64(k, v) }
func (e *readableEncoder) AddFloat32(k string, v float32)        { e.fields.AddFloat32(k, v) }
func (e *readableEncoder) AddInt(k string, v int)                { e.fields.AddInt(k, v) }
func (e *readableEncoder) AddInt64(k string, v int64)            { e.fields.AddInt64(k, v) }
func (e *readableEncoder) AddInt32(k string, v int32)            { e.fields.AddInt32(k, v) }
func (e *readableEncoder) AddInt16(k string, v int16)            { e.fields.AddInt16(k, v) }
func (e *readableEncoder) AddInt8(k string, v int8)              { e.fields.AddInt8(k, v) }
func (e *readableEncoder) AddString(k, v string)                 { e.fields.AddString(k, v) }
func (e *readableEncoder) AddTime(k string, v time.Time)         { e.fields.AddTime(k, v) }
func (e *readableEncoder) AddUint(k string, v uint)              { e.fields.AddUint(k, v) }
func (e *readableEncoder) AddUint64(k string, v uint64)          { e.fields.AddUint64(k, v) }
func (e *readableEncoder) AddUint32(k string, v uint32)          { e.fields.AddUint32(k, v) }
func (e *readableEncoder) AddUint16(k string, v uint16)          { e.fields.AddUint16(k, v) }
func (e *readableEncoder) AddUint8(k string, v uint8)            { e.fields.AddUint8(k, v) }
func (e *readableEncoder) AddUintptr(k string, v uintptr)        { e.fields.AddUintptr(k, v) }
func (e *readableEncoder) AddReflected(k string, v any) error    { return e.fields.AddReflected(k, v) }
func (e *readableEncoder) OpenNamespace(k string)                { e.fields.OpenNamespace(k) }
