package encoder

import (
	"bytes"
	"strconv"
	"sync"

	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/timefmt"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// vllmEncoder writes vLLM's text layout (DESIGN §6):
//
//	{PREFIX}{LEVEL} {MM-DD HH:MM:SS} [{FILEINFO}:{LINE}] {MESSAGE}\n
//
// with every newline inside the record turned into "\r\n" and the header
// again, as vLLM's NewLineFormatter does.
type vllmEncoder struct {
	cfg *config
	// The context, fields of With already rendered. Embedded: the encoder
	// is its own zapcore.ObjectEncoder, so zap's With adds to it.
	textFields
	header []byte // scratch
	body   []byte // scratch
	line   []byte // scratch
}

var _ zapcore.Encoder = (*vllmEncoder)(nil)

var vllmPool = sync.Pool{New: func() any { return &vllmEncoder{} }}

// NewVLLM returns an encoder for vLLM's text layout (DESIGN §6).
func NewVLLM(opts ...Option) zapcore.Encoder {
	cfg := newConfig(opts)
	cfg.prefix = string(appendValidUTF8(nil, cfg.prefix)) // the header is valid UTF-8 like the rest
	return &vllmEncoder{cfg: &cfg}
}

func (e *vllmEncoder) Clone() zapcore.Encoder {
	c := &vllmEncoder{cfg: e.cfg}
	c.textFields.copyFrom(&e.textFields)
	return c
}

// vllmLevelColor is vLLM's ColoredFormatter table; levels it does not list
// (TRACE here, custom levels there) stay uncoloured.
func vllmLevelColor(l zapcore.Level) string {
	switch {
	case l <= levels.Trace:
		return ""
	case l == zapcore.DebugLevel:
		return "\x1b[37m"
	case l == zapcore.InfoLevel:
		return "\x1b[32m"
	case l == zapcore.WarnLevel:
		return "\x1b[33m"
	case l == zapcore.ErrorLevel:
		return "\x1b[31m"
	}
	return "\x1b[35m"
}

func (e *vllmEncoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	f := vllmPool.Get().(*vllmEncoder)
	f.cfg = e.cfg
	f.textFields.copyFrom(&e.textFields)
	f.textFields.addFields(fields)
	color := e.cfg.color

	h := append(f.header[:0], e.cfg.prefix...)
	if c := vllmLevelColor(ent.Level); color && c != "" {
		h = append(h, c...)
		h = append(h, vllmLevel(ent.Level)...)
		h = append(h, ansiReset...)
	} else {
		h = append(h, vllmLevel(ent.Level)...)
	}
	h = append(h, ' ')
	if color {
		h = append(h, ansiGrey...)
	}
	t := ent.Time
	if e.cfg.loc != nil {
		t = t.In(e.cfg.loc)
	} else {
		t = t.Local()
	}
	h = timefmt.AppendVLLM(h, t)
	if color {
		h = append(h, ansiReset+" "+ansiGrey+"["...)
	} else {
		h = append(h, ' ', '[')
	}
	h = e.appendFileInfo(h, ent, &f.textFields)
	h = append(h, ']')
	if color {
		h = append(h, ansiReset...)
	}
	h = append(h, ' ')

	// The record: message, fields, stack. Only invalid UTF-8 is changed;
	// vLLM writes everything else as it is.
	body := appendValidUTF8(f.body[:0], ent.Message)
	f.addSpanFields()
	body = append(body, f.textFields.w.b...)
	if ent.Stack != "" {
		body = append(body, '\n')
		body = appendValidUTF8(body, ent.Stack)
	}

	f.body = body[:0] // keep the grown buffer; the loop below re-slices body
	b := f.line[:0]
	if e.cfg.bare {
		b = append(b, body...)
		body = body[:0]
	} else {
		b = append(b, h...)
	}
	for {
		i := bytes.IndexByte(body, '\n')
		if i < 0 {
			break
		}
		b = append(b, body[:i]...)
		b = append(b, '\r', '\n')
		b = append(b, h...)
		body = body[i+1:]
	}
	b = append(b, body...)
	b = append(b, '\n')

	out := bufferPool.Get()
	out.Write(b)
	f.header, f.line = h[:0], b[:0]
	f.textFields.reset()
	if cap(f.line) <= maxPooledLine && cap(f.body) <= maxPooledLine && cap(f.textFields.w.b) <= maxPooledLine {
		vllmPool.Put(f)
	}
	return out, nil
}

// appendFileInfo writes "{FILEINFO}:{LINE}": the caller's base name, or in
// DEBUG mode its shortened module-relative path. A bridged record shows its
// foreign origin (log.file, log.line); an entry without a caller shows
// "unknown:0", since vLLM always has one.
func (e *vllmEncoder) appendFileInfo(h []byte, ent zapcore.Entry, t *textFields) []byte {
	var file string
	var line int64
	switch {
	case t.bridged && t.logFile != "":
		file, line = baseName(t.logFile), t.logLine
	case ent.Caller.Defined:
		if e.cfg.relPaths {
			file = relativePath(ent.Caller)
		} else {
			file = baseName(ent.Caller.File)
		}
		line = int64(ent.Caller.Line)
	default:
		file = "unknown"
	}
	h = appendOneLine(h, file, appendValidUTF8)
	h = append(h, ':')
	return strconv.AppendInt(h, line, 10)
}

func baseName(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if path[i] == '/' || path[i] == '\\' {
			return path[i+1:]
		}
	}
	return path
}

// appendValidUTF8 appends s with each invalid UTF-8 byte replaced by U+FFFD.
func appendValidUTF8(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); {
		if s[i] < 0x80 {
			i++
			continue
		}
		r, size := decodeRuneIn(s[i:])
		if r == 0xFFFD && size == 1 {
			b = append(b, s[last:i]...)
			b = append(b, "\uFFFD"...)
			i++
			last = i
			continue
		}
		i += size
	}
	return append(b, s[last:]...)
}
