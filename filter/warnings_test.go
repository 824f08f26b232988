package filter_test

import (
	"fmt"
	"reflect"
	"strings"
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

// TestWarningsBounded: a filter of many directives gets warnings of a size
// a person can read: at most eight targets named, at most eight misspelt
// levels, a spec cut to 512 bytes.
func TestWarningsBounded(t *testing.T) {
	var targets, offs []string
	typos := []string{"dbug", "inf", "eror", "warnign", "trce", "debg", "infoo", "errr", "wrn", "tace", "deug"}
	for i := range 1000 {
		targets = append(targets, fmt.Sprintf("app%03d=debug", i))
		offs = append(offs, fmt.Sprintf("app%03d=off", i))
	}
	for _, tc := range []struct {
		spec string
		want []string
	}{
		{strings.Join(targets, ","), []string{`filter: no directive sets a default level (a bare level such as "info"), so only lines of "app000", "app001", "app002", "app003", "app004", "app005", "app006", "app007", 992 more print and every other target's are off`}},
		{strings.Join(offs, ","), []string{`filter: "` + strings.Join(offs, ",")[:512] + `"` + fmt.Sprintf("…[%d bytes cut]", len(strings.Join(offs, ","))-512) + ` turns every line off`}},
	} {
		f, err := filter.Parse(tc.spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Warnings(); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Parse(%.40q…).Warnings():\n%q\nwant\n%q", tc.spec, got, tc.want)
		}
	}
	f, err := filter.Parse(strings.Join(typos, ","))
	if err != nil {
		t.Fatal(err)
	}
	got := f.Warnings()
	if len(got) != 9 || got[8] != "filter: 3 more directives read a misspelt level as a target" {
		t.Errorf("eleven misspelt levels: %d warnings, the last %q; want 8 and one saying 3 more", len(got), got[len(got)-1])
	}
}
