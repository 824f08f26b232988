// Package levels holds every level word of the module: the levels Trace
// and Off, the words each input accepts (DYN_LOG, VLLM_LOGGING_LEVEL, a
// written record's "level", GRPC_GO_LOG_SEVERITY_LEVEL) and the names each
// layout prints. Every switch over level names goes through it, so that a
// level word is spelt in one place. Programs name these levels
// core.TraceLevel and filter.OffLevel, and read and print DYN_LOG's words
// with filter.ParseLevel and filter.LevelName.
package levels

import (
	"fmt"
	"strings"

	"go.uber.org/zap/zapcore"
)

// Trace is Dynamo's TRACE, one below zap's Debug: core.TraceLevel.
const Trace = zapcore.DebugLevel - 1

// Off is the level of a DYN_LOG "off" directive, above every level zap logs
// at: filter.OffLevel.
const Off = zapcore.FatalLevel + 1

// dynamoNames are the Dynamo names of Trace … Error, indexed by
// [DynamoIndex].
var dynamoNames = [...]string{"TRACE", "DEBUG", "INFO", "WARN", "ERROR"}

// readableNames are dynamoNames right-aligned to five columns, as the
// readable layout prints them.
var readableNames = [...]string{"TRACE", "DEBUG", " INFO", " WARN", "ERROR"}

// dynamo is l as one of Dynamo's five levels: anything below zap's Debug
// is [Trace], and zap's DPanic, Panic and Fatal are Error.
func dynamo(l zapcore.Level) zapcore.Level {
	return min(max(l, Trace), zapcore.ErrorLevel)
}

// DynamoIndex is the position of l's Dynamo level among TRACE, DEBUG,
// INFO, WARN and ERROR: 0 for TRACE … 4 for ERROR.
func DynamoIndex(l zapcore.Level) int { return int(dynamo(l) - Trace) }

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

// dynLogWords are the DYN_LOG level words, lower case, in the order
// [DynLogWords] gives them.
var dynLogWords = [...]levelWord{
	{"trace", Trace},
	{"debug", zapcore.DebugLevel},
	{"info", zapcore.InfoLevel},
	{"warn", zapcore.WarnLevel},
	{"warning", zapcore.WarnLevel},
	{"error", zapcore.ErrorLevel},
	{"off", Off},
}

// dynLogDigits are the DYN_LOG levels written as digits: 0 = off … 5 = trace.
var dynLogDigits = [...]levelWord{
	{"5", Trace},
	{"4", zapcore.DebugLevel},
	{"3", zapcore.InfoLevel},
	{"2", zapcore.WarnLevel},
	{"1", zapcore.ErrorLevel},
	{"0", Off},
}

// DynLogWords are the DYN_LOG level words, lower case, from the lowest
// level to off: trace, debug, info, warn, warning, error, off. The order
// is the tie-break of package filter's check for a misspelt level.
func DynLogWords() []string {
	out := make([]string, len(dynLogWords))
	for i, w := range dynLogWords {
		out[i] = w.word
	}
	return out
}

// ParseDynLog reads a DYN_LOG level: off, error, warn (or warning), info,
// debug, trace in any case, or 0–5 (0 = off … 5 = trace), with spaces
// around it trimmed.
func ParseDynLog(s string) (zapcore.Level, error) {
	w := strings.ToLower(strings.TrimSpace(s))
	if l, ok := lookup(dynLogWords[:], w); ok {
		return l, nil
	}
	if l, ok := lookup(dynLogDigits[:], w); ok {
		return l, nil
	}
	return 0, fmt.Errorf("unknown level %q (want off, error, warn, info, debug, trace or 0-5)", s)
}

// DynLogName is the DYN_LOG word for l: off, error, warn, info, debug,
// trace. Levels above Error and below [Off] are error; below Debug, trace.
func DynLogName(l zapcore.Level) string {
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

// ParseVLLM reads a VLLM_LOGGING_LEVEL: Python's level names (DEBUG,
// INFO, WARNING or WARN, ERROR, CRITICAL or FATAL), upper-cased as vLLM
// does, plus TRACE. CRITICAL is zap's DPanic, which logs without panicking.
func ParseVLLM(s string) (zapcore.Level, error) {
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

// ParseRecord reads the level of a written record: a word of Dynamo
// (TRACE, DEBUG, INFO, WARN, ERROR), vLLM (WARNING, CRITICAL) or zap
// (dpanic, panic, fatal), in any case (as strings.ToUpper reads it),
// untrimmed. It returns InfoLevel and false for anything else.
func ParseRecord(s string) (zapcore.Level, bool) {
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

// ParseGRPC reads GRPC_GO_LOG_SEVERITY_LEVEL as gRPC's own logger
// does: error (or empty), warning or info, in any case. For any other word
// it returns false, and gRPC's logger then prints nothing.
func ParseGRPC(s string) (zapcore.Level, bool) {
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
