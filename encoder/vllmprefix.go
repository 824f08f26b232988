package encoder

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/target"
	"go.uber.org/zap/zapcore"
)

// vLLM puts VLLM_LOGGING_PREFIX into its Python format string, so the
// prefix's %-directives expand as Python's logging expands them. The prefix
// is parsed once, when the encoder is built, into parts: literal text (with
// %%, %(process)d, %(processName)s and %(thread)d already expanded, since
// they do not change) and the two directives whose value changes from line
// to line, %(name)s and %(levelname)s.

// prefixPart is one piece of a parsed prefix.
type prefixPart struct {
	text string // the literal text, when key is 0
	key  byte   // 0: literal; 'n': %(name)s; 'l': %(levelname)s
	spec pySpec
}

// pySpec is what a Python %-directive may carry between its key and its
// conversion: flags, a minimum width and a precision.
type pySpec struct {
	left, zero, plus, space bool
	width                   int
	prec                    int // -1: none
}

// defaultProcessName is what Python's %(processName)s prints in a process
// that multiprocessing did not start.
const defaultProcessName = "MainProcess"

// parsePrefix splits a VLLM_LOGGING_PREFIX into parts. pid stands for
// %(process)d and %(thread)d, processName for %(processName)s. A % that
// starts no directive this encoder knows is kept as it is.
func parsePrefix(prefix string, pid int, processName string) []prefixPart {
	var parts []prefixPart
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			parts = append(parts, prefixPart{text: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(prefix); {
		c := prefix[i]
		if c != '%' {
			lit = append(lit, c)
			i++
			continue
		}
		if i+1 < len(prefix) && prefix[i+1] == '%' {
			lit = append(lit, '%')
			i += 2
			continue
		}
		key, spec, conv, n := scanDirective(prefix[i:])
		switch {
		case n == 0:
			lit = append(lit, '%')
			i++
			continue
		case key == "name" && conv == 's':
			flush()
			parts = append(parts, prefixPart{key: 'n', spec: spec})
		case key == "levelname" && conv == 's':
			flush()
			parts = append(parts, prefixPart{key: 'l', spec: spec})
		case key == "processName" && conv == 's':
			lit = appendPyString(lit, processName, spec)
		case key == "process" || key == "thread":
			if conv == 's' {
				lit = appendPyString(lit, strconv.Itoa(pid), spec)
			} else {
				lit = appendPyInt(lit, pid, spec)
			}
		default: // a known key with a conversion Python refuses for it
			lit = append(lit, '%')
			i++
			continue
		}
		i += n
	}
	flush()
	return parts
}

// scanDirective reads "%(key)" flags, width, precision and a conversion
// (s, d or i) at the start of s. n is 0 when s does not start one for a key
// this encoder knows (name, levelname, process, processName, thread).
func scanDirective(s string) (key string, spec pySpec, conv byte, n int) {
	if len(s) < 2 || s[1] != '(' {
		return "", spec, 0, 0
	}
	end := strings.IndexByte(s, ')')
	if end < 0 {
		return "", spec, 0, 0
	}
	key = s[2:end]
	switch key {
	case "name", "levelname", "process", "processName", "thread":
	default:
		return "", spec, 0, 0
	}
	i := end + 1
flags:
	for ; i < len(s); i++ {
		switch s[i] {
		case '-':
			spec.left = true
		case '0':
			spec.zero = true
		case '+':
			spec.plus = true
		case ' ':
			spec.space = true
		case '#':
		default:
			break flags
		}
	}
	spec.width, i = scanDigits(s, i)
	spec.prec = -1
	if i < len(s) && s[i] == '.' {
		spec.prec, i = scanDigits(s, i+1)
	}
	if i >= len(s) {
		return "", spec, 0, 0
	}
	switch s[i] {
	case 's', 'd', 'i':
		return key, spec, s[i], i + 1
	}
	return "", spec, 0, 0
}

// scanDigits reads a decimal number at s[i:], capped so that a silly width
// cannot make every line huge; 0 when there are no digits.
func scanDigits(s string, i int) (int, int) {
	v := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		v = min(v*10+int(s[i]-'0'), maxPrefixWidth)
	}
	return v, i
}

// maxPrefixWidth bounds a directive's width and precision.
const maxPrefixWidth = 1024

// appendPyString writes v as Python's %s does with spec: cut to the
// precision, then padded with spaces to the width, on the left unless the
// '-' flag is given. Python counts characters, not bytes.
func appendPyString(b []byte, v string, spec pySpec) []byte {
	if spec.prec >= 0 && utf8.RuneCountInString(v) > spec.prec {
		n := 0
		for i := range v {
			if n == spec.prec {
				v = v[:i]
				break
			}
			n++
		}
	}
	pad := spec.width - utf8.RuneCountInString(v)
	if !spec.left {
		b = appendSpaces(b, pad)
	}
	b = append(b, v...)
	if spec.left {
		b = appendSpaces(b, pad)
	}
	return b
}

// appendPyInt writes v as Python's %d does with spec: a sign for '+' (or a
// space for ' ') on a non-negative number, at least precision digits, then
// padded to the width with spaces, or with zeros after the sign for '0'
// without '-'.
func appendPyInt(b []byte, v int, spec pySpec) []byte {
	var sign string
	switch {
	case v < 0:
		sign = "-"
	case spec.plus:
		sign = "+"
	case spec.space:
		sign = " "
	}
	digits := strconv.FormatUint(uint64(max(v, -v)), 10)
	if spec.prec > len(digits) {
		digits = strings.Repeat("0", spec.prec-len(digits)) + digits
	}
	pad := spec.width - len(sign) - len(digits)
	switch {
	case spec.left:
		b = append(append(b, sign...), digits...)
		return appendSpaces(b, pad)
	case spec.zero:
		b = append(b, sign...)
		for ; pad > 0; pad-- {
			b = append(b, '0')
		}
		return append(b, digits...)
	}
	b = appendSpaces(b, pad)
	return append(append(b, sign...), digits...)
}

func appendSpaces(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, ' ')
	}
	return b
}

// appendPrefix writes the prefix of one line. The level name is coloured
// when color is on, as vLLM's ColoredFormatter colours record.levelname for
// the whole format string; the logger name is written as the readable
// layout writes a target, on one line and unable to drive the terminal.
func (e *vllmEncoder) appendPrefix(h []byte, ent zapcore.Entry, t *textFields, color bool) []byte {
	for i := range e.prefix {
		p := &e.prefix[i]
		switch p.key {
		case 0:
			h = append(h, p.text...)
		case 'l':
			level := levels.VLLMName(ent.Level)
			if c := vllmLevelColor(ent.Level); color && c != "" {
				level = c + level + ansiReset
			}
			h = appendPyString(h, level, p.spec)
		case 'n':
			name := t.logTarget
			if !t.bridged {
				name = target.Of(ent)
			}
			if p.spec == (pySpec{prec: -1}) {
				h = appendOneLine(h, name, appendSafeText[string])
				continue
			}
			var buf [64]byte
			h = appendPyString(h, string(appendOneLine(buf[:0], name, appendSafeText[string])), p.spec)
		}
	}
	return h
}
