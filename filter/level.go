package filter

import (
	"fmt"
	"strings"

	"go.uber.org/zap/zapcore"
)

// OffLevel is the level of an "off" directive: above every level zap logs
// at, so nothing passes it.
const OffLevel = zapcore.FatalLevel + 1

// traceLevel is DYN_LOG's trace, one below zap's debug: core.TraceLevel.
const traceLevel = zapcore.DebugLevel - 1

// levelWord is a DYN_LOG level as written.
type levelWord struct {
	word  string
	level zapcore.Level
}

// words are the DYN_LOG level words, lower case, from the lowest level to
// off; their order is the tie-break of the check for a misspelt level.
var words = [...]levelWord{
	{"trace", traceLevel},
	{"debug", zapcore.DebugLevel},
	{"info", zapcore.InfoLevel},
	{"warn", zapcore.WarnLevel},
	{"warning", zapcore.WarnLevel},
	{"error", zapcore.ErrorLevel},
	{"off", OffLevel},
}

// digits are the DYN_LOG levels written as digits: 0 = off … 5 = trace.
var digits = [...]levelWord{
	{"5", traceLevel},
	{"4", zapcore.DebugLevel},
	{"3", zapcore.InfoLevel},
	{"2", zapcore.WarnLevel},
	{"1", zapcore.ErrorLevel},
	{"0", OffLevel},
}

// LevelName is the DYN_LOG word for l: off, error, warn, info, debug,
// trace. Levels above error and below [OffLevel] are error; below debug,
// trace.
func LevelName(l zapcore.Level) string {
	switch {
	case l >= OffLevel:
		return "off"
	case l >= zapcore.ErrorLevel:
		return "error"
	case l == zapcore.WarnLevel:
		return "warn"
	case l == zapcore.InfoLevel:
		return "info"
	case l == zapcore.DebugLevel:
		return "debug"
	}
	return "trace"
}

// ParseLevel reads a DYN_LOG level: off, error, warn (or warning), info,
// debug, trace in any case, or 0–5 (0 = off … 5 = trace), with spaces
// around it trimmed.
func ParseLevel(s string) (zapcore.Level, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	for _, table := range [...][]levelWord{words[:], digits[:]} {
		for _, lw := range table {
			if lw.word == w {
				return lw.level, nil
			}
		}
	}
	return 0, fmt.Errorf("unknown level %q (want off, error, warn, info, debug, trace or 0-5)", s)
}
