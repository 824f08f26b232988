//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	_ "github.com/dynlog/dynlog/core/service" // core.Init exports over OTLP
)

// The variables run.sh sets for TestLogsAndTracesInStores.
const (
	envStoresOTLP  = "E2E_STORES_OTLP_ENDPOINT" // the node's collector, OTLP/gRPC: http://127.0.0.1:PORT
	envStoresLogs  = "E2E_STORES_LOG_DIR"       // the directory whose *.jsonl that collector tails
	envVictoriaURL = "E2E_VICTORIALOGS_URL"     // http://127.0.0.1:PORT
	envVictoriaPID = "E2E_VICTORIALOGS_PID"     // for the store-down check
	envJaegerURL   = "E2E_JAEGER_QUERY_URL"     // Jaeger's query service, http://127.0.0.1:PORT
	envDynlog      = "E2E_DYNLOG"               // a dynlog binary built from this checkout
)

// The variables a service process is started with, besides the DYN_* and
// OTEL_* ones that configure its logging and tracing.
const (
	envService = "E2E_SERVICE" // frontend, prefill or decode: run as that service
	envNext    = "E2E_NEXT"    // the URL the service calls, if any
)

// demoRequestID is the x-request-id of the request whose logs and trace
// are looked up in the stores: the first request of `dynlog demo`.
const demoRequestID = "8372eac7-5f43-4d76-beca-0a94cfb311d0"

// storeDeadline bounds each wait for a store to hold what was sent: the
// collector polls the files every 200 ms and batches for up to 1 s,
// VictoriaLogs makes rows searchable within about a second, the services
// flush spans every 100 ms.
const storeDeadline = 30 * time.Second

// readyPrefix starts the line a service process prints on stdout once it
// serves.
const readyPrefix = "e2e-service-ready "

// storeService is one of the three services as a process of its own: its
// name (its service.name), its target and its handler.
type storeService struct {
	name, target string
	handle       func(*service, http.ResponseWriter, *http.Request)
}

var storeServices = []storeService{ // started in this order: each calls the one before
	{"decode", decodeTarget, decodeHandler},
	{"prefill", prefillTarget, prefillHandler},
	{"frontend", frontendTarget, frontendHandler},
}

// TestMain runs the test binary as one of the services when envService
// says so: TestLogsAndTracesInStores starts three such processes, as three
// services on a node are three processes, each with its own environment,
// log file and OTLP exporter.
func TestMain(m *testing.M) {
	if name := os.Getenv(envService); name != "" {
		os.Exit(serveAs(name))
	}
	os.Exit(m.Run())
}

// serveAs is the service process: logging and tracing from the
// environment through core.Init, as a Dynamo service does, a server on a
// free loopback port, its URL on stdout, and on end of stdin a shutdown
// that flushes the spans.
func serveAs(name string) int {
	i := slices.IndexFunc(storeServices, func(s storeService) bool { return s.name == name })
	if i < 0 {
		fmt.Fprintf(os.Stderr, "%s=%q: not a service of this test\n", envService, name)
		return 2
	}
	def := storeServices[i]
	s := &service{target: def.target, next: os.Getenv(envNext), log: core.Init().Named(def.target)}
	served, err := s.serve(def.handle)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("%s%s\n", readyPrefix, s.url)

	_, _ = io.Copy(io.Discard, os.Stdin) // until the test closes it, or dies
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	code := 0
	if err := s.srv.Shutdown(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "%s: Shutdown: %v\n", name, err)
		code = 1
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(os.Stderr, "%s: Serve: %v\n", name, err)
		code = 1
	}
	s.client.CloseIdleConnections()
	if err := core.Shutdown(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "%s: core.Shutdown: %v\n", name, err)
		code = 1
	}
	return code
}

// serviceProcess is a running service process.
type serviceProcess struct {
	storeService
	url     string
	logPath string
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	exited  chan error
}

// startServiceProcess starts def as a process of its own, configured as
// docs/configuration.md says: JSONL with span events into
// dir/NAME.jsonl, spans over OTLP/gRPC to otlp with service.name NAME.
func startServiceProcess(t *testing.T, def storeService, dir, otlp, next string) *serviceProcess {
	t.Helper()
	p := &serviceProcess{storeService: def, logPath: filepath.Join(dir, def.name+".jsonl"), exited: make(chan error, 1)}
	var env []string
	for _, kv := range os.Environ() { // the test's own settings stay out
		if !strings.HasPrefix(kv, "DYN_") && !strings.HasPrefix(kv, "OTEL_") && !strings.HasPrefix(kv, "E2E_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		envService+"="+def.name,
		envNext+"="+next,
		"DYN_LOGGING_JSONL=1",
		"DYN_LOGGING_SPAN_EVENTS=1",
		"DYN_LOGGING_FILE="+p.logPath,
		"OTEL_EXPORT_ENABLED=1",
		"OTEL_EXPORTER_OTLP_ENDPOINT="+otlp,
		"OTEL_EXPORTER_OTLP_PROTOCOL=grpc",
		"OTEL_SERVICE_NAME="+def.name,
		"OTEL_BSP_SCHEDULE_DELAY=100", // ms: the spans reach the stores while the test waits
	)
	stderr, err := os.Create(filepath.Join(dir, def.name+".stderr"))
	if err != nil {
		t.Fatal(err)
	}
	defer stderr.Close()
	p.cmd = exec.Command(os.Args[0])
	p.cmd.Env = env
	p.cmd.Stderr = stderr
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting the %s service: %v", def.name, err)
	}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), readyPrefix); ok {
				ready <- u
			}
		}
		p.exited <- p.cmd.Wait() // after stdout's end, as Wait wants
	}()
	t.Cleanup(func() { p.stop(t, true) })
	select {
	case p.url = <-ready:
	case err := <-p.exited:
		p.exited <- err
		t.Fatalf("the %s service exited before serving: %v; its stderr is in %s", def.name, err, stderr.Name())
	case <-time.After(30 * time.Second):
		t.Fatalf("the %s service did not serve within 30 s; its stderr is in %s", def.name, stderr.Name())
	}
	t.Logf("%s service: pid %d, %s, logging to %s", def.name, p.cmd.Process.Pid, p.url, p.logPath)
	return p
}

// stop closes the service's stdin, which shuts it down (flushing its
// spans), and waits for it; past 15 s, or with kill, it is killed. A
// second call does nothing.
func (p *serviceProcess) stop(t *testing.T, kill bool) {
	if p.stdin == nil {
		return
	}
	_ = p.stdin.Close()
	p.stdin = nil
	if kill {
		_ = p.cmd.Process.Kill()
	}
	select {
	case err := <-p.exited:
		if err != nil && !kill {
			t.Errorf("the %s service: %v", p.name, err)
		}
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
		t.Errorf("the %s service did not exit within 15 s of its stdin closing; killed", p.name)
	}
}

// TestLogsAndTracesInStores is the path of a bare-metal node into real
// stores: three service processes write JSONL files and export spans over
// OTLP to the node's collector (docs/deploy/otelcol/victorialogs-jaeger.yaml),
// which tails the files into VictoriaLogs and passes the spans to Jaeger
// (docs/deploy/jaeger/config.yaml). For the request with x-request-id
// demoRequestID it checks the join on trace_id: LogsQL returns every line
// the files hold for the trace, Jaeger the trace with every logged span,
// and the waterfall `dynlog trace` draws from the files is Jaeger's span
// tree. Then it kills VictoriaLogs: the services must go on serving and
// logging, and a query must report the store down at once.
func TestLogsAndTracesInStores(t *testing.T) {
	otlp := requireEnv(t, envStoresOTLP)
	logDir := requireEnv(t, envStoresLogs)
	vlogs := requireEnv(t, envVictoriaURL)
	jaeger := requireEnv(t, envJaegerURL)
	dynlog := requireEnv(t, envDynlog)

	procs := map[string]*serviceProcess{}
	next := ""
	for _, def := range storeServices {
		p := startServiceProcess(t, def, logDir, otlp, next)
		procs[def.name] = p
		next = p.url + "/" + def.name
	}
	services := []*service{}
	for _, name := range []string{"frontend", "prefill", "decode"} {
		services = append(services, &service{target: procs[name].target, logPath: procs[name].logPath})
	}
	names := map[string]string{} // target -> service.name
	for _, def := range storeServices {
		names[def.target] = def.name
	}

	sendRequest(t, procs["frontend"].url+"/v1/completions", demoRequestID)
	waitForClosedSpans(t, services, demoRequestID, len(wantSpans))
	logged := checkLogs(t, demoRequestID, otlp, services...)
	if t.Failed() {
		return
	}
	traceID := traceIDOf(logged)
	lines := traceLines(t, services, traceID)

	t.Run("logsql", func(t *testing.T) { checkVictoriaLogs(t, vlogs, traceID, lines) })
	var tree map[string]jaegerSpan
	t.Run("jaeger", func(t *testing.T) { tree = checkJaeger(t, jaeger, traceID, logged, names) })
	t.Run("waterfall", func(t *testing.T) {
		if tree == nil {
			t.Fatal("no span tree from Jaeger to compare with (the jaeger check failed)")
		}
		checkWaterfall(t, dynlog, traceID, services, tree)
	})
	t.Run("victorialogs_down", func(t *testing.T) {
		checkStoreDown(t, vlogs, procs["frontend"].url, services)
	})

	for _, name := range []string{"frontend", "prefill", "decode"} {
		procs[name].stop(t, false)
	}
}

// waitForClosedSpans waits until the services' files hold a SPAN_CLOSED
// line for each of the n spans of the request, and no more: a service
// writes the SPAN_CLOSED of its http-request span after its reply has left.
func waitForClosedSpans(t *testing.T, services []*service, xRequestID string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		trace, closed := "", 0
		for _, s := range services {
			for _, l := range readLog(t, s.logPath) {
				if l.Message == "SPAN_FIRST_ENTRY" && l.XRequestID == xRequestID && l.SpanName == "http-request" && l.ParentID == "" {
					trace = l.TraceID
				}
			}
		}
		for _, s := range services {
			for _, l := range readLog(t, s.logPath) {
				if l.Message == "SPAN_CLOSED" && trace != "" && l.TraceID == trace {
					closed++
				}
			}
		}
		if closed == n {
			return
		}
		if closed > n {
			t.Fatalf("the services' files hold %d SPAN_CLOSED lines of the request's trace, want %d", closed, n)
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the services' files hold %d SPAN_CLOSED lines of the request's trace, want %d", closed, n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// fileLine is a line of a service's file as the stores should hold it.
type fileLine struct {
	file                                    string
	time                                    time.Time
	level, target, message, traceID, spanID string
}

func (l fileLine) key() string {
	return strings.Join([]string{l.time.UTC().Format(time.RFC3339Nano), l.level, l.target, l.message, l.traceID, l.spanID}, "|")
}

// traceLines is every line of the services' files with trace_id traceID.
func traceLines(t *testing.T, services []*service, traceID string) []fileLine {
	t.Helper()
	var out []fileLine
	for _, s := range services {
		data, err := os.ReadFile(s.logPath)
		if err != nil {
			t.Fatal(err)
		}
		for _, raw := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			var l struct {
				Time    string `json:"time"`
				Level   string `json:"level"`
				Target  string `json:"target"`
				Message string `json:"message"`
				TraceID string `json:"trace_id"`
				SpanID  string `json:"span_id"`
			}
			if err := json.Unmarshal([]byte(raw), &l); err != nil {
				t.Fatalf("%s: %v: %s", s.logPath, err, raw)
			}
			if l.TraceID != traceID {
				continue
			}
			tm, err := time.Parse(time.RFC3339Nano, l.Time)
			if err != nil {
				t.Fatalf("%s: time %q: %v", s.logPath, l.Time, err)
			}
			out = append(out, fileLine{filepath.Base(s.logPath), tm, l.Level, l.Target, l.Message, l.TraceID, l.SpanID})
		}
	}
	return out
}

// storeDown is the error of a store that does not answer: the test says so
// and stops waiting, instead of polling until its deadline.
type storeDown struct {
	store string
	err   error
}

func (e *storeDown) Error() string {
	return fmt.Sprintf("%s is down: %v", e.store, e.err)
}

var storeClient = &http.Client{Timeout: 5 * time.Second}

// get fetches u; a failed connection is a storeDown.
func get(store, u string) (int, []byte, error) {
	resp, err := storeClient.Get(u)
	if err != nil {
		return 0, nil, &storeDown{store, err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return 0, nil, &storeDown{store, err}
	}
	return resp.StatusCode, body, nil
}

// logsQL runs query on VictoriaLogs and returns its rows.
func logsQL(base, query string) ([]map[string]string, error) {
	status, body, err := get("VictoriaLogs at "+base, base+"/select/logsql/query?query="+url.QueryEscape(query))
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("LogsQL %q: %d: %s", query, status, body)
	}
	var rows []map[string]string
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		if line == "" {
			continue
		}
		var row map[string]string
		if err := json.Unmarshal([]byte(line), &row); err != nil {
			return nil, fmt.Errorf("LogsQL %q: a row that is not a JSON object of strings: %v: %s", query, err, line)
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// checkVictoriaLogs queries VictoriaLogs for the trace until it returns as
// many rows as the files hold lines of it, then compares them line by
// line: time, level, target, message, trace_id and span_id.
func checkVictoriaLogs(t *testing.T, base, traceID string, lines []fileLine) {
	query := fmt.Sprintf("trace_id:=%q", traceID)
	perFile := map[string]int{}
	for _, l := range lines {
		perFile[l.file]++
	}
	start := time.Now()
	var rows []map[string]string
	for {
		var err error
		rows, err = logsQL(base, query)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) >= len(lines) {
			break
		}
		if time.Since(start) > storeDeadline {
			t.Fatalf("after %v LogsQL %s returns %d rows; the files hold %d lines of the trace %v", storeDeadline, query, len(rows), len(lines), perFile)
		}
		time.Sleep(250 * time.Millisecond)
	}
	want := map[string]int{}
	for _, l := range lines {
		want[l.key()]++
	}
	for _, row := range rows {
		for _, f := range []string{"level", "target", "trace_id"} {
			if row[f] == "" {
				t.Errorf("LogsQL row without the field %s: %v", f, row)
			}
		}
		tm, err := time.Parse(time.RFC3339Nano, row["_time"])
		if err != nil {
			t.Errorf("LogsQL row with _time %q: %v", row["_time"], err)
			continue
		}
		l := fileLine{time: tm, level: row["level"], target: row["target"], message: row["_msg"], traceID: row["trace_id"], spanID: row["span_id"]}
		if want[l.key()] == 0 {
			t.Errorf("LogsQL row that no file holds (or holds fewer times): %s", l.key())
			continue
		}
		want[l.key()]--
	}
	for k, n := range want {
		if n > 0 {
			t.Errorf("a line of the files VictoriaLogs does not return (%d times): %s", n, k)
		}
	}
	if len(rows) != len(lines) {
		t.Errorf("LogsQL %s returns %d rows, the files hold %d lines of the trace", query, len(rows), len(lines))
	}
	if !t.Failed() {
		t.Logf("CHECK logsql: %s returned %d rows in %v = the %d lines of the JSONL files (%s), each with its time, level, target, message and span_id",
			query, len(rows), time.Since(start).Round(time.Millisecond), len(lines), formatCounts(perFile))
	}
}

// jaegerSpan is a span as Jaeger's query API returns it, with its service.
type jaegerSpan struct {
	TraceID       string `json:"traceID"`
	SpanID        string `json:"spanID"`
	OperationName string `json:"operationName"`
	References    []struct {
		RefType string `json:"refType"`
		TraceID string `json:"traceID"`
		SpanID  string `json:"spanID"`
	} `json:"references"`
	StartTime int64  `json:"startTime"` // µs since the epoch
	Duration  int64  `json:"duration"`  // µs
	ProcessID string `json:"processID"`
	service   string
}

// parent is the span's CHILD_OF reference, if any.
func (s jaegerSpan) parent() string {
	for _, r := range s.References {
		if r.RefType == "CHILD_OF" {
			return r.SpanID
		}
	}
	return ""
}

// jaegerTrace fetches a trace from Jaeger's query API (/api/traces/ID);
// nil while Jaeger does not have it.
func jaegerTrace(base, traceID string) (map[string]jaegerSpan, error) {
	status, body, err := get("Jaeger at "+base, base+"/api/traces/"+traceID)
	if err != nil {
		return nil, err
	}
	if status == http.StatusNotFound {
		return nil, nil
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("Jaeger /api/traces/%s: %d: %s", traceID, status, body)
	}
	var resp struct {
		Data []struct {
			Spans     []jaegerSpan `json:"spans"`
			Processes map[string]struct {
				ServiceName string `json:"serviceName"`
			} `json:"processes"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return nil, fmt.Errorf("Jaeger /api/traces/%s: %v", traceID, err)
	}
	out := map[string]jaegerSpan{}
	for _, d := range resp.Data {
		for _, s := range d.Spans {
			s.service = d.Processes[s.ProcessID].ServiceName
			out[s.SpanID] = s
		}
	}
	return out, nil
}

// checkJaeger fetches the trace from Jaeger until it has every logged
// span, then compares: span IDs, parents, names and service.name.
func checkJaeger(t *testing.T, base, traceID string, logged map[string]*loggedSpan, names map[string]string) map[string]jaegerSpan {
	start := time.Now()
	var spans map[string]jaegerSpan
	for {
		var err error
		if spans, err = jaegerTrace(base, traceID); err != nil {
			t.Fatal(err)
		}
		if len(spans) >= len(logged) {
			break
		}
		if time.Since(start) > storeDeadline {
			t.Fatalf("after %v Jaeger has %d spans of trace %s; the services logged %d", storeDeadline, len(spans), traceID, len(logged))
		}
		time.Sleep(250 * time.Millisecond)
	}
	perService := map[string]int{}
	for id, ls := range logged {
		what := fmt.Sprintf("%s %q (span %s)", ls.key.target, ls.key.name, id)
		s, ok := spans[id]
		if !ok {
			t.Errorf("%s: logged, not in Jaeger's trace", what)
			continue
		}
		if strings.TrimLeft(s.TraceID, "0") != strings.TrimLeft(ls.traceID, "0") {
			t.Errorf("%s: Jaeger has it in trace %s, logged in %s", what, s.TraceID, ls.traceID)
		}
		if p := s.parent(); p != ls.parentID {
			t.Errorf("%s: Jaeger's parent %q, logged parent_id %q", what, p, ls.parentID)
		}
		if s.OperationName != ls.key.name {
			t.Errorf("%s: Jaeger's operation %q", what, s.OperationName)
		}
		if want := names[ls.key.target]; s.service != want {
			t.Errorf("%s: Jaeger's service.name %q, want %q", what, s.service, want)
		}
		perService[s.service]++
	}
	for id, s := range spans {
		if logged[id] == nil {
			t.Errorf("Jaeger has span %s (%q of %s) in the trace, which no service logged", id, s.OperationName, s.service)
		}
	}
	if !t.Failed() {
		t.Logf("CHECK jaeger: /api/traces/%s returned %d spans in %v = the %d spans logged, same span IDs, parents and names, service.name per service (%s)",
			traceID, len(spans), time.Since(start).Round(time.Millisecond), len(logged), formatCounts(perService))
	}
	return spans
}

// checkWaterfall runs `dynlog trace` on the files, drawn and as JSON, and
// compares its span tree with Jaeger's: the trace traceID, each span once,
// the same spans, parents, names and depths, and durations to the
// microsecond.
func checkWaterfall(t *testing.T, dynlog, traceID string, services []*service, jaeger map[string]jaegerSpan) {
	var files []string
	for _, s := range services {
		files = append(files, s.logPath)
	}
	drawn, err := exec.Command(dynlog, append([]string{"trace", "--request-id", demoRequestID}, files...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("dynlog trace --request-id %s: %v\n%s", demoRequestID, err, drawn)
	}
	t.Logf("dynlog trace --request-id %s %s:\n%s", demoRequestID, strings.Join(files, " "), drawn)
	out, err := exec.Command(dynlog, append([]string{"trace", "--json", "--request-id", demoRequestID}, files...)...).Output()
	if err != nil {
		t.Fatalf("dynlog trace --json: %v", err)
	}
	var doc struct {
		Traces []struct {
			TraceID string `json:"trace_id"`
			Spans   []struct {
				SpanID     string `json:"span_id"`
				ParentID   string `json:"parent_id"`
				Name       string `json:"span_name"`
				Target     string `json:"target"`
				Depth      int    `json:"depth"`
				DurationUS int64  `json:"duration_us"`
				Open       bool   `json:"open"`
			} `json:"spans"`
		} `json:"traces"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("dynlog trace --json: %v", err)
	}
	if len(doc.Traces) != 1 {
		t.Fatalf("dynlog trace --json --request-id %s: %d traces, want 1", demoRequestID, len(doc.Traces))
	}
	if got := doc.Traces[0].TraceID; got != traceID {
		t.Errorf("dynlog trace --json --request-id %s: trace %s, want %s", demoRequestID, got, traceID)
	}
	depth := func(id string) int { // in Jaeger's tree
		d := 0
		for p := jaeger[id].parent(); p != ""; p = jaeger[p].parent() {
			if d++; d > len(jaeger) {
				return -1
			}
		}
		return d
	}
	var maxDiff int64
	rows := doc.Traces[0].Spans
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.SpanID] {
			t.Errorf("waterfall row %s %q (span %s): the span has a row already", r.Target, r.Name, r.SpanID)
		}
		seen[r.SpanID] = true
		s, ok := jaeger[r.SpanID]
		if !ok {
			t.Errorf("waterfall row %s %q (span %s): not in Jaeger's trace", r.Target, r.Name, r.SpanID)
			continue
		}
		if r.ParentID != s.parent() || r.Name != s.OperationName || r.Depth != depth(r.SpanID) || r.Open {
			t.Errorf("waterfall row %s %q (span %s): parent %q depth %d open %v; Jaeger: parent %q depth %d name %q",
				r.Target, r.Name, r.SpanID, r.ParentID, r.Depth, r.Open, s.parent(), depth(r.SpanID), s.OperationName)
		}
		if d := r.DurationUS - s.Duration; abs(d) > abs(maxDiff) {
			maxDiff = d
		}
		if d := r.DurationUS - s.Duration; d < -1 || d > 1 {
			t.Errorf("waterfall row %s %q (span %s): %d µs; Jaeger: %d µs", r.Target, r.Name, r.SpanID, r.DurationUS, s.Duration)
		}
	}
	if len(rows) != len(jaeger) {
		t.Errorf("the waterfall has %d rows, Jaeger's trace %d spans", len(rows), len(jaeger))
	}
	for id, s := range jaeger {
		if !seen[id] {
			t.Errorf("Jaeger's span %s (%q of %s) has no row in the waterfall", id, s.OperationName, s.service)
		}
	}
	if !t.Failed() {
		t.Logf("CHECK waterfall: dynlog trace drew %d rows from the files = Jaeger's %d spans, same span IDs, parents, names and depths; durations at most %d µs apart",
			len(rows), len(jaeger), abs(maxDiff))
	}
}

// checkStoreDown kills VictoriaLogs, then sends a request: the services
// must answer it and log it to their files, and a LogsQL query must report
// the store down at once.
func checkStoreDown(t *testing.T, vlogs, frontend string, services []*service) {
	pidText := requireEnv(t, envVictoriaPID)
	var pid int
	if _, err := fmt.Sscan(pidText, &pid); err != nil {
		t.Fatalf("%s=%q: %v", envVictoriaPID, pidText, err)
	}
	before := 0
	for _, s := range services {
		before += len(readLog(t, s.logPath))
	}
	switch err := syscall.Kill(pid, syscall.SIGKILL); {
	case errors.Is(err, syscall.ESRCH):
		t.Logf("VictoriaLogs (pid %d) was gone already", pid)
	case err != nil:
		t.Fatalf("killing VictoriaLogs (pid %d): %v", pid, err)
	default:
		t.Logf("killed VictoriaLogs (pid %d)", pid)
	}
	const xRequestID = "e2e-victorialogs-down"
	start := time.Now()
	sendRequest(t, frontend+"/v1/completions", xRequestID)
	served := time.Since(start)
	waitForClosedSpans(t, services, xRequestID, len(wantSpans))
	after := 0
	for _, s := range services {
		after += len(readLog(t, s.logPath))
	}
	start = time.Now()
	_, err := logsQL(vlogs, "*")
	var down *storeDown
	if !errors.As(err, &down) {
		t.Fatalf("LogsQL with VictoriaLogs killed: %v, want the store reported down", err)
	}
	t.Logf("CHECK victorialogs down: the services answered in %v and logged %d more lines to their files; the query reported in %v: %v",
		served.Round(time.Millisecond), after-before, time.Since(start).Round(time.Millisecond), err)
}

func formatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
