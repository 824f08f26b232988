package filter_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// TestOverrideLayers: an override stays in force while the configured
// layer changes beneath it, and every change reaches OnChange once, with
// who made it.
func TestOverrideLayers(t *testing.T) {
	a := filter.NewAtomic(mustParse(t, "info"))
	var got []string
	a.OnChange(func(c filter.Change) {
		got = append(got, c.By+": "+c.Old.String()+" -> "+c.New.String()+" configured "+c.Configured.String()+
			map[bool]string{true: " (override)", false: ""}[c.Overridden])
	})
	a.Override(mustParse(t, "debug"), "test put")
	a.Configure(mustParse(t, "warn"), "reload")
	if a.Load().String() != "debug" || !a.Overridden() || a.Configured().String() != "warn" {
		t.Fatalf("after a reload under an override: in force %q, overridden %v, configured %q", a.Load(), a.Overridden(), a.Configured())
	}
	if !a.ClearOverride("test delete") {
		t.Error("ClearOverride reported no override")
	}
	if a.ClearOverride("again") {
		t.Error("a second ClearOverride reported an override")
	}
	a.Store(mustParse(t, "error"))
	want := []string{
		"test put: info -> debug configured info (override)",
		"reload: debug -> debug configured warn (override)",
		"test delete: debug -> warn configured warn",
		"again: warn -> warn configured warn",
		"Store: warn -> error configured error",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestChangeOutside: every change reaches OnChange, and Outside tells the
// changes from outside the program (Configure, Override, ClearOverride and
// the HTTP handler's PUT, PATCH and DELETE, which use them) from the
// program's own Store, which is false.
func TestChangeOutside(t *testing.T) {
	a := filter.NewAtomic(mustParse(t, "info"))
	var got []string
	a.OnChange(func(c filter.Change) {
		got = append(got, fmt.Sprintf("%s outside=%v: %s", strings.SplitN(c.By, " from ", 2)[0], c.Outside, c.New))
	})
	srv := httptest.NewServer(a)
	defer srv.Close()
	a.Store(mustParse(t, "warn"))
	a.Configure(mustParse(t, "error"), "core.Reload")
	a.Override(mustParse(t, "debug"), "admin")
	a.ClearOverride("admin")
	for _, r := range []struct{ method, body string }{{"PUT", "trace"}, {"PATCH", "a=info"}, {"DELETE", ""}} {
		if status, body := do(t, r.method, srv.URL, "", r.body); status != 200 {
			t.Fatalf("%s: %d %s", r.method, status, body)
		}
	}
	a.Store(mustParse(t, "info"))
	want := []string{
		"Store outside=false: warn",
		"core.Reload outside=true: error",
		"admin outside=true: debug",
		"admin outside=true: error",
		"HTTP PUT outside=true: trace",
		"HTTP PATCH outside=true: trace,a=info",
		"HTTP DELETE outside=true: error",
		"Store outside=false: info",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestHandlerLayers: PUT overrides, a configured change beneath leaves the
// override in force and GET says so, DELETE brings the configured filter
// back.
func TestHandlerLayers(t *testing.T) {
	a := filter.NewAtomic(filter.New(filter.WithSource(mustParse(t, "info").Directives(), "env DYN_LOG")...))
	var by []string
	a.OnChange(func(c filter.Change) { by = append(by, strings.SplitN(c.By, " from ", 2)[0]) })
	srv := httptest.NewServer(a)
	defer srv.Close()

	status, body := do(t, "PUT", srv.URL, "", "off")
	want := `{"filter":"off","directives":[{"level":"off","source":"runtime"}],"override":true,"configured":"info","warnings":["filter: \"off\" turns every line off"]}` + "\n"
	if status != 200 || body != want {
		t.Fatalf("PUT off: %d %s\nwant %s", status, body, want)
	}
	a.Configure(mustParse(t, "warn"), "SIGHUP")
	status, body = do(t, "GET", srv.URL, "", "")
	want = `{"filter":"off","directives":[{"level":"off","source":"runtime"}],"override":true,"configured":"warn"}` + "\n"
	if status != 200 || body != want {
		t.Fatalf("GET after a reload: %d %s\nwant %s", status, body, want)
	}
	status, body = do(t, "DELETE", srv.URL, "", "")
	want = `{"filter":"warn","directives":[{"level":"warn"}],"override":false,"configured":"warn"}` + "\n"
	if status != 200 || body != want {
		t.Fatalf("DELETE: %d %s\nwant %s", status, body, want)
	}
	if want := []string{"HTTP PUT", "SIGHUP", "HTTP DELETE"}; !reflect.DeepEqual(by, want) {
		t.Errorf("changes by %q, want %q", by, want)
	}
}

// TestNoFilterHandler: a nil *Atomic and the Handler of a core without a
// filter answer 503 with the reason, and never panic.
func TestNoFilterHandler(t *testing.T) {
	obs, _ := observer.New(zapcore.DebugLevel)
	var nilAtomic *filter.Atomic
	if filter.AtomicOf(obs) != nil {
		t.Fatal("AtomicOf found a filter in an observer core")
	}
	for name, h := range map[string]http.Handler{"nil *Atomic": nilAtomic, "Handler": filter.Handler(obs)} {
		for _, method := range []string{"GET", "PUT", "DELETE"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(method, "/", strings.NewReader("info")))
			if rec.Code != 503 || !strings.Contains(rec.Body.String(), "the logger has no filter core") {
				t.Errorf("%s %s: %d %s, want 503 with the reason", name, method, rec.Code, rec.Body)
			}
		}
	}
}

// TestWrappedCores: AtomicOf, Handler and Named reach the filter through
// every wrapper zap offers.
func TestWrappedCores(t *testing.T) {
	wrappers := []struct {
		name string
		wrap func(zapcore.Core) zapcore.Core
	}{
		{"zap.Hooks", func(c zapcore.Core) zapcore.Core {
			return zapcore.RegisterHooks(c, func(zapcore.Entry) error { return nil })
		}},
		{"sampler", func(c zapcore.Core) zapcore.Core {
			return zapcore.NewSamplerWithOptions(c, time.Hour, 1000, 1000)
		}},
		{"WrapCore", func(c zapcore.Core) zapcore.Core { return struct{ zapcore.Core }{c} }},
		{"tee", func(c zapcore.Core) zapcore.Core {
			other, _ := observer.New(zapcore.FatalLevel)
			return zapcore.NewTee(other, c)
		}},
	}
	for _, w := range wrappers {
		t.Run(w.name, func(t *testing.T) {
			obs, logs := observer.New(zapcore.Level(-128))
			log := zap.New(filter.NewCore(obs, mustParse(t, "info"))).WithOptions(zap.WrapCore(w.wrap))
			a := filter.AtomicOf(log.Core())
			if a == nil {
				t.Fatal("AtomicOf = nil")
			}
			if filter.AtomicOf(log.With(zap.String("k", "v")).Core()) != a {
				t.Error("AtomicOf after With found another Atomic")
			}
			named := filter.Named(log, "svc")
			named.Debug("hidden")
			a.Store(mustParse(t, "info,svc=debug"))
			named.Debug("shown")
			log.Named("other").Debug("hidden")
			a.Store(mustParse(t, "warn"))
			named.Info("hidden")
			if got := messages(logs); got != "[shown]" {
				t.Errorf("printed %v, want [shown]", got)
			}
			rec := httptest.NewRecorder()
			filter.Handler(log.Core()).ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
			if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), `{"filter":"warn",`) {
				t.Errorf("GET: %d %s", rec.Code, rec.Body)
			}
		})
	}
}
