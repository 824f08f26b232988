package encoder

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/dynlog/dynlog/encoder/internal/jsonfmt"
	"github.com/dynlog/dynlog/encoder/internal/timefmt"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/outside"
	"go.uber.org/zap/zapcore"
)

// ANSI sequences of the readable and vLLM layouts.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiItalic = "\x1b[3m"
	ansiGrey   = "\x1b[90m"
)

// textFields collects fields as " name=value" in call order for the two text
// layouts: strings quoted with Rust's Debug escapes, numbers,
// bools, durations and times plain, errors as their unquoted text, objects,
// arrays and zap.Any as JSON. It also takes out what the layouts print
// elsewhere: the spans in scope and a bridged record's log.* fields.
type textFields struct {
	w         jsonWriter // w.b holds the rendered fields
	colorKeys bool       // readable with colour: ESC[3mname ESC[0m ESC[2m=ESC[0m
	nsPrefix  string     // "a.b." after zap.Namespace("a"), zap.Namespace("b")
	errorKey  string     // the next AddString of this key is Display text
	inError   bool       // (an error's or a Stringer's), while inError
	guarded   bool       // addFields recovers from a panic in the caller's code
	// cut: the line's own string values are cut to a line cap
	// (WithMaxLineBytes), while set.
	cut *lineCut

	spans *vocab.Spans
	// A record bridged from a foreign logger: its log.* fields,
	// hidden from the field list.
	logTarget, logFile string
	logLine            int64
	bridged            bool
}

var _ zapcore.ObjectEncoder = (*textFields)(nil)

// addFields adds fields, marking error and Stringer fields (Rust's
// &dyn Error and %value, Display) so that their text is written unquoted
// while zap's own handling (panicking methods, verbose and grouped errors)
// still applies.
//
// A field whose value runs the caller's code and panics costs itself
// alone, as in the JSONL layout (jsonlEncoder.addFields): written null
// (nothing, for zap.Inline) with the panic as <key>Error, "PANIC=…".
func (t *textFields) addFields(fields []zapcore.Field) {
	t.guarded = true
	for i := 0; i < len(fields); {
		i = t.addFieldsFrom(fields, i)
	}
	t.guarded = false
}

// addFieldsFrom adds fields[i:] and returns the index of the next field
// to add: len(fields), or the one after a field that panicked.
func (t *textFields) addFieldsFrom(fields []zapcore.Field, i int) (next int) {
	var m textMark
	defer func() {
		if r := recover(); r != nil {
			t.restore(m)
			writePanicked(t, &fields[next], r)
			next++
		}
	}()
	for next = i; next < len(fields); next++ {
		f := &fields[next]
		switch f.Type {
		case zapcore.ErrorType, zapcore.StringerType:
			t.errorKey, t.inError = f.Key, true
			f.AddTo(t)
			t.errorKey, t.inError = "", false
		case zapcore.ObjectMarshalerType, zapcore.ArrayMarshalerType, zapcore.InlineMarshalerType, zapcore.ReflectType:
			m = t.mark()
			f.AddTo(t)
		default:
			f.AddTo(t)
		}
	}
	return next
}

// textMark is what a field's value can change in t (an inline marshaler's
// any of its fields but the buffer's bytes): the state to go back to when
// the caller's code panics while writing it.
type textMark struct {
	t textFields
	n int
}

func (t *textFields) mark() textMark { return textMark{*t, len(t.w.b)} }

func (t *textFields) restore(m textMark) {
	b := t.w.b[:m.n]
	*t = m.t
	t.w.b = b
}

// recovered, deferred by a value added outside addFields (a context's
// field, from With), cuts what it wrote when it panicked, writes it null,
// and makes the panic the error, which zap's Field.AddTo writes as
// <key>Error.
func (t *textFields) recovered(m textMark, k string, err *error) {
	if r := recover(); r != nil {
		t.restore(m)
		_ = t.AddReflected(k, nil)
		*err = fmt.Errorf("PANIC=%v", r)
	}
}

// copyFrom makes t a context-carrying copy of o, sharing nothing mutable.
func (t *textFields) copyFrom(o *textFields) {
	t.w.b = append(t.w.b[:0], o.w.b...)
	t.colorKeys = o.colorKeys
	t.nsPrefix = o.nsPrefix
	t.spans = o.spans
	t.logTarget, t.logFile, t.logLine, t.bridged = o.logTarget, o.logFile, o.logLine, o.bridged
}

func (t *textFields) reset() {
	t.w.b = t.w.b[:0]
	t.nsPrefix, t.errorKey, t.inError, t.cut = "", "", false, nil
	t.spans = nil
	t.logTarget, t.logFile, t.logLine, t.bridged = "", "", 0, false
}

// addSpanFields adds the fields of every span in scope, root first, after
// the event's own. Spans are not taken out of them again.
func (t *textFields) addSpanFields() {
	spans := t.spans
	if spans == nil {
		return
	}
	t.spans = nil
	for _, s := range spans.Chain {
		t.nsPrefix = ""
		start := len(t.w.b)
		t.addFields(s.Fields)
		if t.colorKeys && len(t.w.b) > start {
			// tracing-subscriber writes each span's fields dimmed, as one
			// group: " ESC[2m" + "name=value name=value" + "ESC[0m".
			t.w.b = slices.Insert(t.w.b, start+1, []byte(ansiDim)...)
			t.w.b = append(t.w.b, ansiReset...)
		}
	}
}

// key writes " name=" and arms the JSON writer for one value.
func (t *textFields) key(k string) {
	t.w.b = append(t.w.b, ' ')
	if t.colorKeys {
		t.w.b = append(t.w.b, ansiItalic...)
	}
	if plainKey(t.nsPrefix) && plainKey(k) && (k != "" || t.nsPrefix != "") {
		t.w.b = append(t.w.b, t.nsPrefix...)
		t.w.b = append(t.w.b, k...)
	} else {
		// A name that could forge a field or a line ("a b", "x=y", a
		// quote, a newline, a control) is written as a quoted string.
		t.w.b = append(t.w.b, '"')
		t.w.b = appendDebugContent(t.w.b, t.nsPrefix)
		t.w.b = appendDebugContent(t.w.b, k)
		t.w.b = append(t.w.b, '"')
	}
	if t.colorKeys {
		t.w.b = append(t.w.b, ansiReset+ansiDim+"="+ansiReset...)
	} else {
		t.w.b = append(t.w.b, '=')
	}
	t.w.fresh = true
}

// plainKey reports whether a field name can be written as it is: letters,
// digits (any script) and _ . - : # only, the characters of Rust field
// names (identifiers, r#type, dotted names such as time.busy) and Go ones.
// Space, '=', quotes, controls and other symbols could forge a field or a
// line. The empty name is plain only as part of a longer one.
func plainKey(k string) bool {
	for _, r := range k {
		switch {
		case r < utf8.RuneSelf:
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
				r == '_' || r == '.' || r == '-' || r == ':' || r == '#') {
				return false
			}
		case r == utf8.RuneError, !unicode.IsLetter(r) && !unicode.IsDigit(r):
			return false
		}
	}
	return true
}

// displayForges reports whether Display text written unquoted would read as
// a further field: a word of its own, after a space, of the form name=….
// Such a value is quoted instead.
func displayForges(v string) bool {
	for i := 0; i < len(v); {
		j := strings.IndexByte(v[i:], '=')
		if j < 0 {
			return false
		}
		eq := i + j
		sp := strings.LastIndexByte(v[:eq], ' ')
		if sp >= 0 && eq > sp+1 && plainKey(v[sp+1:eq]) {
			return true
		}
		i = eq + 1
	}
	return false
}

func (t *textFields) hidden(k string) bool {
	return t.nsPrefix == "" && len(k) > 4 && k[:4] == "log."
}

func (t *textFields) AddArray(k string, v zapcore.ArrayMarshaler) (err error) {
	if !t.guarded {
		defer t.recovered(t.mark(), k, &err)
	}
	t.key(k)
	start := len(t.w.b)
	err = t.w.AppendArray(v)
	t.w.b = escapeJSONControls(t.w.b, start)
	return err
}

func (t *textFields) AddObject(k string, v zapcore.ObjectMarshaler) (err error) {
	if s, ok := v.(*vocab.Spans); ok && k == vocab.SpansKey && t.nsPrefix == "" {
		t.spans = s
		return nil
	}
	if !t.guarded {
		defer t.recovered(t.mark(), k, &err)
	}
	t.key(k)
	start := len(t.w.b)
	err = t.w.AppendObject(v)
	t.w.b = escapeJSONControls(t.w.b, start)
	return err
}

func (t *textFields) AddReflected(k string, v any) (err error) {
	if !t.guarded {
		defer t.recovered(t.mark(), k, &err)
	}
	t.key(k)
	start := len(t.w.b)
	err = t.w.AppendReflected(v)
	t.w.b = escapeJSONControls(t.w.b, start)
	return err
}

// escapeJSONControls rewrites b[start:], the JSON text of an object, array
// or zap.Any value in a text layout, with DEL, the C1 controls and the
// bidirectional controls as JSON escapes (\u007f, \u009b, \u202e), which
// JSON writes raw: the same JSON value, unable to drive the terminal or turn
// the line around. They can only stand inside its strings. Text without
// them, the usual case, costs three byte searches.
func escapeJSONControls(b []byte, start int) []byte {
	tail := b[start:]
	if bytes.IndexByte(tail, 0x7f) < 0 && bytes.IndexByte(tail, 0xc2) < 0 && bytes.IndexByte(tail, 0xe2) < 0 {
		return b
	}
	out := make([]byte, 0, len(tail)+32)
	last := 0
	for i := 0; i < len(tail); {
		r, size := rune(tail[i]), 1
		if r >= utf8.RuneSelf {
			r, size = decodeRuneIn(tail[i:])
		}
		if r == 0x7f || r >= 0x80 && r <= 0x9f || isBidi(r) {
			out = append(out, tail[last:i]...)
			out = append(out, '\\', 'u', hexDigit[r>>12&0xf], hexDigit[r>>8&0xf], hexDigit[r>>4&0xf], hexDigit[r&0xf])
			last = i + size
		}
		i += size
	}
	out = append(out, tail[last:]...)
	return append(b[:start], out...)
}

func (t *textFields) AddBinary(k string, v []byte) {
	t.key(k)
	t.w.b = append(t.w.b, '"')
	t.w.b = base64.StdEncoding.AppendEncode(t.w.b, v)
	t.w.b = append(t.w.b, '"')
}

func (t *textFields) AddByteString(k string, v []byte) {
	t.key(k)
	start := len(t.w.b)
	if s, ok := t.cut.byteValue(v, 2, debugContentLen[string]); ok {
		t.w.b = appendDebugQuoted(t.w.b, s)
	} else {
		t.w.b = appendDebugQuoted(t.w.b, v)
	}
	t.cut.record(len(t.w.b) - start)
}

func (t *textFields) AddBool(k string, v bool) {
	t.key(k)
	t.w.b = strconv.AppendBool(t.w.b, v)
}

func (t *textFields) AddComplex128(k string, v complex128) {
	t.key(k)
	t.w.b = appendComplexText(t.w.b, v, 64)
}

func (t *textFields) AddComplex64(k string, v complex64) {
	t.key(k)
	t.w.b = appendComplexText(t.w.b, complex128(v), 32)
}

func (t *textFields) AddDuration(k string, v time.Duration) {
	t.key(k)
	t.w.b = appendDurationText(t.w.b, v)
}

func (t *textFields) AddFloat64(k string, v float64) {
	t.key(k)
	t.w.b = appendFloatText(t.w.b, v, false)
}

func (t *textFields) AddFloat32(k string, v float32) {
	t.key(k)
	t.w.b = appendFloatText(t.w.b, float64(v), true)
}

// appendFloatText writes a float as Rust's {:?} does (tracing-subscriber
// writes f64 fields with Debug): plain with ".0" when 1e-4 ≤ |x| < 1e16,
// else "1e16", "1.5e-7"; NaN, inf, -inf.
func appendFloatText(b []byte, v float64, is32 bool) []byte {
	if is32 {
		return jsonfmt.AppendDebugFloat32(b, float32(v))
	}
	return jsonfmt.AppendDebugFloat64(b, v)
}

func (t *textFields) AddInt(k string, v int)     { t.AddInt64(k, int64(v)) }
func (t *textFields) AddInt32(k string, v int32) { t.AddInt64(k, int64(v)) }
func (t *textFields) AddInt16(k string, v int16) { t.AddInt64(k, int64(v)) }
func (t *textFields) AddInt8(k string, v int8)   { t.AddInt64(k, int64(v)) }

func (t *textFields) AddInt64(k string, v int64) {
	if t.hidden(k) {
		if k == vocab.LogLineKey {
			t.logLine = v
		}
		return
	}
	t.key(k)
	t.w.b = strconv.AppendInt(t.w.b, v, 10)
}

func (t *textFields) AddUint(k string, v uint)       { t.AddUint64(k, uint64(v)) }
func (t *textFields) AddUint32(k string, v uint32)   { t.AddUint64(k, uint64(v)) }
func (t *textFields) AddUint16(k string, v uint16)   { t.AddUint64(k, uint64(v)) }
func (t *textFields) AddUint8(k string, v uint8)     { t.AddUint64(k, uint64(v)) }
func (t *textFields) AddUintptr(k string, v uintptr) { t.AddUint64(k, uint64(v)) }

func (t *textFields) AddUint64(k string, v uint64) {
	if t.hidden(k) {
		if k == vocab.LogLineKey {
			t.logLine = int64(v)
		}
		return
	}
	t.key(k)
	t.w.b = strconv.AppendUint(t.w.b, v, 10)
}

func (t *textFields) AddString(k, v string) {
	if t.hidden(k) {
		switch k {
		case vocab.LogTargetKey:
			t.logTarget, t.bridged = v, true
		case vocab.LogFileKey:
			t.logFile = v
		}
		return
	}
	t.key(k)
	start := len(t.w.b)
	if t.inError && k == t.errorKey {
		t.inError = false // only the Display text, not an error's Verbose twin
		v = t.cut.value(v, 2, oneLineLen)
		if displayForges(v) {
			t.w.b = appendDebugQuoted(t.w.b, v)
		} else {
			t.w.b = appendOneLine(t.w.b, v, appendSafeText[string])
		}
	} else {
		v = t.cut.value(v, 2, debugContentLen[string])
		t.w.b = appendDebugQuoted(t.w.b, v)
	}
	t.cut.record(len(t.w.b) - start)
}

func (t *textFields) AddTime(k string, v time.Time) {
	t.key(k)
	t.w.b = timefmt.AppendRFC3339Nano(t.w.b, v, &t.w.day)
}

func (t *textFields) OpenNamespace(k string) {
	t.nsPrefix += k + "."
}

// appendDebugQuoted writes s quoted as Rust's {:?} writes a str: \" \\ \n
// \r \t \0 escaped; \u{…} for every character Rust escapes
// (debugEscaped: controls, format characters, unassigned, private use,
// separators other than the space, Grapheme_Extend); invalid UTF-8 as
// U+FFFD; everything else, the single quote included, raw.
func appendDebugQuoted[S ~string | ~[]byte](b []byte, s S) []byte {
	b = append(b, '"')
	b = appendDebugContent(b, s)
	return append(b, '"')
}

func appendDebugContent[S ~string | ~[]byte](b []byte, s S) []byte {
	b = makeRoom(b, s, debugContentLen[S])
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = decodeRuneIn(s[i:])
			if !(r == utf8.RuneError && size == 1) && !isDebugEscaped(r) {
				i += size
				continue
			}
		}
		b = append(b, s[last:i]...)
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, "\uFFFD"...)
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, '\\', 'n')
		case r == '\r':
			b = append(b, '\\', 'r')
		case r == '\t':
			b = append(b, '\\', 't')
		case r == 0:
			b = append(b, '\\', '0')
		default:
			b = appendUnicodeEscape(b, r)
		}
		i += size
		last = i
	}
	return append(b, s[last:]...)
}

// debugContentLen is the number of bytes appendDebugContent writes for s.
func debugContentLen[S ~string | ~[]byte](s S) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			n++
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = decodeRuneIn(s[i:])
		}
		switch {
		case r == utf8.RuneError && size == 1:
			n += len("\uFFFD")
		case r == '"', r == '\\', r == '\n', r == '\r', r == '\t', r == 0:
			n += 2
		case c < utf8.RuneSelf || isDebugEscaped(r):
			n += unicodeEscapeLen(r)
		default:
			n += size
		}
		i += size
	}
	return n
}

// isDebugEscaped reports whether Rust's {:?} writes r as \u{…}.
func isDebugEscaped(r rune) bool {
	lo, hi := 0, len(debugEscaped)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case r < debugEscaped[m][0]:
			hi = m
		case r > debugEscaped[m][1]:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// appendSafeText writes s with the readable layout's message rules, as
// tracing-subscriber does since 0.3.20: ESC, BEL, BS, FF and DEL as
// \x1b \x07 \x08 \x0c \x7f, C1 controls as \u{80}…\u{9f}, invalid UTF-8 as
// U+FFFD; newlines and everything else raw. A message cannot drive the
// terminal. Unlike tracing-subscriber, the bidirectional controls
// (isBidi) are escaped too, as \u{202e}: a message cannot make what
// follows it read backwards.
func appendSafeText[S ~string | ~[]byte](b []byte, s S) []byte {
	b = makeRoom(b, s, safeTextLen[S])
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case 0x1b, 0x07, 0x08, 0x0c, 0x7f:
				b = append(b, s[last:i]...)
				b = append(b, '\\', 'x', hexDigit[c>>4], hexDigit[c&0xf])
				i++
				last = i
				continue
			}
			i++
			continue
		}
		r, size := decodeRuneIn(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[last:i]...)
			b = append(b, "\uFFFD"...)
		case r <= 0x9f || c == 0xe2 && isBidi(r):
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

// isBidi reports whether r is a bidirectional control (outside.IsBidi),
// testing the range they lie in first: most runes are outside it. Every
// one is encoded in three bytes starting 0xe2, which the hot loops test
// first, before this.
func isBidi(r rune) bool { return r >= 0x200e && r <= 0x2069 && outside.IsBidi(r) }

// safeTextLen is the number of bytes appendSafeText writes for s.
func safeTextLen[S ~string | ~[]byte](s S) int {
	n := len(s)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch c {
			case 0x1b, 0x07, 0x08, 0x0c, 0x7f:
				n += 3 // \xhh
			}
			i++
			continue
		}
		r, size := decodeRuneIn(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 2 // U+FFFD
		case r <= 0x9f:
			n += 4 // two bytes become \u{hh}
		case c == 0xe2 && isBidi(r):
			n += 5 // three bytes become \u{hhhh}
		}
		i += size
	}
	return n
}

// oneLineLen is at least what appendOneLine writes for s.
func oneLineLen(s string) int {
	return safeTextLen(s) + strings.Count(s, "\n") + strings.Count(s, "\r")
}

// makeRoom returns b with room for a long s once escaped, as measure
// measures it, unless b has room for s as it is: then the caller made room.
// See jsonfmt.LongText.
func makeRoom[S ~string | ~[]byte](b []byte, s S, measure func(S) int) []byte {
	if len(s) < jsonfmt.LongText || cap(b)-len(b) >= len(s) {
		return b
	}
	return jsonfmt.Grow(b, measure(s))
}

// appendOneLine writes s with appendText's rules, but '\n' and '\r' as \n and
// \r: a name (field key, target, span name, file name) never breaks the line
// that a message may break.
func appendOneLine(b []byte, s string, appendText func([]byte, string) []byte) []byte {
	// appendText sees the pieces between line breaks; make room for the
	// whole here. Of the two writers used, appendSafeText writes the most.
	b = makeRoom(b, s, oneLineLen)
	for {
		i := strings.IndexAny(s, "\n\r")
		if i < 0 {
			return appendText(b, s)
		}
		b = appendText(b, s[:i])
		if s[i] == '\n' {
			b = append(b, '\\', 'n')
		} else {
			b = append(b, '\\', 'r')
		}
		s = s[i+1:]
	}
}

const hexDigit = "0123456789abcdef"

// unicodeEscapeLen is the length of appendUnicodeEscape's r.
func unicodeEscapeLen(r rune) int {
	n := len(`\u{}`) + 1
	for r >= 16 {
		r >>= 4
		n++
	}
	return n
}

// appendUnicodeEscape writes Rust's \u{…} form: lowercase hex, no padding.
func appendUnicodeEscape(b []byte, r rune) []byte {
	b = append(b, '\\', 'u', '{')
	b = strconv.AppendUint(b, uint64(r), 16)
	return append(b, '}')
}

func decodeRuneIn[S ~string | ~[]byte](s S) (rune, int) {
	// Converting a short prefix costs nothing for strings; for byte slices
	// the compiler does not allocate for a conversion that does not escape.
	if len(s) > utf8.UTFMax {
		s = s[:utf8.UTFMax]
	}
	return utf8.DecodeRuneInString(string(s))
}
