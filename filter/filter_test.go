package filter_test

import (
	"strings"
	"testing"

	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

const trace = zapcore.DebugLevel - 1

var levelNames = map[zapcore.Level]string{trace: "trace", zapcore.DebugLevel: "debug", zapcore.InfoLevel: "info",
	zapcore.WarnLevel: "warn", zapcore.ErrorLevel: "error", zapcore.DPanicLevel: "dpanic"}

// directiveCases: a DYN_LOG spec, a target, a level, and whether a line
// prints. Each rule of the grammar has cases on both sides of its edge.
var directiveCases = []struct {
	spec   string
	target string
	level  zapcore.Level
	want   bool
}{
	// A bare level is the default for every target.
	{"info", "anything", zapcore.InfoLevel, true},
	{"info", "anything", zapcore.DebugLevel, false},
	{"info", "anything", zapcore.ErrorLevel, true},
	{"debug", "x", zapcore.DebugLevel, true},
	{"debug", "x", trace, false},
	{"trace", "x", trace, true},
	{"warn", "x", zapcore.InfoLevel, false},
	{"warn", "x", zapcore.WarnLevel, true},
	{"error", "x", zapcore.WarnLevel, false},
	{"error", "x", zapcore.DPanicLevel, true},
	// Case and synonyms.
	{"INFO", "x", zapcore.InfoLevel, true},
	{"Debug", "x", zapcore.DebugLevel, true},
	{"warning", "x", zapcore.WarnLevel, true},
	{"WARNING", "x", zapcore.InfoLevel, false},
	// Numeric levels 0–5.
	{"0", "x", zapcore.ErrorLevel, false},
	{"1", "x", zapcore.ErrorLevel, true},
	{"1", "x", zapcore.WarnLevel, false},
	{"2", "x", zapcore.WarnLevel, true},
	{"3", "x", zapcore.InfoLevel, true},
	{"3", "x", zapcore.DebugLevel, false},
	{"4", "x", zapcore.DebugLevel, true},
	{"5", "x", trace, true},
	// off.
	{"off", "x", zapcore.ErrorLevel, false},
	{"off", "x", zapcore.DPanicLevel, false},
	{"info,noisy=off", "noisy::sub", zapcore.ErrorLevel, false},
	{"info,noisy=off", "quiet", zapcore.InfoLevel, true},
	// TARGET=LEVEL matches by plain string prefix.
	{"dynamo=debug", "dynamo_runtime::x", zapcore.DebugLevel, true},
	{"dynamo=debug", "dynamo_llm::y", zapcore.DebugLevel, true},
	{"dynamo=debug", "dynamo", zapcore.DebugLevel, true},
	{"dynamo=debug", "dynam", zapcore.ErrorLevel, false},
	{"dynamo=debug", "dynamo_runtime::x", trace, false},
	// No match at all means disabled: DYN_LOG=foo=debug silences the rest.
	{"foo=debug", "bar", zapcore.ErrorLevel, false},
	{"foo=debug", "bar", zapcore.DPanicLevel, false},
	{"foo=debug", "foo", zapcore.DebugLevel, true},
	{"foo=debug", "", zapcore.ErrorLevel, false},
	// The default applies last.
	{"warn,foo=debug", "bar", zapcore.WarnLevel, true},
	{"warn,foo=debug", "bar", zapcore.InfoLevel, false},
	{"foo=debug,warn", "foo::x", zapcore.DebugLevel, true},
	{"warn,foo=debug", "", zapcore.WarnLevel, true},
	// The longest matching target wins, whatever the order.
	{"dynamo=error,dynamo_runtime=debug", "dynamo_runtime::x", zapcore.DebugLevel, true},
	{"dynamo_runtime=debug,dynamo=error", "dynamo_runtime::x", zapcore.DebugLevel, true},
	{"dynamo=error,dynamo_runtime=debug", "dynamo_llm::x", zapcore.WarnLevel, false},
	{"dynamo=debug,dynamo_runtime=error", "dynamo_runtime::x", zapcore.WarnLevel, false},
	{"a=trace,a::b=warn,a::b::c=debug", "a::b::c::d", zapcore.DebugLevel, true},
	{"a=trace,a::b=warn,a::b::c=debug", "a::b::x", zapcore.InfoLevel, false},
	{"a=trace,a::b=warn,a::b::c=debug", "a::z", trace, true},
	// A later directive for the same target replaces an earlier one.
	{"foo=debug,foo=error", "foo", zapcore.WarnLevel, false},
	{"foo=error,foo=debug", "foo", zapcore.DebugLevel, true},
	{"info,debug", "x", zapcore.DebugLevel, true},
	// A bare TARGET is that target at TRACE.
	{"foo", "foo::bar", trace, true},
	{"foo", "other", zapcore.ErrorLevel, false},
	{"info,foo", "foo", trace, true},
	// The TARGET:LEVEL form of Dynamo's guide.
	{"dynamo_runtime::system_status_server:trace", "dynamo_runtime::system_status_server", trace, true},
	{"info,dynamo_runtime::system_status_server:warn", "dynamo_runtime::system_status_server", zapcore.InfoLevel, false},
	{"info,dynamo_runtime::system_status_server:warn", "dynamo_runtime::other", zapcore.InfoLevel, true},
	{"foo:DEBUG", "foo", zapcore.DebugLevel, true},
	{"foo::bar", "foo::bar", trace, true}, // "::" is part of the path, not the form
	{"a:b", "a:b", trace, true},           // not a level word: a bare target
	// Empty segments and spaces are dropped.
	{" info , ,foo = debug ,", "foo", zapcore.DebugLevel, true},
	{",,", "x", zapcore.ErrorLevel, false},
	{"", "x", zapcore.ErrorLevel, false},
	// Skipped directives leave the rest working.
	{"info,foo=loud", "foo", zapcore.InfoLevel, true},
	{"info,foo=loud", "foo", zapcore.DebugLevel, false},
	{"=debug,warn", "x", zapcore.WarnLevel, true},
	{"debug,b a=info", "b a", zapcore.DebugLevel, true},
	// Outside any span, span directives widen nothing (spanCases test
	// them inside spans).
	{"info,[http-request]=debug", "x", zapcore.DebugLevel, false},
	{"info,foo[span]=trace", "foo", zapcore.DebugLevel, false},
	{"info,[http-request]=debug", "x", zapcore.InfoLevel, true},
	// Levels above the filter's: DPanic is an error line.
	{"error", "x", zapcore.DPanicLevel, true},
}

// TestDirectives runs the table three ways: Filter.Enabled, a logger named
// with zap's Named (the per-name cache), and one named with filter.Named
// (the bound level).
func TestDirectives(t *testing.T) {
	if len(directiveCases) < 60 {
		t.Fatalf("the table must hold at least 60 cases, has %d", len(directiveCases))
	}
	for _, tc := range directiveCases {
		name := tc.spec + "/" + tc.target + "/" + levelNames[tc.level]
		t.Run(name, func(t *testing.T) {
			f, _ := filter.Parse(tc.spec)
			if got := f.Enabled(tc.target, tc.level); got != tc.want {
				t.Errorf("Enabled = %v, want %v (filter %q)", got, tc.want, f.String())
			}
			for _, bind := range []bool{false, true} {
				obs, logs := observer.New(zapcore.Level(-128))
				log := zap.New(filter.NewCore(obs, f))
				if tc.target != "" {
					if bind {
						log = filter.Named(log, tc.target)
					} else {
						log = log.Named(tc.target)
					}
				}
				if ce := log.Check(tc.level, "line"); ce != nil {
					ce.Write()
				}
				if got := logs.Len() == 1; got != tc.want {
					t.Errorf("bound=%v: printed %v, want %v", bind, got, tc.want)
				}
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		spec, want string
	}{
		{"foo=loud", `filter: ignoring directive "foo=loud": unknown level "loud" (want off, error, warn, info, debug, trace or 0-5)`},
		{"info,foo=", `filter: ignoring directive "foo=": unknown level "" (want off, error, warn, info, debug, trace or 0-5)`},
		{"=debug", `filter: ignoring directive "=debug": empty target before '='`},
		{"a b=info", `filter: ignoring directive "a b=info": a target cannot hold spaces, '=', '[' or ']'`},
		{"a=b=info", `filter: ignoring directive "a=b=info": a target cannot hold spaces, '=', '[' or ']'`},
		{"a\xa5=info,[\xff]=debug", `filter: ignoring directive "a\xa5=info": a target or span is not valid UTF-8` + "\n" +
			`filter: ignoring directive "[\xff]=debug": a target or span is not valid UTF-8`},
		{"a\vb=info", `filter: ignoring directive "a\vb=info": a target cannot hold spaces, '=', '[' or ']'`},
		{"a\u00a0b:debug", `filter: ignoring directive "a\u00a0b:debug": a target cannot hold spaces, '=', '[' or ']'`},
		{"a\v:debug,b :info", ""}, // trimmed around ':' as around '='
		{"foo[span=debug", `filter: ignoring directive "foo[span=debug": a span must be written [name] after the target, with a non-empty name`},
		{"foo[]=debug", `filter: ignoring directive "foo[]=debug": a span must be written [name] after the target, with a non-empty name`},
		{"9=info,x=1", ""},
		{"[http-request]=debug,dynamo_llm[handle_payload]=trace", ""}, // span directives are in force: nothing to report
		{"[http-request]=loud,[ok]=debug", `filter: ignoring directive "[http-request]=loud": unknown level "loud" (want off, error, warn, info, debug, trace or 0-5)`},
		{"loud=,ok=info,=x", `filter: ignoring directive "loud=": unknown level "" (want off, error, warn, info, debug, trace or 0-5)` + "\n" +
			`filter: ignoring directive "=x": unknown level "x" (want off, error, warn, info, debug, trace or 0-5)`},
	} {
		f, err := filter.Parse(tc.spec)
		if f == nil {
			t.Fatalf("Parse(%q) returned a nil filter", tc.spec)
		}
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("Parse(%q):\n got %q\nwant %q", tc.spec, got, tc.want)
		}
	}
}

func TestStringRoundTrips(t *testing.T) {
	for _, spec := range []string{
		"info", "info,dynamo_runtime=debug,dynamo=warn", "foo=trace", "off,a::b=error",
		"warn,foo[span]=debug,[http-request]=trace",
	} {
		f, _ := filter.Parse(spec)
		g, _ := filter.Parse(f.String())
		if f.String() != g.String() {
			t.Errorf("%q: %q does not read back (%q)", spec, f.String(), g.String())
		}
		for _, d := range strings.Split(spec, ",") {
			if !strings.Contains(","+f.String()+",", ","+d+",") {
				t.Errorf("%q: String() %q lost %q", spec, f.String(), d)
			}
		}
	}
}

// spanCases: a DYN_LOG spec, a target, the names of the spans in scope
// (root first; nil for none), a level, and whether a line prints. The rules
// are EnvFilter's: a line prints if its target directives allow it or a
// span directive naming one of its spans (and prefixing its target, if the
// directive has a target) does; the most permissive such directive wins.
var spanCases = []struct {
	spec   string
	target string
	chain  []string
	level  zapcore.Level
	want   bool
}{
	// [SPAN]=LEVEL widens inside the span, and only there.
	{"info,[http-request]=debug", "x", []string{"http-request"}, zapcore.DebugLevel, true},
	{"info,[http-request]=debug", "x", nil, zapcore.DebugLevel, false},
	{"info,[http-request]=debug", "x", []string{"other"}, zapcore.DebugLevel, false},
	{"info,[http-request]=debug", "x", []string{"http-request"}, trace, false},
	{"info,[http-request]=debug", "x", []string{"http-request"}, zapcore.InfoLevel, true},
	// Any span of the chain counts: the root and the innermost.
	{"info,[http-request]=debug", "x", []string{"http-request", "handle_payload"}, zapcore.DebugLevel, true},
	{"info,[handle_payload]=debug", "x", []string{"http-request", "handle_payload"}, zapcore.DebugLevel, true},
	{"info,[handle_payload]=debug", "x", []string{"http-request", "generate"}, zapcore.DebugLevel, false},
	// Span names match exactly: no prefix, no case folding.
	{"info,[handle]=debug", "x", []string{"handle_payload"}, zapcore.DebugLevel, false},
	{"info,[http-request]=debug", "x", []string{"HTTP-REQUEST"}, zapcore.DebugLevel, false},
	// TARGET[SPAN]=LEVEL needs both the target prefix and the span.
	{"info,dynamo_llm[handle_payload]=trace", "dynamo_llm::preprocessor", []string{"http-request", "handle_payload"}, trace, true},
	{"info,dynamo_llm[handle_payload]=trace", "dynamo_runtime::pipeline", []string{"http-request", "handle_payload"}, trace, false},
	{"info,dynamo_llm[handle_payload]=trace", "dynamo_llm::preprocessor", []string{"http-request"}, trace, false},
	{"info,dynamo_llm[handle_payload]=trace", "dynamo_llm::preprocessor", nil, zapcore.DebugLevel, false},
	{"info,dynamo_llm[handle_payload]=trace", "dynamo_llm::preprocessor", nil, zapcore.InfoLevel, true},
	// Span directives only widen: off inside a span silences nothing.
	{"debug,[x]=off", "t", []string{"x"}, zapcore.DebugLevel, true},
	{"t=error,[x]=off", "t", []string{"x"}, zapcore.ErrorLevel, true},
	{"t=error,[x]=off", "t", []string{"x"}, zapcore.WarnLevel, false},
	{"debug,[x]=warn", "t", []string{"x"}, zapcore.DebugLevel, true},
	// A span directive opens a target that no target directive matches.
	{"foo=debug,[x]=info", "bar", []string{"x"}, zapcore.InfoLevel, true},
	{"foo=debug,[x]=info", "bar", nil, zapcore.ErrorLevel, false},
	{"[x]=debug", "t", []string{"x"}, zapcore.DebugLevel, true},
	{"[x]=debug", "t", []string{"y"}, zapcore.ErrorLevel, false},
	// Among matching span directives the most permissive wins.
	{"error,[a]=warn,[b]=trace", "t", []string{"a", "b"}, trace, true},
	{"error,[a]=warn,[b]=trace", "t", []string{"a"}, zapcore.WarnLevel, true},
	{"error,[a]=warn,[b]=trace", "t", []string{"a"}, zapcore.InfoLevel, false},
	{"error,[a]=trace,[a]=warn", "t", []string{"a"}, zapcore.InfoLevel, false}, // the later one replaces the earlier
	{"error,d[x]=trace,[x]=info", "other", []string{"x"}, zapcore.InfoLevel, true},
	{"error,d[x]=trace,[x]=info", "other", []string{"x"}, zapcore.DebugLevel, false},
	{"error,d[x]=trace,[x]=info", "d::a", []string{"x"}, trace, true},
	{"info,a[x]=debug,b[y]=debug", "a::1", []string{"x"}, zapcore.DebugLevel, true},
	{"info,a[x]=debug,b[y]=debug", "a::1", []string{"y"}, zapcore.DebugLevel, false}, // y's directive is b's
	// The empty target (an unnamed logger without zap.AddCaller).
	{"off,[x]=debug", "", []string{"x"}, zapcore.DebugLevel, true},
	{"off,[x]=debug", "", nil, zapcore.ErrorLevel, false},
	{"off,d[x]=debug", "", []string{"x"}, zapcore.ErrorLevel, false},
}

func spansOf(chain []string) *vocab.Spans {
	if chain == nil {
		return nil
	}
	s := &vocab.Spans{TraceID: "0af7651916cd43dd8448eb211c80319c", SpanID: "b7ad6b7169203331"}
	for _, name := range chain {
		s.Chain = append(s.Chain, vocab.Span{Name: name})
	}
	return s
}

// TestSpanDirectives runs the span table through Filter.EnabledIn and
// through loggers: named with zap's Named and with filter.Named (or unnamed
// for the empty target), the spans field on the call, or given to With
// before or after naming.
func TestSpanDirectives(t *testing.T) {
	if len(spanCases) < 15 {
		t.Fatalf("the table must hold at least 15 cases, has %d", len(spanCases))
	}
	for _, tc := range spanCases {
		name := tc.spec + "/" + tc.target + "/" + strings.Join(tc.chain, ">") + "/" + levelNames[tc.level]
		t.Run(name, func(t *testing.T) {
			f, err := filter.Parse(tc.spec)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.spec, err)
			}
			spans := spansOf(tc.chain)
			if got := f.EnabledIn(tc.target, tc.level, spans); got != tc.want {
				t.Errorf("EnabledIn = %v, want %v (filter %q)", got, tc.want, f.String())
			}
			for _, bind := range []bool{false, true} {
				if bind && tc.target == "" {
					continue // filter.Named needs a name
				}
				for _, via := range []string{"call", "with before naming", "with after naming"} {
					obs, logs := observer.New(zapcore.Level(-128))
					log := zap.New(filter.NewCore(obs, f))
					var fields []zap.Field
					switch {
					case spans == nil:
					case via == "call":
						fields = append(fields, vocab.SpansField(spans))
					case via == "with before naming":
						log = log.With(vocab.SpansField(spans))
					}
					if tc.target != "" {
						if bind {
							log = filter.Named(log, tc.target)
						} else {
							log = log.Named(tc.target)
						}
					}
					if spans != nil && via == "with after naming" {
						log = log.With(vocab.SpansField(spans))
					}
					if ce := log.Check(tc.level, "line"); ce != nil {
						ce.Write(fields...)
					}
					if got := logs.Len() == 1; got != tc.want {
						t.Errorf("bound=%v, spans by %s: printed %v, want %v", bind, via, got, tc.want)
					}
				}
			}
		})
	}
}
