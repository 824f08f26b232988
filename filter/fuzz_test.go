package filter_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap/zapcore"
)

// FuzzParse gives Parse any DYN_LOG a user (or a typo) might set: it never
// panics and always returns a filter; the filter's String is a spec that
// Parse reads back, without an error, to the same directives and the same
// decisions; and a spec that parsed without an error keeps its decisions
// when parsed again from String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"info,dynamo_runtime=debug,h2=error",
		"foo=debug", "off", "", ",,", "TRACE", "5", "warning",
		"dynamo_llm::kv_router:debug", "a::b::c:info", "x=", "=info", "a=b=c",
		"[http-request]=debug", "info,dynamo[span{a=1}]=trace", "[]=info", "[a",
		"dynamo_runtime", "  info , foo = debug ", "foo=verbose", "0,1,2,3,4,5,6",
		"ÿ=info", "a\x00b=debug", "info,a=off,a=debug",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		p, err := filter.Parse(spec)
		if p == nil {
			t.Fatalf("Parse(%q) returned nil (err %v)", spec, err)
		}
		s := p.String()
		back, err2 := filter.Parse(s)
		if err2 != nil {
			t.Fatalf("Parse(%q).String() = %q, which Parse refuses: %v", spec, s, err2)
		}
		if !slices.Equal(back.Directives(), p.Directives()) {
			t.Fatalf("Parse(%q): directives %v; read back from %q: %v", spec, p.Directives(), s, back.Directives())
		}
		if back.String() != s {
			t.Fatalf("String not stable: %q, then %q", s, back.String())
		}
		// The decisions for targets the spec names, their prefixes and
		// extensions, and one it does not.
		targets := []string{"", "zz_unnamed"}
		for _, d := range p.Directives() {
			targets = append(targets, d.Target, d.Target+"::x", strings.TrimSuffix(d.Target, d.Target[len(d.Target)/2:]))
		}
		for _, target := range targets {
			for lvl := zapcore.DebugLevel - 1; lvl <= zapcore.FatalLevel; lvl++ {
				if got, want := back.Enabled(target, lvl), p.Enabled(target, lvl); got != want {
					t.Fatalf("Parse(%q) and its String %q decide %q at %v differently: %v, %v", spec, s, target, lvl, want, got)
				}
			}
			if got, want := back.Level(target), p.Level(target); got != want {
				t.Fatalf("Level(%q): %v from %q, %v from %q", target, want, spec, got, s)
			}
		}
	})
}
