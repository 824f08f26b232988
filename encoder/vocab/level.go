package vocab

import (
	"fmt"
	"strings"

	"go.uber.org/zap/zapcore"
)

// Trace is Dynamo's TRACE, one below zap's Debug.
// [github.com/dynlog/dynlog/core.TraceLevel] is this level.
const Trace = zapcore.DebugLevel - 1

// Off is the level of a DYN_LOG "off" directive: above every level zap logs
// at, so nothing passes it. [github.com/dynlog/dynlog/filter.OffLevel] is
// this level.
const Off = zapcore.FatalLevel + 1

// dynamoNames are the Dynamo names of Trace … Error, indexed by
// [DynamoLevel] - [Trace].
var dynamoNames = [...]string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}

// readableNames are dynamoNames right-aligned to five columns, as the
// readable layout prints them.
var readableNames = [...]string{"TRACE", "DEBUG", " INFO", " WARN", "ERROR"}

// DynamoLevel is l as one of Dynamo's five levels: anything below zap's
// Debug is [Trace], and zap's DPanic, Panic and Fatal are Error.
func DynamoLevel(l zapcore.Level) zapcore.Level {
	return min(max(l, Trace), zapcore.ErrorLevel)
}

// DynamoIndex is the position of l's Dynamo level among TRACE, DEBUG,
// INFO, WARN and ERROR: 0 for TRACE … 4 for ERROR.
func DynamoIndex(l zapcore.Level) int { return int(DynamoLevel(l) - Trace) }

// DynamoName is the level as Dynamo prints it in both its layouts: TRACE,
// DEBUG, INFO, WARN or ERROR (zap's DPanic, Panic and Fatal are ERROR,
// anything below zap's Debug is TRACE).
func DynamoName(l zapcore.Level) string { return dynamoNames[DynamoIndex(l)] }

// ReadableName is [DynamoName] right-aligned to five columns, as Dynamo's
// readable layout prints it: "TRACE", "DEBUG", " INFO", " WARN", "ERROR".
func ReadableName(l zapcore.Level) string { return readableNames[DynamoIndex(l)] }

// vllmNames are the vLLM names of Trace … DPanic, indexed by [VLLMIndex].
var vllmNames = [...]string{"TRACE", "DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}

// VLLMIndex is the position of l's vLLM level among TRACE, DEBUG, INFO,
// WARNING, ERROR and CRITICAL: 0 for TRACE (anything below zap's Debug) …
// 5 for CRITICAL (zap's DPanic, Panic and Fatal).
func VLLMIndex(l zapcore.Level) int { return int(min(max(l, Trace), zapcore.DPanicLevel) - Trace) }

// VLLMName is the level as Python's logging names it in vLLM's layout:
// TRACE, DEBUG, INFO, WARNING, ERROR, and CRITICAL for zap's DPanic, Panic
// and Fatal.
func VLLMName(l zapcore.Level) string { return vllmNames[VLLMIndex(l)] }

// levelWord is one word an input accepts for a level.
type levelWord struct {
	word  string
	level zapcore.Level
}

// filterWords are the DYN_LOG level words, lower case, in the order
// [FilterWords] gives them; the digits follow.
var filterWords = [...]levelWord{
	{"trace", Trace},
	{"debug", zapcore.DebugLevel},
	{"info", zapcore.InfoLevel},
	{"warn", zapcore.WarnLevel},
	{"warning", zapcore.WarnLevel},
	{"error", zapcore.ErrorLevel},
	{"off", Off},
	{"5", Trace},
	{"4", zapcore.DebugLevel},
	{"3", zapcore.InfoLevel},
	{"2", zapcore.WarnLevel},
	{"1", zapcore.ErrorLevel},
	{"0", Off},
}

// numFilterWords is how many of filterWords are words, not digits.
const numFilterWords = 7

// FilterWords are the DYN_LOG level words, lower case, from the lowest
// level to off: trace, debug, info, warn, warning, error, off. The order
// is the tie-break of package filter's check for a misspelt level.
func FilterWords() []string {
	out := make([]string, numFilterWords)
	for i, w := range filterWords[:numFilterWords] {
		out[i] = w.word
	}
	return out
}

// ParseLevel reads a DYN_LOG level: off, error, warn (or warning), info,
// debug, trace in any case, or 0–5 (0 = off … 5 = trace), with spaces
// around it trimmed.
func ParseLevel(s string) (zapcore.Level, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	if l, ok := lookup(filterWords[:], w); ok {
		return l, nil
	}
	return 0, fmt.Errorf("unknown level %q (want off, error, warn, info, debug, trace or 0-5)", s)
}

// FilterName is the DYN_LOG word for l: off, error, warn, info, debug,
// trace. Levels above Error and below [Off] are error; below Debug, trace.
func FilterName(l zapcore.Level) string {
	switch {
	case l >= Off:
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

// vllmWords are the words of VLLM_LOGGING_LEVEL, upper case: Python's
// level names, WARN and FATAL as Python's logging takes them, and TRACE.
var vllmWords = [...]levelWord{
	{"TRACE", Trace},
	{"DEBUG", zapcore.DebugLevel},
	{"INFO", zapcore.InfoLevel},
	{"WARNING", zapcore.WarnLevel},
	{"WARN", zapcore.WarnLevel},
	{"ERROR", zapcore.ErrorLevel},
	{"CRITICAL", zapcore.DPanicLevel},
	{"FATAL", zapcore.DPanicLevel},
}

// ParseVLLMLevel reads a VLLM_LOGGING_LEVEL: Python's level names (DEBUG,
// INFO, WARNING or WARN, ERROR, CRITICAL or FATAL), upper-cased as vLLM
// does, plus TRACE. CRITICAL is zap's DPanic, which logs without panicking.
func ParseVLLMLevel(s string) (zapcore.Level, error) {
	w := strings.ToUpper(strings.TrimSpace(s))
	if l, ok := lookup(vllmWords[:], w); ok {
		return l, nil
	}
	return 0, fmt.Errorf("unknown level %q (want DEBUG, INFO, WARNING, ERROR, CRITICAL or TRACE)", s)
}

// recordWords are the level words a written record's "level" can hold,
// upper case: Dynamo's, vLLM's and zap's.
var recordWords = [...]levelWord{
	{"TRACE", Trace},
	{"DEBUG", zapcore.DebugLevel},
	{"INFO", zapcore.InfoLevel},
	{"WARN", zapcore.WarnLevel},
	{"WARNING", zapcore.WarnLevel},
	{"ERROR", zapcore.ErrorLevel},
	{"CRITICAL", zapcore.DPanicLevel},
	{"DPANIC", zapcore.DPanicLevel},
	{"PANIC", zapcore.PanicLevel},
	{"FATAL", zapcore.FatalLevel},
}

// ParseRecordLevel reads the level of a written record: a word of Dynamo
// (TRACE, DEBUG, INFO, WARN, ERROR), vLLM (WARNING, CRITICAL) or zap
// (dpanic, panic, fatal), in any case (as strings.ToUpper reads it),
// untrimmed. It returns InfoLevel and false for anything else.
func ParseRecordLevel(s string) (zapcore.Level, bool) {
	w := strings.ToUpper(s)
	if l, ok := lookup(recordWords[:], w); ok {
		return l, true
	}
	return zapcore.InfoLevel, false
}

// grpcWords are the words of gRPC's GRPC_GO_LOG_SEVERITY_LEVEL, lower case;
// the empty value is gRPC's default, error.
var grpcWords = [...]levelWord{
	{"", zapcore.ErrorLevel},
	{"error", zapcore.ErrorLevel},
	{"warning", zapcore.WarnLevel},
	{"info", zapcore.InfoLevel},
}

// ParseGRPCSeverity reads GRPC_GO_LOG_SEVERITY_LEVEL as gRPC's own logger
// does: error (or empty), warning or info, in any case. For any other word
// it returns false, and gRPC's logger then prints nothing.
func ParseGRPCSeverity(s string) (zapcore.Level, bool) {
	w := strings.ToLower(s)
	if l, ok := lookup(grpcWords[:], w); ok {
		return l, true
	}
	return zapcore.InfoLevel, false
}

// lookup finds the word w in words: its level and true, or false.
func lookup(words []levelWord, w string) (zapcore.Level, bool) {
	for _, lw := range words {
		if lw.word == w {
			return lw.level, true
		}
	}
	return 0, false
}
