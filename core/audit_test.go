package core_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap/zapcore"
)

// vllmHead is the head of a vLLM line at the pinned time, in UTC, for a
// call at file:line.
func vllmHead(level, file string, line int) string {
	return fmt.Sprintf("%s 01-02 03:04:05 [%s:%d] ", level, filepath.Base(file), line)
}

// vllmDefaults are NewVLLM's directives with no variable set, as an audit
// line lists them: the default level, then the built-in ones.
const vllmDefaults = "info, opentelemetry_sdk=error, opentelemetry=error, async_nats=error, hyper_util=error, tokenizers=error, hf_hub=error, rustls=error, tonic=error, tower=error, axum=error, grpc=error, neli=error, otel=error, h2=error"

// changesOf records what OnChange is told of a's changes: who made each
// and whether it came from outside.
func changesOf(a *filter.Atomic) func() []string {
	var mu sync.Mutex
	var got []string
	a.OnChange(func(c filter.Change) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, fmt.Sprintf("%s outside=%v", c.By, c.Outside))
	})
	return func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), got...)
	}
}

// TestStoreWritesNoAuditLine: a program that sets its own level, as vLLM's
// logger.setLevel does, through the logger's Atomic, gets its own lines and
// nothing else, as zap's AtomicLevel.SetLevel writes nothing; OnChange is
// still told of each Store, as not from outside.
func TestStoreWritesNoAuditLine(t *testing.T) {
	var out, errOut bytes.Buffer
	log, err := core.NewVLLM(vllmOptions(nil, &out, &errOut)...)
	if err != nil {
		t.Fatal(err)
	}
	a := filter.AtomicOf(log.Core())
	changes := changesOf(a)
	demo := log.Named("vllm.demo")
	base := a.Load().Directives()
	setLevel := func(l zapcore.Level) {
		a.Store(filter.New(append(base, filter.Directive{Target: "vllm.demo", Level: l})...))
	}

	file, before := coretest.Here()
	demo.Info("before setLevel")
	setLevel(zapcore.WarnLevel)
	demo.Info("hidden by setLevel(WARNING)")
	_, warned := coretest.Here()
	demo.Warn("shown after setLevel(WARNING)")
	setLevel(zapcore.InfoLevel)
	_, again := coretest.Here()
	demo.Info("shown after setLevel(INFO)")

	want := vllmHead("INFO", file, before+1) + "before setLevel\n" +
		vllmHead("WARNING", file, warned+1) + "shown after setLevel(WARNING)\n" +
		vllmHead("INFO", file, again+1) + "shown after setLevel(INFO)\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n got %q\nwant %q", got, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("error output: %q", errOut.String())
	}
	if got, want := strings.Join(changes(), "; "), "Store outside=false; Store outside=false"; got != want {
		t.Errorf("OnChange told %q, want %q", got, want)
	}
}

// TestPUTWritesOneAuditLine: a PUT to the level handler, served on
// loopback, writes one audit line to the logger's output, pointing at the
// call that built the logger (the vLLM layout would print [unknown:0]
// for a line without a caller), naming the client's address as the server
// saw it.
func TestPUTWritesOneAuditLine(t *testing.T) {
	var out, errOut logtest.Buffer // the server's goroutine writes the audit line
	opts := []core.Option{core.WithEnv(coretest.Env(nil)), core.WithOutput(&out), core.WithErrorOutput(&errOut),
		core.WithClock(coretest.Clock(coretest.Pinned)), core.WithLocation(time.UTC)}
	file, line := coretest.Here()
	log, err := core.NewVLLM(opts...)
	if err != nil {
		t.Fatal(err)
	}
	changes := changesOf(filter.AtomicOf(log.Core()))
	srv := httptest.NewServer(filter.Handler(log.Core()))
	defer srv.Close()
	var client string // the client's address, which the server sees as the remote one
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			client = c.LocalAddr().String()
		}
		return c, err
	}}
	defer transport.CloseIdleConnections()
	req, err := http.NewRequest(http.MethodPut, srv.URL, strings.NewReader("debug"))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Transport: transport}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT: %d %s", resp.StatusCode, body)
	}
	if !strings.HasPrefix(client, "127.0.0.1:") {
		t.Fatalf("the client's address is %q, not on loopback", client)
	}

	want := vllmHead("INFO", file, line+1) + "filter replaced by HTTP PUT from " + client +
		": 1 directive added, 15 removed; added debug; removed " + vllmDefaults + ` override=true from="runtime"` + "\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n got %q\nwant %q", got, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("error output: %q", errOut.String())
	}
	if got, want := strings.Join(changes(), "; "), "HTTP PUT from "+client+" outside=true"; got != want {
		t.Errorf("OnChange told %q, want %q", got, want)
	}
}

// TestReloadWritesOneAuditLine: core.Reload writes one audit line, and
// its reports (a DYN_LOG directive it skips) are lines of the
// logger's layout; both point at the call that built the logger, as the
// logger's other reports do.
func TestReloadWritesOneAuditLine(t *testing.T) {
	var out, errOut bytes.Buffer
	vars := map[string]string{"DYN_LOG": "info"}
	opts := append(vllmOptions(vars, &out, &errOut), core.WithSystemConfig("")) // Reload reads the TOML files
	file, line := coretest.Here()
	log, err := core.NewVLLM(opts...)
	if err != nil {
		t.Fatal(err)
	}
	changes := changesOf(filter.AtomicOf(log.Core()))
	at := vllmHead("INFO", file, line+1)

	vars["DYN_LOG"] = "info,vllm.demo=debug"
	if err := core.Reload(log, opts...); err != nil {
		t.Fatal(err)
	}
	want := at + `filter replaced by core.Reload: 1 directive added, 0 removed; added vllm.demo=debug from="env DYN_LOG, built-in"` + "\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n got %q\nwant %q", got, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("error output: %q", errOut.String())
	}

	out.Reset()
	vars["DYN_LOG"] = "info,vllm.demo=dbug" // a report, and the directive skipped
	if err := core.Reload(log, opts...); err != nil {
		t.Fatal(err)
	}
	want = at + `filter replaced by core.Reload: 0 directives added, 1 removed; removed vllm.demo=debug from="env DYN_LOG, built-in"` + "\n"
	if got := out.String(); got != want {
		t.Errorf("output:\n got %q\nwant %q", got, want)
	}
	wantErr := strings.Replace(at, "INFO", "WARNING", 1) +
		`DYN_LOG: filter: ignoring directive "vllm.demo=dbug": unknown level "dbug" (want off, error, warn, info, debug, trace or 0-5)` + "\n"
	if got := errOut.String(); got != wantErr {
		t.Errorf("error output:\n got %q\nwant %q", got, wantErr)
	}
	if got, want := strings.Join(changes(), "; "), "core.Reload outside=true; core.Reload outside=true"; got != want {
		t.Errorf("OnChange told %q, want %q", got, want)
	}
}
