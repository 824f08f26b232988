package core

import (
	"fmt"
	"strings"

	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

// TraceLevel is Dynamo's TRACE, one below zap's Debug. Log at it with
// logger.Log(core.TraceLevel, msg, fields...); the layouts print it as TRACE.
const TraceLevel zapcore.Level = levels.Trace

// offLevel is above every level a logger can write at: nothing is enabled.
const offLevel = zapcore.FatalLevel + 1

// parseDynamoLevel reads one DYN_LOG level word: off, error, warn (or
// warning), info, debug, trace in any case, or 0–5 (0 = off … 5 = trace).
func parseDynamoLevel(s string) (zapcore.Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "off", "0":
		return offLevel, nil
	case "error", "1":
		return zapcore.ErrorLevel, nil
	case "warn", "warning", "2":
		return zapcore.WarnLevel, nil
	case "info", "3":
		return zapcore.InfoLevel, nil
	case "debug", "4":
		return zapcore.DebugLevel, nil
	case "trace", "5":
		return TraceLevel, nil
	}
	return 0, fmt.Errorf("unknown level %q (want off, error, warn, info, debug, trace or 0-5)", s)
}

// parseVLLMLevel reads VLLM_LOGGING_LEVEL: Python's level names, upper-cased
// as vLLM does, plus TRACE.
func parseVLLMLevel(s string) (zapcore.Level, error) {
	switch strings.ToUpper(strings.TrimSpace(s)) {
	case "TRACE":
		return TraceLevel, nil
	case "DEBUG":
		return zapcore.DebugLevel, nil
	case "INFO":
		return zapcore.InfoLevel, nil
	case "WARNING", "WARN":
		return zapcore.WarnLevel, nil
	case "ERROR":
		return zapcore.ErrorLevel, nil
	case "CRITICAL", "FATAL":
		return zapcore.DPanicLevel, nil
	}
	return 0, fmt.Errorf("VLLM_LOGGING_LEVEL: unknown level %q (want DEBUG, INFO, WARNING, ERROR, CRITICAL or TRACE)", s)
}

// globalLevel reads the DYN_LOG directives this release acts on: the bare
// levels (the last one wins). Per-target directives are the filter's; until
// the filter lands they are reported, one line each, and skipped. ok is
// false when DYN_LOG names no level.
func globalLevel(spec string, report func(string)) (lvl zapcore.Level, ok bool) {
	for _, d := range strings.Split(spec, ",") {
		d = strings.TrimSpace(d)
		if d == "" {
			continue
		}
		if strings.ContainsAny(d, "=:[") {
			report(fmt.Sprintf("dynlog: ignoring DYN_LOG directive %q: per-target and span directives are not supported yet; only a global level is", d))
			continue
		}
		l, err := parseDynamoLevel(d)
		if err != nil {
			report(fmt.Sprintf("dynlog: ignoring DYN_LOG directive %q: %v", d, err))
			continue
		}
		lvl, ok = l, true
	}
	return lvl, ok
}
