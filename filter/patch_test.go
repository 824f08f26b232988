package filter_test

import (
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestHandlerPATCH drives PATCH over a real loopback server: it merges
// directives into the filter in force (a target and span already there
// take the new level, the rest stays with its source), sets the runtime
// override, and is refused, changing nothing, when its spec does not parse,
// holds nothing, or would grow the filter past MaxDirectives. Each change
// is reported with what it added and removed.
func TestHandlerPATCH(t *testing.T) {
	obs, logs := observer.New(zapcore.Level(-128))
	configured := filter.New(filter.WithSource(mustParse(t, "info,h2=error").Directives(), filter.SourceBuiltin)...)
	log := zap.New(filter.NewCore(obs, configured))
	a := filter.AtomicOf(log.Core())
	var changes []string
	port := regexp.MustCompile(`127\.0\.0\.1:[0-9]+`)
	a.OnChange(func(ch filter.Change) {
		changes = append(changes, port.ReplaceAllString(ch.String(), "127.0.0.1:PORT"))
	})
	srv := httptest.NewServer(a)
	defer srv.Close()

	status, body := do(t, "PATCH", srv.URL, "", "dynamo=debug, h2=warn")
	want := `{"filter":"info,dynamo=debug,h2=warn","directives":[{"level":"info","source":"built-in"},{"target":"dynamo","level":"debug","source":"runtime"},{"target":"h2","level":"warn","source":"runtime"}],"override":true,"configured":"info,h2=error"}` + "\n"
	if status != 200 || body != want {
		t.Fatalf("PATCH: %d %s\nwant 200 %s", status, body, want)
	}
	status, body = do(t, "PATCH", srv.URL, "application/json", `{"filter":"[req]=trace,dynamo=trace"}`)
	want = `{"filter":"info,dynamo=trace,h2=warn,[req]=trace","directives":[{"level":"info","source":"built-in"},{"target":"dynamo","level":"trace","source":"runtime"},{"target":"h2","level":"warn","source":"runtime"},{"span":"req","level":"trace","source":"runtime"}],"override":true,"configured":"info,h2=error"}` + "\n"
	if status != 200 || body != want {
		t.Fatalf("second PATCH: %d %s\nwant 200 %s", status, body, want)
	}
	log.Named("dynamo_runtime").Log(zapcore.DebugLevel-1, "dynamo trace")
	log.Named("h2").Info("hidden: h2 info")
	log.Named("h2").Warn("h2 warn")
	log.Named("other").Debug("hidden: other debug")
	if got := messages(logs); got != "[dynamo trace h2 warn]" {
		t.Errorf("after PATCH the loggers printed %v", got)
	}

	// A filter of MaxDirectives-4 directives, then PATCHes that would
	// take it past the bound, and one that stays within.
	many := make([]string, filter.MaxDirectives-4)
	for i := range many {
		many[i] = fmt.Sprintf("t%d=debug", i)
	}
	if status, body := do(t, "PUT", srv.URL, "", strings.Join(many, ",")); status != 200 {
		t.Fatalf("PUT: %d %s", status, body)
	}
	before := a.Load().String()
	for _, tc := range []struct {
		name, body string
		want       string
	}{
		{"past the bound", "a=info,b=info,c=info,d=info,e=info",
			`{"error":"filter: the filter in force would hold 1025 directives with these merged into it, more than the 1024 a filter may hold; the filter in force stays"}`},
		{"bad level", "t1=loud",
			`{"error":"filter: ignoring directive \"t1=loud\": unknown level \"loud\" (want off, error, warn, info, debug, trace or 0-5); the filter in force stays"}`},
		{"empty", " , ",
			`{"error":"filter: spec \" , \" holds no directive (send the directives to merge into the filter in force); the filter in force stays"}`},
	} {
		status, body := do(t, "PATCH", srv.URL, "", tc.body)
		if status != 400 || body != tc.want+"\n" {
			t.Errorf("%s: %d %s\nwant 400 %s", tc.name, status, body, tc.want)
		}
		if got := a.Load().String(); got != before {
			t.Errorf("%s: the filter changed; a refused PATCH must keep it", tc.name)
		}
	}
	if status, body := do(t, "PATCH", srv.URL, "", "a=info,b=info,c=info,d=info,t0=trace"); status != 200 {
		t.Fatalf("PATCH up to the bound: %d %s", status, body)
	}
	if n := len(a.Load().Directives()); n != filter.MaxDirectives {
		t.Errorf("%d directives after the PATCH, want %d", n, filter.MaxDirectives)
	}

	wantChanges := []string{
		"filter replaced by HTTP PATCH from 127.0.0.1:PORT: 2 directives added, 1 removed; added dynamo=debug, h2=warn; removed h2=error",
		"filter replaced by HTTP PATCH from 127.0.0.1:PORT: 2 directives added, 1 removed; added dynamo=trace, [req]=trace; removed dynamo=debug",
		"filter replaced by HTTP PUT from 127.0.0.1:PORT: 1020 directives added, 4 removed",
		"filter replaced by HTTP PATCH from 127.0.0.1:PORT: 5 directives added, 1 removed; added t0=trace, a=info, b=info, c=info, d=info; removed t0=debug",
	}
	for i := range changes {
		if i == 2 { // its lists are long: TestChangeStringBounded checks them
			changes[i], _, _ = strings.Cut(changes[i], ";")
		}
	}
	if strings.Join(changes, "\n") != strings.Join(wantChanges, "\n") {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(changes, "\n"), strings.Join(wantChanges, "\n"))
	}
}
