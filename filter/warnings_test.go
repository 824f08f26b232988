package filter_test

import (
	"reflect"
	"testing"

	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap/zapcore"
)

func TestWarnings(t *testing.T) {
	tests := []struct {
		spec string
		want []string
	}{
		{"info", nil},
		{"info,dbug", nil}, // a default level: "dbug" is a target like any
		{"off,app=debug", nil},
		{"dbug", []string{`filter: "dbug=trace" reads "dbug" as a target printed at trace, not as a level, and no directive sets a default level, so lines of every other target print nothing; did you mean "debug"?`}},
		{"WARNIGN", []string{`filter: "WARNIGN=trace" reads "WARNIGN" as a target printed at trace, not as a level, and no directive sets a default level, so lines of every other target print nothing; did you mean "warning"?`}},
		{"inf,eror", []string{
			`filter: "eror=trace" reads "eror" as a target printed at trace, not as a level, and no directive sets a default level, so lines of every other target print nothing; did you mean "error"?`,
			`filter: "inf=trace" reads "inf" as a target printed at trace, not as a level, and no directive sets a default level, so lines of every other target print nothing; did you mean "info"?`,
		}},
		{"verbose", []string{`filter: no directive sets a default level (a bare level such as "info"), so only lines of "verbose" print and every other target's are off`}},
		{"app::x=debug", []string{`filter: no directive sets a default level (a bare level such as "info"), so only lines of "app::x" print and every other target's are off`}},
		{"off", []string{`filter: "off" turns every line off`}},
		{"0", []string{`filter: "off" turns every line off`}},
		{"app=off,[s]=off", []string{`filter: "app=off,[s]=off" turns every line off`}},
		{"", []string{`filter: no directive sets a level, so every line is off`}},
	}
	for _, tt := range tests {
		f, err := filter.Parse(tt.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Warnings(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Parse(%q).Warnings():\n%q\nwant\n%q", tt.spec, got, tt.want)
		}
	}
}

// TestWarningsSources: built-in directives are never the subject of a
// warning, and the source of a directive is named.
func TestWarningsSources(t *testing.T) {
	builtin := filter.Directive{Target: "h2", Level: zapcore.ErrorLevel, Source: filter.SourceBuiltin}
	f := filter.New(builtin, filter.Directive{Target: "dbug", Level: zapcore.Level(-2), Source: "env DYN_LOG"})
	want := []string{`filter: "dbug=trace" (from env DYN_LOG) reads "dbug" as a target printed at trace, not as a level, and no directive sets a default level, so lines of every other target print nothing; did you mean "debug"?`}
	if got := f.Warnings(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	f = filter.New(builtin, filter.Directive{Level: filter.OffLevel, Source: "env DYN_LOG"})
	want = []string{`filter: "off" turns every line off; only the built-in directives (such as h2=error) still print`}
	if got := f.Warnings(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	want = []string{`filter: no directive sets a level, so every line is off; only the built-in directives (such as h2=error) still print`}
	if got := filter.New(builtin).Warnings(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
