package filter_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
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

// FuzzHandlerPUT sends the level handler any PUT, or PATCH when kind's top
// bit is set: it answers 200 or a 4xx, never a 5xx or a panic; a refused
// request leaves the filter in force as it was, and an accepted one puts in
// force a filter that its answer names and that Parse reads back.
func FuzzHandlerPUT(f *testing.F) {
	f.Add(uint8(0), "warn,dynamo_runtime=debug,[http-request]=trace")
	f.Add(uint8(1), `{"filter":"error"}`)
	f.Add(uint8(1), `{"filter":"x=loud"}`)
	f.Add(uint8(0), " , ")
	f.Add(uint8(2), "off")
	f.Add(uint8(1), `{"filter":1}`)
	f.Add(uint8(0), "foo\v:debug")
	f.Add(uint8(0x80), "h2=warn,[req]=trace")
	f.Add(uint8(0x81), `{"filter":"info"}`)
	types := []string{"text/plain", "application/json; charset=utf-8", "", "application/x-www-form-urlencoded"}
	f.Fuzz(func(t *testing.T, kind uint8, body string) {
		log := zap.New(filter.NewCore(zapcore.NewNopCore(), mustParse(t, "info,h2=error")))
		a := filter.AtomicOf(log.Core())
		before := a.Load().String()
		method := "PUT"
		if kind&0x80 != 0 {
			method = "PATCH"
		}
		req := httptest.NewRequest(method, "/", strings.NewReader(body))
		if ct := types[int(kind)%len(types)]; ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		rec := httptest.NewRecorder()
		a.ServeHTTP(rec, req)
		now := a.Load().String()
		switch {
		case rec.Code == http.StatusOK:
			var answer struct{ Filter string }
			if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil || answer.Filter != now {
				t.Fatalf("200 %q for a filter now %q (%v)", rec.Body.String(), now, err)
			}
			if back, err := filter.Parse(now); err != nil || back.String() != now {
				t.Fatalf("the filter put in force, %q, reads back as %q (%v)", now, back.String(), err)
			}
		case rec.Code >= 400 && rec.Code < 500:
			if now != before {
				t.Fatalf("refused with %d %q, yet the filter changed from %q to %q", rec.Code, rec.Body.String(), before, now)
			}
		default:
			t.Fatalf("answered %d %q", rec.Code, rec.Body.String())
		}
	})
}
