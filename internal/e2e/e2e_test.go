//go:build e2e

// Package e2e is dynlog's end-to-end tests, against real programs: a
// traced request across three services, exported over OTLP to a real
// OpenTelemetry Collector, and the spans the collector received compared
// with the IDs the services logged (TestCollectorReceivesLoggedSpans, this
// file); then the same path a bare-metal node takes into real stores,
// JSONL files tailed into VictoriaLogs and spans into Jaeger, joined on
// trace_id (TestLogsAndTracesInStores, stores_test.go).
//
// Run them with
//
//	make e2e
//
// which needs the Go module proxy: it builds the collector (ocb, pinned in
// the Makefile; collector/builder.yaml) into .bin/otelcol-dynlog-e2e/ and
// VictoriaLogs and Jaeger (tools/*/go.mod) into .bin/, then run.sh starts
// them on free loopback ports and runs these tests with their endpoints.
// The first run downloads and compiles the three, many minutes on two
// cores (README); later runs reuse the binaries. Every process's log and
// the services' JSONL files are left in .bin/e2e/. The tests are behind the
// build tag e2e, so go test ./... and make test never see them; without
// make e2e's variables they fail and say so.
//
// The three services are real HTTP servers on loopback in this process,
// chained as in Dynamo's disaggregated serving: a frontend, which routes the
// request to a prefill worker, which hands it on to a decode worker. Each
// has its own logger (Dynamo's JSONL layout through the tracing core, with
// span events on, into its own file) set on its server with BaseContext and
// tracing.WithLogger, serves through tracing.Middleware, calls the next one
// through tracing.Transport and starts a span of its own with
// tracing.Start. One otlp.NewProvider exports the spans of all three, as
// a process has one provider; the test runs twice, over OTLP/gRPC and over
// OTLP/HTTP (protobuf), with a service name per protocol.
//
// After the request, the servers stop and Provider.Shutdown flushes; the test
// then reads the logs and polls the collector's file (OTLP/JSON, one export
// request per line) until every logged span is there or 30 seconds pass. It
// checks:
//
//   - the logs: each service logged SPAN_FIRST_ENTRY and SPAN_CLOSED for the
//     spans expected of it, under its target; all share the frontend's
//     trace_id, carry the request's x_request_id and one request_id; the
//     parent_id of each is the span that called it (across services, the
//     caller's current span); lines inside a span carry its span_id;
//   - the export: every span_id logged on a SPAN_FIRST_ENTRY line arrived, with
//     the logged trace_id, parent_id (none for the root) and span_name,
//     resource service.name the provider's, scope dynlog's tracing package,
//     kind server for the http-request spans and internal for the others,
//     the logged x_request_id and request_id as attributes of the
//     http-request spans, and the logged time.duration_us as its duration
//     (to the microsecond: the package reads one clock for both, but the
//     log subtracts monotonic readings and the export wall-clock ones);
//     the collector received no other span of the trace; IDs are lowercase
//     hex, as OTLP/JSON says;
//   - the provider reported no export failure.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/tracing"
	"github.com/dynlog/dynlog/tracing/otlp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The variables run.sh sets.
const (
	envGRPCEndpoint = "E2E_OTLP_GRPC_ENDPOINT" // http://127.0.0.1:PORT
	envHTTPEndpoint = "E2E_OTLP_HTTP_ENDPOINT" // http://127.0.0.1:PORT (base URL)
	envTracesFile   = "E2E_TRACES_FILE"        // the file exporter's output
	envWorkdir      = "E2E_WORKDIR"            // where the services' logs go; optional
)

// collectorDeadline bounds the wait for the collector's file to hold every
// span: its file exporter flushes every 100 ms, so seconds mean it lost them.
const collectorDeadline = 30 * time.Second

// The services' targets (logger names), as Dynamo's components would have
// them.
const (
	frontendTarget = "dynamo_llm::http::service"
	prefillTarget  = "dynamo_vllm::prefill"
	decodeTarget   = "dynamo_vllm::decode"
)

// spanKey names a span by the service that made it and its name: each
// service makes each of its spans once per request.
type spanKey struct{ target, name string }

// wantSpans is every span of one request and the span it must be a child
// of (the zero key for the root). Transport starts no span, so a worker's
// http-request span is a child of whatever span its caller had current.
var wantSpans = map[spanKey]spanKey{
	{frontendTarget, "http-request"}: {},
	{frontendTarget, "route"}:        {frontendTarget, "http-request"},
	{prefillTarget, "http-request"}:  {frontendTarget, "route"},
	{prefillTarget, "prefill"}:       {prefillTarget, "http-request"},
	{decodeTarget, "http-request"}:   {prefillTarget, "prefill"},
	{decodeTarget, "decode"}:         {decodeTarget, "http-request"},
}

func TestCollectorReceivesLoggedSpans(t *testing.T) {
	traces := requireEnv(t, envTracesFile)
	for _, c := range []struct {
		name, protocol, endpointVar string
	}{
		{"grpc", otlp.ProtocolGRPC, envGRPCEndpoint},
		{"http_protobuf", otlp.ProtocolHTTPProtobuf, envHTTPEndpoint},
	} {
		t.Run(c.name, func(t *testing.T) {
			endpoint := requireEnv(t, c.endpointVar)
			dir := t.TempDir()
			if w := os.Getenv(envWorkdir); w != "" {
				dir = filepath.Join(w, c.name)
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			runRequest(t, c.protocol, endpoint, traces, dir)
		})
	}
}

func requireEnv(t *testing.T, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v == "" {
		t.Fatalf("%s is not set: this test needs a running collector; run it with `make e2e`", name)
	}
	return v
}

// runRequest sends one request through the three services with spans
// exported over protocol to endpoint, and compares the services' logs
// with what the collector wrote to traces. The logs go to dir.
func runRequest(t *testing.T, protocol, endpoint, traces, dir string) {
	serviceName := "dynlog-e2e-" + strings.ReplaceAll(protocol, "/", "-")
	var exportErrors logtest.Buffer
	ctx := context.Background()
	provider, err := otlp.NewProvider(ctx, otlp.ExportConfig{
		Enabled:     true,
		Endpoint:    endpoint,
		Protocol:    protocol,
		ServiceName: serviceName,
		ErrorOutput: &exportErrors,
	})
	if err != nil {
		t.Fatalf("NewProvider(%s, %s): %v", endpoint, protocol, err)
	}
	provider.Install()
	shutDown := false
	t.Cleanup(func() {
		if !shutDown {
			_ = shutdownProvider(provider)
		}
	})
	t.Logf("exporting to %s (%s) as service %q", provider.Endpoint(), protocol, serviceName)

	decode := startService(t, dir, decodeTarget, "", decodeHandler)
	prefill := startService(t, dir, prefillTarget, decode.url+"/decode", prefillHandler)
	frontend := startService(t, dir, frontendTarget, prefill.url+"/prefill", frontendHandler)
	provider.LogInit(frontend.log)

	xRequestID := fmt.Sprintf("e2e-%s-%d", serviceName, time.Now().UnixNano())
	sendRequest(t, frontend.url+"/v1/completions", xRequestID)

	// Stop the servers first: Shutdown waits for the handlers, so that
	// every span has ended (and written SPAN_CLOSED) before the provider
	// flushes them.
	for _, s := range []*service{frontend, prefill, decode} {
		s.stop(t)
	}
	shutDown = true
	if err := shutdownProvider(provider); err != nil {
		t.Fatalf("Provider.Shutdown: %v; export errors reported:\n%s", err, exportErrors.String())
	}
	if s := exportErrors.String(); s != "" {
		t.Errorf("the provider reported export errors:\n%s", s)
	}

	logged := checkLogs(t, xRequestID, provider.Endpoint(), frontend, prefill, decode)
	if t.Failed() {
		return
	}
	exported := waitForSpans(t, traces, logged)
	checkExport(t, logged, exported, serviceName, xRequestID)
}

func shutdownProvider(p *otlp.Provider) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return p.Shutdown(ctx)
}

// service is one of the three HTTP servers.
type service struct {
	target  string
	url     string // http://127.0.0.1:PORT
	next    string // the URL of the next service, if any
	log     *zap.Logger
	logPath string
	client  *http.Client
	srv     *http.Server
	logFile *os.File
}

// startService starts a server on a free loopback port whose handler is
// handle behind tracing.Middleware, with its own JSONL logger in
// dir/<target>.jsonl and a client through tracing.Transport for calling next.
func startService(t *testing.T, dir, target, next string, handle func(*service, http.ResponseWriter, *http.Request)) *service {
	t.Helper()
	s := &service{target: target, next: next}
	s.logPath = filepath.Join(dir, strings.NewReplacer(":", "_").Replace(target)+".jsonl")
	f, err := os.Create(s.logPath)
	if err != nil {
		t.Fatal(err)
	}
	s.logFile = f
	core := zapcore.NewCore(encoder.NewJSONL(), zapcore.Lock(f), zapcore.DebugLevel)
	s.log = zap.New(tracing.NewCore(core, tracing.WithSpanEvents(tracing.EventsDynamo)), zap.AddCaller()).Named(target)
	served, err := s.serve(handle)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.stop(t)
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("%s: Serve: %v", target, err)
		}
	})
	return s
}

// serve starts s's server on a free loopback port, with handle behind
// tracing.Middleware and s.log in the requests' context, and sets s.url,
// s.srv and s.client, which calls the next service through
// tracing.Transport. Serve's error comes on the channel returned.
func (s *service) serve(handle func(*service, http.ResponseWriter, *http.Request)) (<-chan error, error) {
	base := http.DefaultTransport.(*http.Transport).Clone()
	s.client = &http.Client{Transport: tracing.Transport(base), Timeout: 10 * time.Second}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.url = "http://" + ln.Addr().String()
	s.srv = &http.Server{
		Handler: tracing.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handle(s, w, r)
		})),
		BaseContext: func(net.Listener) context.Context {
			return tracing.WithLogger(context.Background(), s.log)
		},
		ReadHeaderTimeout: 10 * time.Second,
	}
	served := make(chan error, 1)
	go func() { served <- s.srv.Serve(ln) }()
	return served, nil
}

// stop shuts the server down, waiting for its handlers, and closes its
// client's connections and its log file; a second call does nothing.
func (s *service) stop(t *testing.T) {
	if s.logFile == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		t.Errorf("%s: Shutdown: %v", s.target, err)
	}
	s.client.CloseIdleConnections()
	if err := s.logFile.Close(); err != nil {
		t.Errorf("%s: closing its log: %v", s.target, err)
	}
	s.logFile = nil
}

// call POSTs body to the next service with the trace context of ctx and
// returns the reply.
func (s *service) call(ctx context.Context, body string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.next, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s: %s", s.next, resp.Status, reply)
	}
	return string(reply), nil
}

func frontendHandler(s *service, w http.ResponseWriter, r *http.Request) {
	s.log.Info("received completion request", tracing.Ctx(r.Context()))
	ctx, span := tracing.Start(r.Context(), "route", zap.String("model", "Qwen/Qwen3-0.6B"))
	defer span.End()
	text, err := s.call(ctx, `{"prompt":"Hello"}`)
	if err != nil {
		s.log.Error("prefill failed", tracing.Ctx(ctx), zap.Error(err))
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	s.log.Info("completion done", tracing.Ctx(ctx))
	fmt.Fprint(w, text)
}

func prefillHandler(s *service, w http.ResponseWriter, r *http.Request) {
	ctx, span := tracing.Start(r.Context(), "prefill", zap.Int("prompt_tokens", 5))
	defer span.End()
	s.log.Info("prefill done; handing the KV cache to decode", tracing.Ctx(ctx))
	text, err := s.call(ctx, `{"kv_transfer_params":{"block_ids":[1,2]}}`)
	if err != nil {
		s.log.Error("decode failed", tracing.Ctx(ctx), zap.Error(err))
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	fmt.Fprint(w, text)
}

func decodeHandler(s *service, w http.ResponseWriter, r *http.Request) {
	ctx, span := tracing.Start(r.Context(), "decode", zap.Int("max_tokens", 8))
	defer span.End()
	span.Wait(func() { time.Sleep(5 * time.Millisecond) }) // the KV transfer
	s.log.Info("generated", tracing.Ctx(ctx), zap.Int("output_tokens", 8))
	fmt.Fprint(w, "Hello! How can I help?")
}

// sendRequest is the user's request to the frontend: no trace context, so
// the frontend starts the trace.
func sendRequest(t *testing.T, url, xRequestID string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(`{"model":"Qwen/Qwen3-0.6B","prompt":"Hello"}`))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("x-request-id", xRequestID)
	client := &http.Client{Timeout: 20 * time.Second}
	defer client.CloseIdleConnections()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("request to the frontend: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || string(body) != "Hello! How can I help?" {
		t.Fatalf("frontend replied %s %q, want 200 with the decode worker's text", resp.Status, body)
	}
}

// logLine is what the test reads of a JSONL line.
type logLine struct {
	Target     string `json:"target"`
	Message    string `json:"message"`
	SpanName   string `json:"span_name"`
	SpanID     string `json:"span_id"`
	TraceID    string `json:"trace_id"`
	ParentID   string `json:"parent_id"`
	XRequestID string `json:"x_request_id"`
	RequestID  string `json:"request_id"`
	DurationUS *int64 `json:"time.duration_us"`
	Endpoint   string `json:"endpoint"`
}

// loggedSpan is a span as the logs tell it.
type loggedSpan struct {
	key                       spanKey
	traceID, spanID, parentID string
	requestID                 string
	durationUS                int64 // from SPAN_CLOSED
}

var (
	traceIDPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)
	spanIDPattern  = regexp.MustCompile(`^[0-9a-f]{16}$`)
)

// checkLogs reads the services' logs, checks them and returns the spans
// they logged, by span ID.
func checkLogs(t *testing.T, xRequestID, endpoint string, services ...*service) map[string]*loggedSpan {
	t.Helper()
	spans := make(map[string]*loggedSpan)
	byKey := make(map[spanKey]*loggedSpan)
	var inSpan []logLine // lines other than span events that name a span
	requestIDs := make(map[string]bool)
	initLogged := false

	for _, s := range services {
		lines := readLog(t, s.logPath)
		if len(lines) == 0 {
			t.Errorf("%s logged nothing (%s)", s.target, s.logPath)
		}
		for _, l := range lines {
			switch {
			case l.Message == "SPAN_FIRST_ENTRY":
				if l.Target != s.target {
					t.Errorf("%s: SPAN_FIRST_ENTRY of %q has target %q, want the service's", s.target, l.SpanName, l.Target)
				}
				k := spanKey{s.target, l.SpanName}
				if _, ok := wantSpans[k]; !ok {
					t.Errorf("%s logged SPAN_FIRST_ENTRY of an unexpected span %q", s.target, l.SpanName)
					continue
				}
				if byKey[k] != nil {
					t.Errorf("%s logged SPAN_FIRST_ENTRY of %q twice", s.target, l.SpanName)
					continue
				}
				if !traceIDPattern.MatchString(l.TraceID) || !spanIDPattern.MatchString(l.SpanID) ||
					(l.ParentID != "" && !spanIDPattern.MatchString(l.ParentID)) {
					t.Errorf("%s: SPAN_FIRST_ENTRY of %q has malformed IDs: trace_id %q span_id %q parent_id %q",
						s.target, l.SpanName, l.TraceID, l.SpanID, l.ParentID)
				}
				if l.XRequestID != xRequestID {
					t.Errorf("%s: SPAN_FIRST_ENTRY of %q has x_request_id %q, want %q", s.target, l.SpanName, l.XRequestID, xRequestID)
				}
				if l.RequestID == "" {
					t.Errorf("%s: SPAN_FIRST_ENTRY of %q has no request_id", s.target, l.SpanName)
				}
				requestIDs[l.RequestID] = true
				ls := &loggedSpan{key: k, traceID: l.TraceID, spanID: l.SpanID, parentID: l.ParentID, requestID: l.RequestID, durationUS: -1}
				spans[l.SpanID], byKey[k] = ls, ls
			case l.Message == "SPAN_CLOSED":
				ls := spans[l.SpanID]
				if ls == nil || ls.key.target != s.target {
					t.Errorf("%s: SPAN_CLOSED of span %s (%q) with no SPAN_FIRST_ENTRY before it", s.target, l.SpanID, l.SpanName)
					continue
				}
				if l.DurationUS == nil {
					t.Errorf("%s: SPAN_CLOSED of %q has no time.duration_us", s.target, l.SpanName)
					continue
				}
				ls.durationUS = *l.DurationUS
			case l.Message == "OpenTelemetry OTLP export enabled":
				initLogged = true
				if l.Endpoint != endpoint {
					t.Errorf("the export line names endpoint %q, want %q", l.Endpoint, endpoint)
				}
			case l.SpanID != "":
				inSpan = append(inSpan, l)
			}
		}
	}
	if !initLogged {
		t.Errorf("LogInit wrote no %q line to the frontend's log", "OpenTelemetry OTLP export enabled")
	}

	for k, parent := range wantSpans {
		ls := byKey[k]
		if ls == nil {
			t.Errorf("%s logged no SPAN_FIRST_ENTRY of %q", k.target, k.name)
			continue
		}
		if ls.durationUS < 0 {
			t.Errorf("%s logged no SPAN_CLOSED of %q", k.target, k.name)
		}
		want := ""
		if parent != (spanKey{}) {
			if p := byKey[parent]; p != nil {
				want = p.spanID
			}
		}
		if ls.parentID != want {
			t.Errorf("%s: %q has parent_id %q, want %q (%s %q)", k.target, k.name, ls.parentID, want, parent.target, parent.name)
		}
	}
	if root := byKey[spanKey{frontendTarget, "http-request"}]; root != nil {
		for _, ls := range spans {
			if ls.traceID != root.traceID {
				t.Errorf("%s: %q has trace_id %s, want the frontend's %s", ls.key.target, ls.key.name, ls.traceID, root.traceID)
			}
		}
	}
	if len(requestIDs) != 1 {
		t.Errorf("span events carry %d request_ids %v, want one across the services", len(requestIDs), requestIDs)
	}
	for _, l := range inSpan {
		if ls := spans[l.SpanID]; ls == nil || ls.key.target != l.Target || ls.key.name != l.SpanName {
			t.Errorf("%s: line %q names span %s (%q), which is not one of its service's spans", l.Target, l.Message, l.SpanID, l.SpanName)
		}
	}
	if len(inSpan) == 0 {
		t.Errorf("no line other than span events carried a span")
	}
	return spans
}

func readLog(t *testing.T, path string) []logLine {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []logLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var l logLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Errorf("%s:%d: not a JSON line: %v: %s", path, n, err, sc.Bytes())
			continue
		}
		lines = append(lines, l)
	}
	return lines
}

// The collector's file: OTLP/JSON, one ExportTraceServiceRequest per line.
// IDs are hex strings there (OTLP/JSON), not base64 as protojson would
// write bytes, so the file is read with encoding/json.
type (
	otlpRequest struct {
		ResourceSpans []struct {
			Resource struct {
				Attributes []otlpAttribute `json:"attributes"`
			} `json:"resource"`
			ScopeSpans []struct {
				Scope struct {
					Name string `json:"name"`
				} `json:"scope"`
				Spans []otlpSpan `json:"spans"`
			} `json:"scopeSpans"`
		} `json:"resourceSpans"`
	}
	otlpSpan struct {
		TraceID           string          `json:"traceId"`
		SpanID            string          `json:"spanId"`
		ParentSpanID      string          `json:"parentSpanId"`
		Name              string          `json:"name"`
		Kind              int             `json:"kind"`
		StartTimeUnixNano string          `json:"startTimeUnixNano"`
		EndTimeUnixNano   string          `json:"endTimeUnixNano"`
		Attributes        []otlpAttribute `json:"attributes"`
	}
	otlpAttribute struct {
		Key   string `json:"key"`
		Value struct {
			StringValue *string `json:"stringValue"`
		} `json:"value"`
	}
)

// The OTLP span kinds of the spans here: Middleware makes server spans,
// Start internal ones.
const (
	kindInternal = 1
	kindServer   = 2
)

// exportedSpan is a span as the collector wrote it, with its resource's
// service.name and its scope.
type exportedSpan struct {
	otlpSpan
	service string
	scope   string
}

func stringAttribute(attrs []otlpAttribute, key string) (string, bool) {
	for _, a := range attrs {
		if a.Key == key && a.Value.StringValue != nil {
			return *a.Value.StringValue, true
		}
	}
	return "", false
}

// waitForSpans polls the collector's file until it holds every logged
// span, or collectorDeadline passes, and returns the spans of the logged
// trace it holds, by span ID.
func waitForSpans(t *testing.T, traces string, logged map[string]*loggedSpan) map[string]exportedSpan {
	t.Helper()
	traceID := traceIDOf(logged)
	deadline := time.Now().Add(collectorDeadline)
	for {
		exported, err := readTraces(traces, traceID)
		if err != nil {
			t.Fatalf("reading the collector's output: %v", err)
		}
		missing := 0
		for id := range logged {
			if _, ok := exported[id]; !ok {
				missing++
			}
		}
		if missing == 0 {
			return exported
		}
		if time.Now().After(deadline) {
			t.Errorf("after %v the collector's %s holds %d of the trace's %d logged spans", collectorDeadline, traces, len(logged)-missing, len(logged))
			return exported
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// readTraces reads the complete lines of the collector's file and returns
// the spans of trace traceID.
func readTraces(path, traceID string) (map[string]exportedSpan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if i := bytes.LastIndexByte(data, '\n'); i >= 0 {
		data = data[:i+1] // a line being written is read next time
	} else {
		data = nil
	}
	out := make(map[string]exportedSpan)
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 64<<20)
	for n := 1; sc.Scan(); n++ {
		var req otlpRequest
		if err := json.Unmarshal(sc.Bytes(), &req); err != nil {
			return nil, fmt.Errorf("%s:%d: not OTLP/JSON: %v", path, n, err)
		}
		for _, rs := range req.ResourceSpans {
			service, _ := stringAttribute(rs.Resource.Attributes, "service.name")
			for _, ss := range rs.ScopeSpans {
				for _, sp := range ss.Spans {
					if !traceIDPattern.MatchString(sp.TraceID) || !spanIDPattern.MatchString(sp.SpanID) ||
						(sp.ParentSpanID != "" && !spanIDPattern.MatchString(sp.ParentSpanID)) {
						return nil, fmt.Errorf("%s:%d: span %q has IDs that are not lowercase hex: traceId %q spanId %q parentSpanId %q",
							path, n, sp.Name, sp.TraceID, sp.SpanID, sp.ParentSpanID)
					}
					if sp.TraceID == traceID {
						out[sp.SpanID] = exportedSpan{otlpSpan: sp, service: service, scope: ss.Scope.Name}
					}
				}
			}
		}
	}
	return out, sc.Err()
}

// checkExport compares the exported spans with the logged ones.
func checkExport(t *testing.T, logged map[string]*loggedSpan, exported map[string]exportedSpan, serviceName, xRequestID string) {
	t.Helper()
	const scope = "github.com/dynlog/dynlog/tracing"
	var maxDiff time.Duration // exported duration minus logged, the largest seen
	for id, ls := range logged {
		what := fmt.Sprintf("%s %q (span %s)", ls.key.target, ls.key.name, id)
		sp, ok := exported[id]
		if !ok {
			t.Errorf("%s: logged, never exported", what)
			continue
		}
		if sp.TraceID != ls.traceID {
			t.Errorf("%s: exported with traceId %s, logged with trace_id %s", what, sp.TraceID, ls.traceID)
		}
		if sp.ParentSpanID != ls.parentID {
			t.Errorf("%s: exported with parentSpanId %q, logged with parent_id %q", what, sp.ParentSpanID, ls.parentID)
		}
		if sp.Name != ls.key.name {
			t.Errorf("%s: exported with name %q", what, sp.Name)
		}
		if sp.service != serviceName {
			t.Errorf("%s: exported with service.name %q, want %q", what, sp.service, serviceName)
		}
		if sp.scope != scope {
			t.Errorf("%s: exported in scope %q, want %q", what, sp.scope, scope)
		}
		wantKind := kindInternal
		if ls.key.name == "http-request" {
			wantKind = kindServer
			if v, _ := stringAttribute(sp.Attributes, "x_request_id"); v != xRequestID {
				t.Errorf("%s: exported with attribute x_request_id %q, want %q", what, v, xRequestID)
			}
			if v, _ := stringAttribute(sp.Attributes, "request_id"); v != ls.requestID {
				t.Errorf("%s: exported with attribute request_id %q, logged with %q", what, v, ls.requestID)
			}
		}
		if sp.Kind != wantKind {
			t.Errorf("%s: exported with kind %d, want %d", what, sp.Kind, wantKind)
		}
		start, err1 := strconv.ParseInt(sp.StartTimeUnixNano, 10, 64)
		end, err2 := strconv.ParseInt(sp.EndTimeUnixNano, 10, 64)
		if err1 != nil || err2 != nil {
			t.Errorf("%s: exported with times %q and %q, not integers", what, sp.StartTimeUnixNano, sp.EndTimeUnixNano)
		} else {
			got := time.Duration(end - start)
			if diff := got - time.Duration(ls.durationUS)*time.Microsecond; diff.Abs() > maxDiff.Abs() {
				maxDiff = diff
			}
			if us := got.Microseconds(); us < ls.durationUS-1 || us > ls.durationUS+1 {
				t.Errorf("%s: exported duration %v, logged time.duration_us %d", what, got, ls.durationUS)
			}
		}
	}
	for id, sp := range exported {
		if logged[id] == nil {
			t.Errorf("the collector received span %s (%q) of the trace, which no service logged", id, sp.Name)
		}
	}
	if !t.Failed() {
		t.Logf("the collector received all %d logged spans of trace %s, IDs, parents and names as logged; durations at most %v from the logged ones",
			len(logged), traceIDOf(logged), maxDiff.Abs())
	}
}

func traceIDOf(spans map[string]*loggedSpan) string {
	for _, s := range spans {
		return s.traceID
	}
	return ""
}
