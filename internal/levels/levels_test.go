package levels

import (
	"strings"
	"testing"

	"go.uber.org/zap/zapcore"
)

func TestPrintedNames(t *testing.T) {
	for _, c := range []struct {
		l                              zapcore.Level
		dynamo, readable, vllm, filter string
	}{
		{Trace - 3, "TRACE", "TRACE", "TRACE", "trace"},
		{Trace, "TRACE", "TRACE", "TRACE", "trace"},
		{zapcore.DebugLevel, "DEBUG", "DEBUG", "DEBUG", "debug"},
		{zapcore.InfoLevel, "INFO", " INFO", "INFO", "info"},
		{zapcore.WarnLevel, "WARN", " WARN", "WARNING", "warn"},
		{zapcore.ErrorLevel, "ERROR", "ERROR", "ERROR", "error"},
		{zapcore.DPanicLevel, "ERROR", "ERROR", "CRITICAL", "error"},
		{zapcore.PanicLevel, "ERROR", "ERROR", "CRITICAL", "error"},
		{zapcore.FatalLevel, "ERROR", "ERROR", "CRITICAL", "error"},
		{Off, "ERROR", "ERROR", "CRITICAL", "off"},
	} {
		if got := DynamoName(c.l); got != c.dynamo {
			t.Errorf("DynamoName(%d) = %q, want %q", c.l, got, c.dynamo)
		}
		if got := ReadableName(c.l); got != c.readable {
			t.Errorf("ReadableName(%d) = %q, want %q", c.l, got, c.readable)
		}
		if got := VLLMName(c.l); got != c.vllm {
			t.Errorf("VLLMName(%d) = %q, want %q", c.l, got, c.vllm)
		}
		if got := DynLogName(c.l); got != c.filter {
			t.Errorf("DynLogName(%d) = %q, want %q", c.l, got, c.filter)
		}
	}
}

func TestParseDynLog(t *testing.T) {
	for in, want := range map[string]zapcore.Level{
		"off": Off, "0": Off, " OFF ": Off,
		"error": zapcore.ErrorLevel, "1": zapcore.ErrorLevel,
		"warn": zapcore.WarnLevel, "Warning": zapcore.WarnLevel, "2": zapcore.WarnLevel,
		"info": zapcore.InfoLevel, "3": zapcore.InfoLevel,
		"DEBUG": zapcore.DebugLevel, "4": zapcore.DebugLevel,
		"trace": Trace, "5": Trace,
	} {
		got, err := ParseDynLog(in)
		if err != nil || got != want {
			t.Errorf("ParseDynLog(%q) = %v, %v; want %v", in, got, err, want)
		}
		// Every word DynLogName prints reads back as its level.
		if name := DynLogName(want); name != "" {
			if back, err := ParseDynLog(name); err != nil || back != want {
				t.Errorf("ParseDynLog(DynLogName(%v)) = %v, %v", want, back, err)
			}
		}
	}
	for _, bad := range []string{"", "6", "critical", "fatal", "inf"} {
		if _, err := ParseDynLog(bad); err == nil || !strings.Contains(err.Error(), "want off, error, warn, info, debug, trace or 0-5") {
			t.Errorf("ParseDynLog(%q) error = %v", bad, err)
		}
	}
}

func TestDynLogWordsOrder(t *testing.T) {
	got := strings.Join(DynLogWords(), ",")
	if got != "trace,debug,info,warn,warning,error,off" {
		t.Fatalf("DynLogWords = %s", got)
	}
	// A fresh slice each time: a caller cannot change the vocabulary.
	DynLogWords()[0] = "x"
	if DynLogWords()[0] != "trace" {
		t.Fatal("DynLogWords shares its slice")
	}
}

func TestParseVLLM(t *testing.T) {
	for in, want := range map[string]zapcore.Level{
		"TRACE": Trace, "debug": zapcore.DebugLevel, " INFO ": zapcore.InfoLevel,
		"WARNING": zapcore.WarnLevel, "warn": zapcore.WarnLevel, "ERROR": zapcore.ErrorLevel,
		"CRITICAL": zapcore.DPanicLevel, "FATAL": zapcore.DPanicLevel,
	} {
		if got, err := ParseVLLM(in); err != nil || got != want {
			t.Errorf("ParseVLLM(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "off", "5", "NOTSET"} {
		if _, err := ParseVLLM(bad); err == nil || !strings.Contains(err.Error(), "want DEBUG, INFO, WARNING, ERROR, CRITICAL or TRACE") {
			t.Errorf("ParseVLLM(%q) error = %v", bad, err)
		}
	}
	// Every name VLLMName prints reads back.
	for l := Trace; l <= zapcore.ErrorLevel; l++ {
		if got, err := ParseVLLM(VLLMName(l)); err != nil || got != l {
			t.Errorf("ParseVLLM(VLLMName(%v)) = %v, %v", l, got, err)
		}
	}
}

func TestParseRecord(t *testing.T) {
	for in, want := range map[string]zapcore.Level{
		"TRACE": Trace, "debug": zapcore.DebugLevel, "Info": zapcore.InfoLevel,
		"WARN": zapcore.WarnLevel, "warning": zapcore.WarnLevel, "ERROR": zapcore.ErrorLevel,
		"CRITICAL": zapcore.DPanicLevel, "dpanic": zapcore.DPanicLevel,
		"panic": zapcore.PanicLevel, "FATAL": zapcore.FatalLevel,
	} {
		if got, ok := ParseRecord(in); !ok || got != want {
			t.Errorf("ParseRecord(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", " INFO", "off", "5"} {
		if got, ok := ParseRecord(bad); ok || got != zapcore.InfoLevel {
			t.Errorf("ParseRecord(%q) = %v, %v; want info, false", bad, got, ok)
		}
	}
	// Whatever a layout prints reads back as the level it printed.
	for l := Trace; l <= zapcore.FatalLevel; l++ {
		if got, ok := ParseRecord(DynamoName(l)); !ok || got != dynamo(l) {
			t.Errorf("ParseRecord(DynamoName(%v)) = %v, %v", l, got, ok)
		}
	}
}

func TestParseGRPC(t *testing.T) {
	for _, c := range []struct {
		in   string
		want zapcore.Level
		ok   bool
	}{
		{"", zapcore.ErrorLevel, true},
		{"error", zapcore.ErrorLevel, true},
		{"ERROR", zapcore.ErrorLevel, true},
		{"Warning", zapcore.WarnLevel, true},
		{"info", zapcore.InfoLevel, true},
		{"warn", zapcore.InfoLevel, false},
		{" info", zapcore.InfoLevel, false},
		{"debug", zapcore.InfoLevel, false},
	} {
		got, ok := ParseGRPC(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseGRPC(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
