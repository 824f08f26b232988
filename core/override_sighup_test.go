package core_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap/zapcore"
)

// TestOverrideSurvivesSIGHUP: a PUT over HTTP, then a real SIGHUP with
// ReloadOnSIGHUP running, then GET: the runtime override is still in
// force and GET says so; DELETE removes it. Each step writes one audit
// line of target dynlog, with who made the change and where the filter put
// in place came from.
func TestOverrideSurvivesSIGHUP(t *testing.T) {
	var out logtest.Buffer
	opts := []core.Option{core.WithEnv(coretest.Env(map[string]string{"DYN_LOG": "warn", "DYN_LOGGING_JSONL": "1"})),
		core.WithSystemConfig(""), core.WithOutput(&out), core.WithErrorOutput(&out)}
	log, err := core.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	core.ReloadOnSIGHUP(ctx, log, opts...)
	srv := httptest.NewServer(filter.Handler(log.Core()))
	defer srv.Close()
	send := func(method, body string) string {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL, strings.NewReader(body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", method, resp.StatusCode, b)
		}
		return string(b)
	}
	audits := func() []string {
		var a []string
		for _, l := range out.JSONLines(t) {
			if l["target"] == "dynlog" {
				from, _ := l["from"].(string)
				over, _ := l["override"].(bool)
				line := l["message"].(string) + " from=" + from
				if over {
					line += " override=true"
				}
				a = append(a, line)
			}
		}
		return a
	}
	app := core.Named(log, "app")

	send("PUT", "debug")
	app.Debug("debug under the override")

	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); len(audits()) < 2; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no audit line for the SIGHUP; output:\n%s", out.String())
		}
	}
	app.Debug("debug after SIGHUP")
	if got := send("GET", ""); !strings.HasPrefix(got, `{"filter":"debug","directives":[{"level":"debug","source":"runtime"}],"override":true,"configured":"warn,`) {
		t.Errorf("GET after SIGHUP: %s", got)
	}
	send("DELETE", "")
	app.Debug("hidden: debug after DELETE")
	app.Warn("warn after DELETE")

	got := audits()
	want := []string{
		"filter replaced by HTTP PUT from 127.0.0.1:PORT: 1 directive added, 15 removed; added debug; removed warn, opentelemetry_sdk=error, opentelemetry=error, async_nats=error, hyper_util=error, tokenizers=error, hf_hub=error, rustls=error, tonic=error, tower=error, axum=error, grpc=error, neli=error, otel=error, h2=error from=runtime override=true",
		"configured filter replaced by SIGHUP; the runtime override stays in force: no directive changed from=env DYN_LOG, built-in override=true",
		"filter replaced by HTTP DELETE from 127.0.0.1:PORT: 15 directives added, 1 removed; added warn, opentelemetry_sdk=error, opentelemetry=error, async_nats=error, hyper_util=error, tokenizers=error, hf_hub=error, rustls=error, tonic=error, tower=error, axum=error, grpc=error, neli=error, otel=error, h2=error; removed debug from=env DYN_LOG, built-in",
	}
	if len(got) != len(want) {
		t.Fatalf("audit lines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	port := regexp.MustCompile(`127\.0\.0\.1:[0-9]+`) // the remote port varies
	for i := range want {
		if g := port.ReplaceAllString(got[i], "127.0.0.1:PORT"); g != want[i] {
			t.Errorf("audit line %d: %s\nwant %s", i, got[i], want[i])
		}
	}
	var msgs []string
	for _, l := range out.JSONLines(t) {
		if l["target"] == "app" {
			msgs = append(msgs, l["message"].(string))
		}
	}
	if strings.Join(msgs, ",") != "debug under the override,debug after SIGHUP,warn after DELETE" {
		t.Errorf("app printed %q", msgs)
	}
}

// TestSIGHUPReloadFailure: a SIGHUP whose TOML file no longer parses keeps
// the filter in force and says so, once, as a JSONL line of target dynlog.
func TestSIGHUPReloadFailure(t *testing.T) {
	path := t.TempDir() + "/logging.toml"
	if err := os.WriteFile(path, []byte("log_level = \"warn\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out logtest.Buffer
	opts := []core.Option{core.WithEnv(coretest.Env(map[string]string{"DYN_LOGGING_CONFIG_PATH": path, "DYN_LOGGING_JSONL": "1"})),
		core.WithSystemConfig(""), core.WithOutput(&out), core.WithErrorOutput(&out)}
	log, err := core.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	core.ReloadOnSIGHUP(ctx, log, opts...)
	if err := os.WriteFile(path, []byte("log_level = \n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	const want = "SIGHUP: reload failed, keeping the filter in force: "
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), want) && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	var reports []map[string]any
	for _, l := range out.JSONLines(t) {
		if l["target"] == "dynlog" && strings.HasPrefix(l["message"].(string), want) {
			reports = append(reports, l)
		}
	}
	if len(reports) != 1 || reports[0]["level"] != "WARN" || !strings.Contains(reports[0]["message"].(string), path) {
		t.Fatalf("want one WARN report naming %s; output:\n%s", path, out.String())
	}
	if log.Core().Enabled(zapcore.InfoLevel) || !log.Core().Enabled(zapcore.WarnLevel) {
		t.Errorf("the filter in force changed after a failed reload")
	}
}

// TestAuditLineBounded: a PUT of as many directives as a filter may hold
// writes one audit line that says how many it added and names only the
// first, not the whole old and new filter.
func TestAuditLineBounded(t *testing.T) {
	var out logtest.Buffer
	log, err := core.New(core.WithEnv(coretest.Env(map[string]string{"DYN_LOG": "info", "DYN_LOGGING_JSONL": "1"})),
		core.WithSystemConfig(""), core.WithOutput(&out), core.WithErrorOutput(&out))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(filter.Handler(log.Core()))
	defer srv.Close()
	spans := make([]string, filter.MaxDirectives)
	for i := range spans {
		spans[i] = fmt.Sprintf("[s%d]=trace", i)
	}
	req, err := http.NewRequest("PUT", srv.URL, strings.NewReader(strings.Join(spans, ",")))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PUT: %d", resp.StatusCode)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one audit line, got:\n%s", out.String())
	}
	var l struct{ Target, Message, From string }
	if err := json.Unmarshal([]byte(lines[0]), &l); err != nil {
		t.Fatal(err)
	}
	want := "filter replaced by HTTP PUT from 127.0.0.1:PORT: 1024 directives added, 15 removed; added " + strings.Join(spans[:40], ", ") +
		", … (984 more); removed info, opentelemetry_sdk=error, opentelemetry=error, async_nats=error, hyper_util=error, tokenizers=error, hf_hub=error, rustls=error, tonic=error, tower=error, axum=error, grpc=error, neli=error, otel=error, h2=error"
	msg := regexp.MustCompile(`127\.0\.0\.1:[0-9]+`).ReplaceAllString(l.Message, "127.0.0.1:PORT")
	if l.Target != "dynlog" || msg != want || l.From != "runtime" {
		t.Errorf("audit line %s\nwant target dynlog, from runtime, message %s", lines[0], want)
	}
	if len(lines[0]) > 2*filter.MaxChangeBytes {
		t.Errorf("audit line of %d bytes", len(lines[0]))
	}
}
