// Package decoration renders vLLM's process decoration, the "(NAME pid=PID) "
// that vLLM's decorate_logs puts at the start of every line a worker or
// engine process writes to stdout and stderr. The vLLM encoder and core's
// DecoratedWriter share it, so a log line and a plain write carry the same
// bytes.
package decoration

import (
	"strconv"
	"unicode/utf8"

	"github.com/dynlog/dynlog/internal/outside"
)

// Colours of vLLM's decoration: cyan, then vLLM's own reset form.
const (
	cyan  = "\x1b[0;36m"
	reset = "\x1b[0;0m"
)

// Prefix is the decoration of a process: "(NAME pid=PID) ", or with colour
// "ESC[0;36m(NAME pid=PID)ESC[0;0m ". Invalid UTF-8 in name becomes U+FFFD,
// as everywhere else in a line, and a bidirectional control is written
// \u{…} (Rust's form), so that a name cannot turn the line around.
func Prefix(name string, pid int, color bool) string {
	b := make([]byte, 0, len(name)+len(cyan)+len(reset)+16)
	if color {
		b = append(b, cyan...)
	}
	b = append(b, '(')
	for _, r := range name { // ranging replaces invalid bytes with U+FFFD
		if outside.IsBidi(r) {
			b = append(b, `\u{`...)
			b = strconv.AppendInt(b, int64(r), 16)
			b = append(b, '}')
			continue
		}
		b = utf8.AppendRune(b, r)
	}
	b = append(b, " pid="...)
	b = strconv.AppendInt(b, int64(pid), 10)
	b = append(b, ')')
	if color {
		b = append(b, reset...)
	}
	return string(append(b, ' '))
}
