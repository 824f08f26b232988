package otlp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/internal/otelreport"
	"github.com/dynlog/dynlog/internal/otlptest"
	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel"
	logglobal "go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/propagation"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The tests here install providers process-wide (Start's, and
// OpenTelemetry's globals): none of them may run in parallel, and each puts
// the previous state back when it ends.

// keepExportGlobals restores, when t ends, everything Install installs.
func keepExportGlobals(t *testing.T) {
	t.Helper()
	tracers := tracing.TracerProvider()
	logs := installedLogs.Load()
	lp := logglobal.GetLoggerProvider()
	tp := otel.GetTracerProvider()
	prop := otel.GetTextMapPropagator()
	handler := otel.GetErrorHandler()
	t.Cleanup(func() {
		tracing.SetTracerProvider(tracers)
		installedLogs.Store(logs)
		if logglobal.GetLoggerProvider() != lp {
			logglobal.SetLoggerProvider(lp)
		}
		// Only an Install changed the globals; setting
		// OpenTelemetry's defaults to themselves would make it complain.
		if otel.GetTracerProvider() == tp {
			return
		}
		otel.SetTracerProvider(tp)
		otel.SetTextMapPropagator(prop)
		otel.SetErrorHandler(handler)
	})
}

// exportLogger logs JSONL at every level, span events on, into out.
func exportLogger(out *logtest.Buffer) *zap.Logger {
	core := zapcore.NewCore(encoder.NewJSONL(), out, zapcore.Level(-2))
	return zap.New(tracing.NewCore(core, tracing.WithSpanEvents(tracing.EventsDynamo)), zap.AddCaller())
}

func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

func shutdown(t *testing.T, p *Provider) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown: %v", err)
	}
}

// TestExportMatchesLines checks end to end: the spans a real
// OTLP receiver gets have the IDs, parents and names the JSONL lines print.
func TestExportMatchesLines(t *testing.T) {
	tests := []struct {
		name     string
		receiver func(testing.TB) *otlptest.Receiver
		config   func(r *otlptest.Receiver) ExportConfig
	}{
		{"grpc", otlptest.NewGRPCReceiver, func(r *otlptest.Receiver) ExportConfig {
			return ExportConfig{Endpoint: r.Endpoint()} // the protocol defaults to grpc
		}},
		{"grpc traces endpoint", otlptest.NewGRPCReceiver, func(r *otlptest.Receiver) ExportConfig {
			return ExportConfig{Protocol: ProtocolGRPC, Endpoint: "http://127.0.0.1:1", TracesEndpoint: r.TracesEndpoint()}
		}},
		{"http base endpoint", otlptest.NewHTTPReceiver, func(r *otlptest.Receiver) ExportConfig {
			return ExportConfig{Protocol: ProtocolHTTPProtobuf, Endpoint: r.Endpoint()} // /v1/traces appended
		}},
		{"http traces endpoint", otlptest.NewHTTPReceiver, func(r *otlptest.Receiver) ExportConfig {
			return ExportConfig{Protocol: ProtocolHTTPProtobuf, Endpoint: "http://127.0.0.1:1", TracesEndpoint: r.TracesEndpoint()}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keepExportGlobals(t)
			rcv := tt.receiver(t)
			var out, errOut logtest.Buffer
			cfg := tt.config(rcv)
			cfg.Enabled, cfg.ServiceName, cfg.ErrorOutput = true, "export-test", &errOut
			p, err := NewProvider(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			p.Install()
			log := exportLogger(&out)

			ctx := tracing.WithLogger(context.Background(), log)
			ctx1, root := tracing.Start(ctx, "http-request", zap.String("method", "GET"))
			log.Info("in root", tracing.Ctx(ctx1))
			ctx2, child := tracing.Start(ctx1, "prefill")
			log.Info("in child", tracing.Ctx(ctx2))
			ctx3, direct := p.TracerProvider().Tracer("x").Start(ctx2, "direct")
			log.Info("in direct", tracing.Ctx(ctx3))
			ctx4, grand := tracing.Start(ctx3, "decode")
			log.Info("in grandchild", tracing.Ctx(ctx4))
			grand.End()
			direct.End()
			child.End()
			root.End()
			shutdown(t, p)

			exported := map[string]otlptest.Span{}
			for _, s := range rcv.Spans() {
				if _, dup := exported[s.SpanID]; dup {
					t.Errorf("span %s exported twice", s.SpanID)
				}
				exported[s.SpanID] = s
				if got := s.Resource["service.name"]; got != "export-test" {
					t.Errorf("span %q: resource service.name = %q, want export-test", s.Name, got)
				}
			}
			if len(exported) != 4 {
				t.Fatalf("received %d spans, want 4: %+v", len(exported), rcv.Spans())
			}

			lines := out.JSONLines(t)
			seen := map[string]bool{}
			messages := map[string]string{} // message -> span name
			for _, l := range lines {
				id := str(l, "span_id")
				s, ok := exported[id]
				if !ok {
					t.Errorf("line %v: span_id %q was not exported", l, id)
					continue
				}
				seen[id] = true
				if got := str(l, "trace_id"); got != s.TraceID {
					t.Errorf("line %q: trace_id %s, exported %s", str(l, "message"), got, s.TraceID)
				}
				if got := str(l, "parent_id"); got != s.ParentSpanID {
					t.Errorf("line %q: parent_id %q, exported %q", str(l, "message"), got, s.ParentSpanID)
				}
				if got := str(l, "span_name"); got != s.Name {
					t.Errorf("line %q: span_name %q, exported %q", str(l, "message"), got, s.Name)
				}
				messages[str(l, "message")] = s.Name
			}
			if len(seen) != len(exported) {
				t.Errorf("lines name %d of the %d exported spans", len(seen), len(exported))
			}
			for msg, span := range map[string]string{
				"in root": "http-request", "in child": "prefill", "in direct": "direct", "in grandchild": "decode",
			} {
				if messages[msg] != span {
					t.Errorf("line %q is in span %q, want %q", msg, messages[msg], span)
				}
			}

			// One trace; the chain is root <- child <- direct <- grandchild.
			byName := map[string]otlptest.Span{}
			for _, s := range exported {
				byName[s.Name] = s
				if s.TraceID != byName["http-request"].TraceID && byName["http-request"].TraceID != "" {
					t.Errorf("span %q is in trace %s, not the root's", s.Name, s.TraceID)
				}
			}
			for childName, parentName := range map[string]string{"prefill": "http-request", "direct": "prefill", "decode": "direct"} {
				if got, want := byName[childName].ParentSpanID, byName[parentName].SpanID; got != want {
					t.Errorf("span %q: parent %q, want %q's %q", childName, got, parentName, want)
				}
			}
			if byName["http-request"].ParentSpanID != "" {
				t.Errorf("root has parent %q", byName["http-request"].ParentSpanID)
			}
			if got := byName["http-request"].Attributes["method"]; got != "GET" {
				t.Errorf("root attribute method = %q, want GET", got)
			}
			if s := errOut.String(); s != "" {
				t.Errorf("error output: %q, want nothing", s)
			}
		})
	}
}

// TestNewProviderInstallsNothing: NewProvider leaves every process-wide
// setting as it was, and Install then sets each of them.
func TestNewProviderInstallsNothing(t *testing.T) {
	keepExportGlobals(t)
	tp, otelTP := tracing.TracerProvider(), otel.GetTracerProvider()
	handler, prop := otel.GetErrorHandler(), otel.GetTextMapPropagator()
	logs, lp := installedLogs.Load(), logglobal.GetLoggerProvider()
	rcv := otlptest.NewGRPCReceiver(t)
	p, err := NewProvider(context.Background(), ExportConfig{LogsEnabled: true, Endpoint: rcv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(t, p)
	if tracing.TracerProvider() != tp {
		t.Error("NewProvider changed the provider of Start")
	}
	if otel.GetTracerProvider() != otelTP {
		t.Error("NewProvider changed OpenTelemetry's global provider")
	}
	if otel.GetErrorHandler() != handler {
		t.Error("NewProvider changed OpenTelemetry's global error handler")
	}
	if otel.GetTextMapPropagator() != prop {
		t.Error("NewProvider changed OpenTelemetry's global propagator")
	}
	if installedLogs.Load() != logs || logglobal.GetLoggerProvider() != lp {
		t.Error("NewProvider installed its logger provider")
	}

	if p.Install() != p {
		t.Error("Install did not return its provider")
	}
	if tracing.TracerProvider() != p.TracerProvider() {
		t.Error("Start does not use the installed provider")
	}
	if otel.GetTracerProvider() != p.TracerProvider() {
		t.Error("OpenTelemetry's global provider is not the installed provider")
	}
	if eh, ok := otel.GetErrorHandler().(*reporter); !ok || eh != p.reporter {
		t.Errorf("global error handler is %T, want the provider's reporter", otel.GetErrorHandler())
	}
	fields := strings.Join(otel.GetTextMapPropagator().Fields(), ",")
	if !strings.Contains(fields, "traceparent") || !strings.Contains(fields, "baggage") {
		t.Errorf("global propagator fields %q, want W3C trace context and baggage", fields)
	}
	if installedLogs.Load() != p.logs || logglobal.GetLoggerProvider() != p.LoggerProvider() {
		t.Error("Install did not install the logger provider for the export cores and as the global one")
	}
	if p.Endpoint() != "" {
		t.Errorf("Endpoint() = %q with export off", p.Endpoint())
	}
}

func TestNewProviderErrors(t *testing.T) {
	keepExportGlobals(t)
	before := tracing.TracerProvider()
	ratio := 1.5
	for _, tt := range []struct {
		cfg  ExportConfig
		want string
	}{
		{ExportConfig{Protocol: "http/json"}, `otlp: unknown OTLP protocol "http/json" (want grpc or http/protobuf); no provider made`},
		{ExportConfig{SampleRatio: &ratio}, `otlp: sample ratio 1.5 is not between 0 and 1; no provider made`},
		{ExportConfig{Enabled: true, Endpoint: "collector:4317"}, `otlp: OTLP endpoint "collector:4317" is not an http:// or https:// URL with a host`},
		{ExportConfig{Enabled: true, TracesEndpoint: "ftp://collector"}, `otlp: OTLP endpoint "ftp://collector"`},
	} {
		p, err := NewProvider(context.Background(), tt.cfg)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("NewProvider(%+v) error = %v, want %q", tt.cfg, err, tt.want)
		}
		if p != nil {
			t.Errorf("NewProvider(%+v) returned a provider with its error", tt.cfg)
		}
	}
	if tracing.TracerProvider() != before {
		t.Error("a failed NewProvider installed a provider")
	}
}

func TestResolveEndpoint(t *testing.T) {
	for _, tt := range []struct {
		cfg      ExportConfig
		protocol string
		want     string
	}{
		{ExportConfig{}, ProtocolGRPC, "http://localhost:4317"},
		{ExportConfig{}, ProtocolHTTPProtobuf, "http://localhost:4318/v1/traces"},
		{ExportConfig{Endpoint: "https://c:4317"}, ProtocolGRPC, "https://c:4317"},
		{ExportConfig{Endpoint: "http://c:4317/ignored"}, ProtocolGRPC, "http://c:4317"},
		{ExportConfig{Endpoint: "http://c:4318"}, ProtocolHTTPProtobuf, "http://c:4318/v1/traces"},
		{ExportConfig{Endpoint: "http://c:4318/"}, ProtocolHTTPProtobuf, "http://c:4318/v1/traces"},
		{ExportConfig{Endpoint: "https://c/otlp/"}, ProtocolHTTPProtobuf, "https://c/otlp/v1/traces"},
		{ExportConfig{TracesEndpoint: "http://t:4318/custom", Endpoint: "http://c:4318"}, ProtocolHTTPProtobuf, "http://t:4318/custom"},
		{ExportConfig{TracesEndpoint: "http://t:4318"}, ProtocolHTTPProtobuf, "http://t:4318/"},
		{ExportConfig{TracesEndpoint: "http://t:4317", Endpoint: "http://c:4317"}, ProtocolGRPC, "http://t:4317"},
		// The logs endpoint plays no part for traces.
		{ExportConfig{LogsEndpoint: "http://l:4318/v1/logs", Endpoint: "http://c:4318"}, ProtocolHTTPProtobuf, "http://c:4318/v1/traces"},
	} {
		u, err := resolveEndpoint(tt.cfg.TracesEndpoint, tt.cfg.Endpoint, tt.protocol, tracesPath)
		if err != nil {
			t.Errorf("traces endpoint of %+v, %s: %v", tt.cfg, tt.protocol, err)
			continue
		}
		if u.String() != tt.want {
			t.Errorf("traces endpoint of %+v, %s = %s, want %s", tt.cfg, tt.protocol, u, tt.want)
		}
	}
	for _, tt := range []struct {
		cfg      ExportConfig
		protocol string
		want     string
	}{
		{ExportConfig{}, ProtocolGRPC, "http://localhost:4317"},
		{ExportConfig{}, ProtocolHTTPProtobuf, "http://localhost:4318/v1/logs"},
		{ExportConfig{Endpoint: "http://c:4317/ignored"}, ProtocolGRPC, "http://c:4317"},
		{ExportConfig{Endpoint: "http://c:4318"}, ProtocolHTTPProtobuf, "http://c:4318/v1/logs"},
		{ExportConfig{Endpoint: "https://c/otlp/"}, ProtocolHTTPProtobuf, "https://c/otlp/v1/logs"},
		{ExportConfig{LogsEndpoint: "http://l:4318/custom", Endpoint: "http://c:4318"}, ProtocolHTTPProtobuf, "http://l:4318/custom"},
		{ExportConfig{LogsEndpoint: "http://l:4317", Endpoint: "http://c:4317"}, ProtocolGRPC, "http://l:4317"},
		// The traces endpoint plays no part for logs.
		{ExportConfig{TracesEndpoint: "http://t:4318/v1/traces", Endpoint: "http://c:4318"}, ProtocolHTTPProtobuf, "http://c:4318/v1/logs"},
	} {
		u, err := resolveEndpoint(tt.cfg.LogsEndpoint, tt.cfg.Endpoint, tt.protocol, logsPath)
		if err != nil {
			t.Errorf("logs endpoint of %+v, %s: %v", tt.cfg, tt.protocol, err)
			continue
		}
		if u.String() != tt.want {
			t.Errorf("logs endpoint of %+v, %s = %s, want %s", tt.cfg, tt.protocol, u, tt.want)
		}
	}
}

func TestLogInit(t *testing.T) {
	keepExportGlobals(t)
	rcv := otlptest.NewGRPCReceiver(t)
	var out logtest.Buffer
	// A named logger: the line still goes out under Dynamo's target.
	log := exportLogger(&out).Named("frontend")

	on, err := NewProvider(context.Background(), ExportConfig{Enabled: true, Endpoint: rcv.Endpoint(), ServiceName: "frontend"})
	if err != nil {
		t.Fatal(err)
	}
	on.Install()
	on.LogInit(log)
	shutdown(t, on)
	off, err := NewProvider(context.Background(), ExportConfig{})
	if err != nil {
		t.Fatal(err)
	}
	off.Install()
	off.LogInit(log)
	shutdown(t, off)

	lines := out.JSONLines(t)
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2: %v", len(lines), lines)
	}
	for i, want := range []map[string]string{
		{"message": "OpenTelemetry OTLP export enabled", "endpoint": rcv.Endpoint(), "service": "frontend"},
		{"message": "OpenTelemetry OTLP export disabled, traces local only", "service": "dynamo"},
	} {
		l := lines[i]
		want["target"], want["level"] = InitTarget, "INFO"
		for k, v := range want {
			if str(l, k) != v {
				t.Errorf("line %d: %s = %q, want %q (line %v)", i, k, str(l, k), v, l)
			}
		}
		if _, ok := want["endpoint"]; !ok {
			if _, has := l["endpoint"]; has {
				t.Errorf("line %d has an endpoint: %v", i, l)
			}
		}
	}
}

var hexID = regexp.MustCompile(`^[0-9a-f]+$`)

// TestSampleRatioZero: nothing sampled is exported, yet lines carry IDs;
// a sampled remote parent still wins (parent-based).
func TestSampleRatioZero(t *testing.T) {
	keepExportGlobals(t)
	rcv := otlptest.NewGRPCReceiver(t)
	var out logtest.Buffer
	zero := 0.0
	p, err := NewProvider(context.Background(), ExportConfig{Enabled: true, Endpoint: rcv.Endpoint(), SampleRatio: &zero})
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	log := exportLogger(&out)
	ctx := tracing.WithLogger(context.Background(), log)

	ctx1, root := tracing.Start(ctx, "root")
	ctx2, child := tracing.Start(ctx1, "child")
	log.Info("unsampled", tracing.Ctx(ctx2))
	child.End()
	root.End()
	if root.SpanContext().IsSampled() {
		t.Error("ratio 0 sampled a new trace")
	}

	remote := trace.NewSpanContext(trace.SpanContextConfig{
		TraceID:    trace.TraceID{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
		SpanID:     trace.SpanID{0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
		TraceFlags: trace.FlagsSampled,
		Remote:     true,
	})
	ctx3, worker := tracing.Start(trace.ContextWithRemoteSpanContext(ctx, remote), "worker")
	log.Info("sampled by parent", tracing.Ctx(ctx3))
	worker.End()
	shutdown(t, p)

	spans := rcv.Spans()
	if len(spans) != 1 || spans[0].Name != "worker" {
		t.Fatalf("exported %+v, want only the span with the sampled parent", spans)
	}
	if spans[0].TraceID != remote.TraceID().String() || spans[0].ParentSpanID != remote.SpanID().String() {
		t.Errorf("worker: trace %s parent %s, want %s and %s", spans[0].TraceID, spans[0].ParentSpanID, remote.TraceID(), remote.SpanID())
	}

	var unsampled, sampled map[string]any
	for _, l := range out.JSONLines(t) {
		switch str(l, "message") {
		case "unsampled":
			unsampled = l
		case "sampled by parent":
			sampled = l
		}
	}
	if unsampled == nil || sampled == nil {
		t.Fatalf("missing lines in %q", out.String())
	}
	if tid, sid := str(unsampled, "trace_id"), str(unsampled, "span_id"); len(tid) != 32 || len(sid) != 16 || !hexID.MatchString(tid+sid) {
		t.Errorf("unsampled line: trace_id %q span_id %q, want 32 and 16 hex digits", tid, sid)
	}
	if got, want := str(unsampled, "parent_id"), root.SpanContext().SpanID().String(); got != want {
		t.Errorf("unsampled line: parent_id %q, want the root's %q", got, want)
	}
	if str(sampled, "span_id") != spans[0].SpanID || str(sampled, "parent_id") != spans[0].ParentSpanID {
		t.Errorf("sampled line %v does not match exported span %+v", sampled, spans[0])
	}
}

// closedPort is a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close()
	return addr
}

// waitFailures waits until the reporter has seen n failed exports.
func waitFailures(t *testing.T, r *reporter, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		got := r.Failures()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("reporter saw %d failed exports, want %d", got, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestUnreachableEndpoint: a collector that is not there delays nothing
// beyond the deadlines given, and its failure is reported once.
func TestUnreachableEndpoint(t *testing.T) {
	// Loose bounds: what matters is that nothing waits for the exporter's
	// own timeouts (10 s) or retries.
	const slack = 2 * time.Second
	for _, protocol := range []string{ProtocolGRPC, ProtocolHTTPProtobuf} {
		t.Run(protocol, func(t *testing.T) {
			keepExportGlobals(t)
			var out, errOut logtest.Buffer
			endpoint := "http://" + closedPort(t)

			begin := time.Now()
			p, err := NewProvider(context.Background(), ExportConfig{Enabled: true, Endpoint: endpoint, Protocol: protocol, ErrorOutput: &errOut})
			if err != nil {
				t.Fatal(err)
			}
			p.Install()
			log := exportLogger(&out)
			ctx := tracing.WithLogger(context.Background(), log)
			for range 100 {
				c, s := tracing.Start(ctx, "work")
				log.Info("working", tracing.Ctx(c))
				s.End()
			}
			if d := time.Since(begin); d > slack {
				t.Errorf("NewProvider and 100 spans took %v", d)
			}

			const flushes = 3
			for i := range flushes {
				_, s := tracing.Start(ctx, fmt.Sprint("batch-", i))
				s.End()
				fctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
				begin := time.Now()
				err := p.ForceFlush(fctx)
				cancel()
				if err == nil {
					t.Errorf("ForceFlush %d succeeded against a closed port", i)
				}
				if d := time.Since(begin); d > 300*time.Millisecond+slack {
					t.Errorf("ForceFlush %d took %v with a 300ms deadline", i, d)
				}
			}
			waitFailures(t, p.reporter, flushes)

			_, s := tracing.Start(ctx, "last")
			s.End()
			sctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			begin = time.Now()
			_ = p.Shutdown(sctx) // its error, if any, is the deadline's
			if d := time.Since(begin); d > 500*time.Millisecond+slack {
				t.Errorf("Shutdown took %v with a 500ms deadline", d)
			}
			// The final export fails too, promptly: Shutdown cancels it
			// when its deadline passes.
			waitFailures(t, p.reporter, flushes+1)

			lines := errOut.Lines()
			if len(lines) != 1 {
				t.Fatalf("error output has %d lines, want 1:\n%s", len(lines), errOut.String())
			}
			t.Logf("reported: %s", lines[0])
			want := fmt.Sprintf("dynlog: OTLP export to %s (%s) failed: ", p.Endpoint(), protocol)
			if !strings.HasPrefix(lines[0], want) || !strings.Contains(lines[0], "without reporting further failures until an export succeeds") {
				t.Errorf("error line %q, want it to start %q", lines[0], want)
			}
		})
	}
}

// TestExportRecovers: a collector that refuses exports and then takes them
// again gives one failure line and one recovery line.
func TestExportRecovers(t *testing.T) {
	for _, tt := range []struct {
		protocol string
		receiver func(testing.TB) *otlptest.Receiver
	}{
		{ProtocolGRPC, otlptest.NewGRPCReceiver},
		{ProtocolHTTPProtobuf, otlptest.NewHTTPReceiver},
	} {
		t.Run(tt.protocol, func(t *testing.T) {
			keepExportGlobals(t)
			rcv := tt.receiver(t)
			var errOut logtest.Buffer
			p, err := NewProvider(context.Background(), ExportConfig{Enabled: true, Endpoint: rcv.Endpoint(), Protocol: tt.protocol, ErrorOutput: &errOut})
			if err != nil {
				t.Fatal(err)
			}
			p.Install()
			flush := func(name string) error {
				_, s := tracing.Start(context.Background(), name)
				s.End()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				return p.ForceFlush(ctx)
			}

			rcv.Reject(true)
			for _, name := range []string{"refused-1", "refused-2", "refused-3"} {
				if err := flush(name); err == nil {
					t.Errorf("export of %s succeeded while the receiver refuses", name)
				}
			}
			rcv.Reject(false)
			if err := flush("accepted"); err != nil {
				t.Errorf("export after recovery: %v", err)
			}
			shutdown(t, p)

			lines := errOut.Lines()
			if len(lines) != 2 {
				t.Fatalf("error output has %d lines, want 2:\n%s", len(lines), errOut.String())
			}
			where := fmt.Sprintf("OTLP export to %s", p.Endpoint())
			if !strings.Contains(lines[0], where) || !strings.Contains(lines[0], " failed: ") {
				t.Errorf("first line %q, want the failure of %s", lines[0], where)
			}
			if want := "dynlog: " + where + " (" + tt.protocol + ") recovered; 3 spans in 3 batches were dropped while it failed"; lines[1] != want {
				t.Errorf("second line\n%q, want\n%q", lines[1], want)
			}
			if spans := rcv.Spans(); len(spans) != 1 || spans[0].Name != "accepted" {
				t.Errorf("received %+v, want only the span sent after recovery", spans)
			}
		})
	}
}

func TestReporterHandle(t *testing.T) {
	var out logtest.Buffer
	r := &reporter{Out: &out}
	r.Handle(nil)
	r.Handle(errors.New("partial success: 2 spans rejected"))
	r.Handle(errors.New("partial success: 2 spans rejected"))
	r.Handle(fmt.Errorf("wrapped: %w", &otelreport.Reported{Err: errors.New("traces export: connection refused")}))
	r.Handle(errors.New("another"))
	want := "dynlog: OpenTelemetry: partial success: 2 spans rejected (reported once)\n" +
		"dynlog: OpenTelemetry: another (reported once)\n"
	if out.String() != want {
		t.Errorf("output\n%q, want\n%q", out.String(), want)
	}

	for i := range 2 * otelreport.MaxOtherErrors {
		r.Handle(fmt.Errorf("error %d", i))
	}
	lines := out.Lines()
	if len(lines) != otelreport.MaxOtherErrors+1 {
		t.Fatalf("%d lines after many distinct errors, want %d:\n%s", len(lines), otelreport.MaxOtherErrors+1, out.String())
	}
	if want := fmt.Sprintf("dynlog: OpenTelemetry: more than %d distinct errors; not reporting further ones", otelreport.MaxOtherErrors); lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
}

// The propagator NewProvider installs carries a Start span to otelhttp and
// friends.
func TestGlobalPropagatorCarriesStartSpans(t *testing.T) {
	keepExportGlobals(t)
	p, err := NewProvider(context.Background(), ExportConfig{})
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	defer shutdown(t, p)
	ctx, s := tracing.Start(context.Background(), "outbound")
	defer s.End()
	carrier := propagation.MapCarrier{}
	otel.GetTextMapPropagator().Inject(ctx, carrier)
	sc := s.SpanContext()
	if want := fmt.Sprintf("00-%s-%s-01", sc.TraceID(), sc.SpanID()); carrier["traceparent"] != want {
		t.Errorf("traceparent %q, want %q", carrier["traceparent"], want)
	}
}

// TestShortLivedProcessReportsDownCollector: a process that ends one span
// and shuts down with a generous deadline, against a collector that is
// down, learns of it before Shutdown returns, and Shutdown does not wait
// for the exporters' own ten-second timeout.
func TestShortLivedProcessReportsDownCollector(t *testing.T) {
	for _, protocol := range []string{ProtocolGRPC, ProtocolHTTPProtobuf} {
		t.Run(protocol, func(t *testing.T) {
			keepExportGlobals(t)
			var errOut logtest.Buffer
			p, err := NewProvider(context.Background(), ExportConfig{Enabled: true,
				Endpoint: "http://" + closedPort(t), Protocol: protocol, ErrorOutput: &errOut})
			if err != nil {
				t.Fatal(err)
			}
			p.Install()
			_, s := tracing.Start(context.Background(), "only")
			s.End()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			begin := time.Now()
			_ = p.Shutdown(ctx)
			if d := time.Since(begin); d > exportRetry.MaxElapsedTime+2*time.Second {
				t.Errorf("Shutdown took %v; retries should give up after %v", d, exportRetry.MaxElapsedTime)
			}
			if lines := errOut.Lines(); len(lines) != 1 || !strings.Contains(lines[0], "failed") {
				t.Errorf("error output when Shutdown returned: %q, want one failure line", errOut.String())
			}
		})
	}
}

// localProvider makes Start create its spans on a provider that exports
// nothing, with tracing's span processor, until t ends.
func localProvider(t *testing.T) {
	t.Helper()
	old := tracing.TracerProvider()
	tracing.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tracing.NewSpanProcessor())))
	t.Cleanup(func() { tracing.SetTracerProvider(old) })
}

// TestShutdownJoinsErrors: when stopping spans and stopping log records
// both fail, Shutdown and ForceFlush return both errors, neither dropped
// for the other.
func TestShutdownJoinsErrors(t *testing.T) {
	rcv := otlptest.NewGRPCReceiver(t)
	p, err := NewProvider(context.Background(), ExportConfig{LogsEnabled: true, Endpoint: rcv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	defer shutdown(t, p)
	spansErr, logsErr := errors.New("spans failed"), errors.New("log records failed")
	err = p.both(context.Background(),
		func(context.Context) error { return spansErr },
		func(context.Context) error { return logsErr })
	if !errors.Is(err, spansErr) || !errors.Is(err, logsErr) {
		t.Errorf("both = %v, want both errors joined", err)
	}
	err = p.both(context.Background(),
		func(context.Context) error { return nil },
		func(context.Context) error { return logsErr })
	if !errors.Is(err, logsErr) {
		t.Errorf("both = %v, want the log records' error", err)
	}

	// Through Shutdown itself: a context already over fails both.
	q, err := NewProvider(context.Background(), ExportConfig{LogsEnabled: true, Endpoint: rcv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = q.Shutdown(ctx)
	var joined interface{ Unwrap() []error }
	if !errors.Is(err, context.Canceled) || !errors.As(err, &joined) || len(joined.Unwrap()) != 2 {
		t.Errorf("Shutdown with a cancelled context = %v, want the spans' and the log records' errors joined", err)
	}
}
