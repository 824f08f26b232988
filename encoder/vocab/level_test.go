package vocab

import (
	"strings"
	"testing"

	"go.uber.org/zap"
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
		if got := FilterName(c.l); got != c.filter {
			t.Errorf("FilterName(%d) = %q, want %q", c.l, got, c.filter)
		}
	}
}

func TestParseLevel(t *testing.T) {
	for in, want := range map[string]zapcore.Level{
		"off": Off, "0": Off, " OFF ": Off,
		"error": zapcore.ErrorLevel, "1": zapcore.ErrorLevel,
		"warn": zapcore.WarnLevel, "Warning": zapcore.WarnLevel, "2": zapcore.WarnLevel,
		"info": zapcore.InfoLevel, "3": zapcore.InfoLevel,
		"DEBUG": zapcore.DebugLevel, "4": zapcore.DebugLevel,
		"trace": Trace, "5": Trace,
	} {
		got, err := ParseLevel(in)
		if err != nil || got != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
		// Every word FilterName prints reads back as its level.
		if name := FilterName(want); name != "" {
			if back, err := ParseLevel(name); err != nil || back != want {
				t.Errorf("ParseLevel(FilterName(%v)) = %v, %v", want, back, err)
			}
		}
	}
	for _, bad := range []string{"", "6", "critical", "fatal", "inf"} {
		if _, err := ParseLevel(bad); err == nil || !strings.Contains(err.Error(), "want off, error, warn, info, debug, trace or 0-5") {
			t.Errorf("ParseLevel(%q) error = %v", bad, err)
		}
	}
}

func TestFilterWordsOrder(t *testing.T) {
	got := strings.Join(FilterWords(), ",")
	if got != "trace,debug,info,warn,warning,error,off" {
		t.Fatalf("FilterWords = %s", got)
	}
	// A fresh slice each time: a caller cannot change the vocabulary.
	FilterWords()[0] = "x"
	if FilterWords()[0] != "trace" {
		t.Fatal("FilterWords shares its slice")
	}
}

func TestParseVLLMLevel(t *testing.T) {
	for in, want := range map[string]zapcore.Level{
		"TRACE": Trace, "debug": zapcore.DebugLevel, " INFO ": zapcore.InfoLevel,
		"WARNING": zapcore.WarnLevel, "warn": zapcore.WarnLevel, "ERROR": zapcore.ErrorLevel,
		"CRITICAL": zapcore.DPanicLevel, "FATAL": zapcore.DPanicLevel,
	} {
		if got, err := ParseVLLMLevel(in); err != nil || got != want {
			t.Errorf("ParseVLLMLevel(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "off", "5", "NOTSET"} {
		if _, err := ParseVLLMLevel(bad); err == nil || !strings.Contains(err.Error(), "want DEBUG, INFO, WARNING, ERROR, CRITICAL or TRACE") {
			t.Errorf("ParseVLLMLevel(%q) error = %v", bad, err)
		}
	}
	// Every name VLLMName prints reads back.
	for l := Trace; l <= zapcore.ErrorLevel; l++ {
		if got, err := ParseVLLMLevel(VLLMName(l)); err != nil || got != l {
			t.Errorf("ParseVLLMLevel(VLLMName(%v)) = %v, %v", l, got, err)
		}
	}
}

func TestParseRecordLevel(t *testing.T) {
	for in, want := range map[string]zapcore.Level{
		"TRACE": Trace, "debug": zapcore.DebugLevel, "Info": zapcore.InfoLevel,
		"WARN": zapcore.WarnLevel, "warning": zapcore.WarnLevel, "ERROR": zapcore.ErrorLevel,
		"CRITICAL": zapcore.DPanicLevel, "dpanic": zapcore.DPanicLevel,
		"panic": zapcore.PanicLevel, "FATAL": zapcore.FatalLevel,
	} {
		if got, ok := ParseRecordLevel(in); !ok || got != want {
			t.Errorf("ParseRecordLevel(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", " INFO", "off", "5"} {
		if got, ok := ParseRecordLevel(bad); ok || got != zapcore.InfoLevel {
			t.Errorf("ParseRecordLevel(%q) = %v, %v; want info, false", bad, got, ok)
		}
	}
	// Whatever a layout prints reads back as the level it printed.
	for l := Trace; l <= zapcore.FatalLevel; l++ {
		if got, ok := ParseRecordLevel(DynamoName(l)); !ok || got != DynamoLevel(l) {
			t.Errorf("ParseRecordLevel(DynamoName(%v)) = %v, %v", l, got, ok)
		}
	}
}

func TestSpansCache(t *testing.T) {
	s := &Spans{TraceID: "t", Chain: []Span{{Name: "outer"}, {Name: "inner"}}}
	if s.CachedEncoding() != nil {
		t.Fatal("a new Spans has a cached encoding")
	}
	v := any(42)
	s.CacheEncoding(&v)
	if got := s.CachedEncoding(); got != 42 {
		t.Fatalf("CachedEncoding = %v", got)
	}
	if k := s.Keys(); k[0] != (SpanKey{KeySpanName, "inner"}) || k[1] != (SpanKey{KeyTraceID, "t"}) {
		t.Fatalf("Keys = %v", k)
	}
	if (&Spans{}).Innermost() != nil {
		t.Fatal("Innermost of an empty chain")
	}
	// Caching allocates nothing: a Spans built for one line (a span the
	// tracing core has no record of) is cached once per line.
	p := new(any)
	*p = s
	if n := testing.AllocsPerRun(100, func() {
		s.CacheEncoding(p)
		_ = s.CachedEncoding()
	}); n != 0 {
		t.Errorf("CacheEncoding and CachedEncoding: %v allocations, want 0", n)
	}
}

// SpansField is the field zap.Object and zap.Skip would make.
func TestSpansField(t *testing.T) {
	s := &Spans{TraceID: "t"}
	if got, want := SpansField(s), zap.Object(SpansKey, s); !got.Equals(want) {
		t.Errorf("SpansField = %+v, want %+v", got, want)
	}
	if got := SpansField(nil); !got.Equals(zap.Skip()) {
		t.Errorf("SpansField(nil) = %+v, want zap.Skip()", got)
	}
}

func TestParseGRPCSeverity(t *testing.T) {
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
		got, ok := ParseGRPCSeverity(c.in)
		if got != c.want || ok != c.ok {
			t.Errorf("ParseGRPCSeverity(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
