package encoder

import (
	"sync"

	"github.com/dynlog/dynlog/encoder/internal/jsonfmt"
	"github.com/dynlog/dynlog/encoder/internal/timefmt"
	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/target"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// readableEncoder writes Dynamo's readable layout:
//
//	<TS> <LVL> <SPANS><TARGET>: <MESSAGE><FIELDS><SPANFIELDS>\n
type readableEncoder struct {
	cfg *config
	// The context, fields of With already rendered. Embedded: the encoder
	// is its own zapcore.ObjectEncoder, so zap's With adds to it.
	textFields
	// headDay is the date of the last line's own time (see the JSONL
	// encoder's).
	headDay timefmt.Day
}

var _ zapcore.Encoder = (*readableEncoder)(nil)

var readablePool = sync.Pool{New: func() any { return &readableEncoder{} }}

// NewReadable returns an encoder for Dynamo's readable layout.
func NewReadable(opts ...Option) zapcore.Encoder {
	cfg := newConfig(opts)
	e := &readableEncoder{cfg: &cfg}
	e.textFields.colorKeys = cfg.color
	return e
}

func (e *readableEncoder) Clone() zapcore.Encoder {
	c := &readableEncoder{cfg: e.cfg}
	c.textFields.copyFrom(&e.textFields)
	return c
}

// readableLevelColors are the colours of TRACE … ERROR, indexed by
// [levels.DynamoIndex].
var readableLevelColors = [...]string{"\x1b[35m", "\x1b[34m", "\x1b[32m", "\x1b[33m", "\x1b[31m"}

func (e *readableEncoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	if e.cfg.maxLine > 0 {
		return encodeCapped(e.cfg.maxLine, ent, fields, e.encode), nil
	}
	return e.encode(ent, fields, nil), nil
}

// encode writes one line, cutting its message and values as cut says when
// it is not nil.
func (e *readableEncoder) encode(ent zapcore.Entry, fields []zapcore.Field, cut *lineCut) *buffer.Buffer {
	f := readablePool.Get().(*readableEncoder)
	f.cfg = e.cfg
	f.textFields.copyFrom(&e.textFields)
	f.textFields.cut = cut
	f.textFields.addFields(fields)
	f.textFields.cut = nil
	color := e.cfg.color
	msg := ent.Message
	if cut != nil {
		msg = cutText(msg, 0, cut.msgRoom, 0, safeTextLen[string])
	}

	// The line's size, so that a long message or value is written once,
	// into storage of the right size.
	msgLen, stackLen := len(msg), len(ent.Stack)
	if msgLen >= jsonfmt.LongText {
		msgLen = safeTextLen(msg)
	}
	if stackLen >= jsonfmt.LongText {
		stackLen = safeTextLen(ent.Stack)
	}
	spans := f.textFields.spans
	f.addSpanFields()
	rendered := f.textFields.w.b
	out, b := startLine(readableHeadRoom + len(ent.LoggerName) + msgLen + len(rendered) + stackLen)
	if color {
		b = append(b, ansiDim...)
	}
	if e.cfg.loc == nil {
		b = timefmt.AppendRFC3339Micro(b, ent.Time, true, &f.headDay)
	} else {
		b = timefmt.AppendRFC3339Micro(b, ent.Time.In(e.cfg.loc), false, &f.headDay)
	}
	if color {
		b = append(b, ansiReset...)
	}
	b = append(b, ' ')
	if color {
		b = append(b, readableLevelColors[levels.DynamoIndex(ent.Level)]...)
		b = append(b, levels.ReadableName(ent.Level)...)
		b = append(b, ansiReset...)
	} else {
		b = append(b, levels.ReadableName(ent.Level)...)
	}
	b = append(b, ' ')

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

	tgt := f.textFields.logTarget
	if !f.textFields.bridged {
		tgt = target.Of(ent)
	}
	if color {
		b = append(b, ansiDim...)
		b = appendOneLine(b, tgt, appendSafeText[string])
		b = append(b, ansiReset+ansiDim+":"+ansiReset+" "...)
	} else {
		b = appendOneLine(b, tgt, appendSafeText[string])
		b = append(b, ':', ' ')
	}
	msgStart := len(b)
	b = appendSafeText(b, msg)
	if cut != nil {
		cut.msgSize = len(b) - msgStart
	}

	if msg == "" && len(rendered) > 0 && rendered[0] == ' ' {
		rendered = rendered[1:] // "target: k=v", one space after the colon
	}
	b = append(b, rendered...)
	if ent.Stack != "" {
		b = append(b, '\n')
		b = appendSafeText(b, ent.Stack)
	}
	b = append(b, '\n')

	f.textFields.reset()
	if cap(f.textFields.w.b) <= maxPooledLine {
		readablePool.Put(f)
	}
	return finishLine(out, b)
}

// readableHeadRoom is room enough for what a line holds besides its target,
// message, fields and stack: time, level, colours, span names.
const readableHeadRoom = 128

// maxPooledLine keeps a rare huge line from pinning its buffers in a pool.
const maxPooledLine = 64 << 10
