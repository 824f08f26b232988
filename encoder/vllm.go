package encoder

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/dynlog/dynlog/encoder/internal/jsonfmt"
	"github.com/dynlog/dynlog/encoder/internal/timefmt"
	"github.com/dynlog/dynlog/internal/decoration"
	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// vllmEncoder writes vLLM's text layout:
//
//	{PREFIX}{LEVEL} {MM-DD HH:MM:SS} [{FILEINFO}:{LINE}] {MESSAGE}\n
//
// with every newline inside the record turned into "\r\n" and the header
// again, as vLLM's NewLineFormatter does, and each physical line decorated
// with the process name when one is set, as vLLM's decorate_logs does.
type vllmEncoder struct {
	cfg *config
	// The parsed prefix and the process decoration ("" for none), shared by
	// every clone.
	prefix     []prefixPart
	prefixNL   bool // the prefix's literal text holds a '\n'
	decoration string
	// The context, fields of With already rendered. Embedded: the encoder
	// is its own zapcore.ObjectEncoder, so zap's With adds to it.
	textFields
	header []byte // scratch
	cont   []byte // scratch: what a newline in the record becomes
}

var _ zapcore.Encoder = (*vllmEncoder)(nil)

var vllmPool = sync.Pool{New: func() any { return &vllmEncoder{} }}

// NewVLLM returns an encoder for vLLM's text layout: [WithPrefix],
// [WithProcessName], [WithColor], [WithLocation], [WithRelativePaths] and
// [WithBareMessages] apply.
func NewVLLM(opts ...Option) zapcore.Encoder {
	cfg := newConfig(opts)
	cfg.prefix = string(appendPlainText(nil, cfg.prefix)) // the header is valid UTF-8 like the rest
	pid := os.Getpid()
	name := cfg.process
	e := &vllmEncoder{cfg: &cfg}
	if name != "" {
		e.decoration = decoration.Prefix(name, pid, cfg.color)
	} else {
		name = defaultProcessName
	}
	e.prefix = parsePrefix(cfg.prefix, pid, string(appendPlainText(nil, name)))
	for _, p := range e.prefix {
		e.prefixNL = e.prefixNL || strings.Contains(p.text, "\n")
	}
	return e
}

func (e *vllmEncoder) Clone() zapcore.Encoder {
	c := &vllmEncoder{cfg: e.cfg, prefix: e.prefix, prefixNL: e.prefixNL, decoration: e.decoration}
	c.textFields.copyFrom(&e.textFields)
	return c
}

// vllmLevelColors is vLLM's ColoredFormatter table, indexed by
// [levels.VLLMIndex]; levels it does not list (TRACE here, custom levels
// there) stay uncoloured.
var vllmLevelColors = [...]string{"", "\x1b[37m", "\x1b[32m", "\x1b[33m", "\x1b[31m", "\x1b[35m"}

// vllmLevelColor is the colour of l's vLLM level name, "" for none.
func vllmLevelColor(l zapcore.Level) string { return vllmLevelColors[levels.VLLMIndex(l)] }

func (e *vllmEncoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	if e.cfg.maxLine > 0 {
		return encodeCapped(e.cfg.maxLine, ent, fields, e.encode), nil
	}
	return e.encode(ent, fields, nil), nil
}

// encode writes one line, cutting its message and values as cut says when
// it is not nil.
func (e *vllmEncoder) encode(ent zapcore.Entry, fields []zapcore.Field, cut *lineCut) *buffer.Buffer {
	f := vllmPool.Get().(*vllmEncoder)
	f.cfg = e.cfg
	f.textFields.copyFrom(&e.textFields)
	f.textFields.cut = cut
	f.textFields.addFields(fields)
	f.textFields.cut = nil
	color := e.cfg.color

	h := e.appendPrefix(f.header[:0], ent, &f.textFields, color)
	if c := vllmLevelColor(ent.Level); color && c != "" {
		h = append(h, c...)
		h = append(h, levels.VLLMName(ent.Level)...)
		h = append(h, ansiReset...)
	} else {
		h = append(h, levels.VLLMName(ent.Level)...)
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

	// The record: message, fields, stack. The message is written as the
	// readable layout writes it, unable to drive the terminal; vLLM writes
	// it raw.
	f.addSpanFields()
	rendered := f.textFields.w.b

	// What vLLM's NewLineFormatter does to the formatted record: every '\n'
	// in it, the prefix's own included, becomes "\r\n" and the header. Then
	// what decorate_logs does to the stream: the decoration after every
	// '\n' but the last, and at the start. Each part of the record is
	// written straight into the line with its newlines replaced, so that a
	// long message is copied once.
	deco := e.decoration
	msg := ent.Message
	if cut != nil {
		// Each newline in the message costs a header.
		header := len(h) + len(deco)*bytes.Count(h, newline)
		msg = cutText(msg, 0, cut.msgRoom, 0, func(s string) int {
			return safeTextLen(s) + strings.Count(s, "\n")*(1+len(deco)+header)
		})
	}
	newlines := strings.Count(msg, "\n") + strings.Count(ent.Stack, "\n") + bytes.Count(rendered, newline)
	if ent.Stack != "" {
		newlines++ // the one before the stack
	}
	if e.prefixNL {
		newlines += bytes.Count(h, newline)
	}
	nl := f.cont[:0]
	switch {
	case e.cfg.bare:
		nl = append(append(nl, '\n'), deco...)
	case newlines > 0:
		nl = append(nl, '\r', '\n')
		nl = append(nl, deco...)
		nl = appendDecorated(nl, h, deco)
	default:
		nl = append(nl, '\n') // no newline to replace
	}

	msgLen, stackLen := len(msg), len(ent.Stack)
	if msgLen >= jsonfmt.LongText {
		msgLen = safeTextLen(msg)
	}
	if stackLen >= jsonfmt.LongText {
		stackLen = safeTextLen(ent.Stack)
	}
	out, b := startLine(len(deco) + len(h) + msgLen + len(rendered) + 1 + stackLen + 1 + newlines*(len(nl)-1))
	b = append(b, deco...)
	if !e.cfg.bare {
		if e.prefixNL {
			b = appendReplacingNewlines(b, h, nl)
		} else {
			b = append(b, h...)
		}
	}
	msgStart := len(b)
	for rest := msg; ; {
		i := strings.IndexByte(rest, '\n')
		if i < 0 {
			b = appendSafeText(b, rest)
			break
		}
		b = appendSafeText(b, rest[:i])
		b = append(b, nl...)
		rest = rest[i+1:]
	}
	if cut != nil {
		cut.msgSize = len(b) - msgStart
	}
	b = appendReplacingNewlines(b, rendered, nl)
	if ent.Stack != "" {
		b = append(b, nl...)
		for stack := ent.Stack; ; {
			i := strings.IndexByte(stack, '\n')
			if i < 0 {
				b = appendPlainText(b, stack)
				break
			}
			b = appendPlainText(b, stack[:i])
			b = append(b, nl...)
			stack = stack[i+1:]
		}
	}
	b = append(b, '\n')

	f.header, f.cont = h[:0], nl[:0]
	f.textFields.reset()
	if cap(f.cont) <= maxPooledLine && cap(f.textFields.w.b) <= maxPooledLine {
		vllmPool.Put(f)
	}
	return finishLine(out, b)
}

var newline = []byte{'\n'}

// appendReplacingNewlines appends s with every '\n' in it replaced by cont.
func appendReplacingNewlines(b, s, cont []byte) []byte {
	for {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i]...)
		b = append(b, cont...)
		s = s[i+1:]
	}
}

// appendDecorated appends s with deco after every '\n' in it.
func appendDecorated(b, s []byte, deco string) []byte {
	if deco == "" {
		return append(b, s...)
	}
	for {
		i := bytes.IndexByte(s, '\n')
		if i < 0 {
			return append(b, s...)
		}
		b = append(b, s[:i+1]...)
		b = append(b, deco...)
		s = s[i+1:]
	}
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
	h = appendOneLine(h, file, appendSafeText[string])
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

// appendPlainText appends s with each invalid UTF-8 byte replaced by U+FFFD
// and the bidirectional controls escaped as \u{…}: the text vLLM writes raw
// (prefix, process name, stack) may hold anything but cannot turn a line
// around.
func appendPlainText(b []byte, s string) []byte {
	b = makeRoom(b, s, safeTextLen[string]) // at least what this writes
	last := 0
	for i := 0; i < len(s); {
		if s[i] < 0x80 {
			i++
			continue
		}
		r, size := decodeRuneIn(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[last:i]...)
			b = append(b, "\uFFFD"...)
		case isBidi(r):
			b = append(b, s[last:i]...)
			b = appendUnicodeEscape(b, r)
		default:
			i += size
			continue
		}
		i += size
		last = i
	}
	return append(b, s[last:]...)
}
