package otlp

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/internal/otlptest"
	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/log"
	"go.opentelemetry.io/otel/log/embedded"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/trace"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// teeLogger logs JSONL into out and, beside it, through the export core
// (NewLogExportCore(provider)), inside the tracing core, as core.New has it;
// span events off.
func teeLogger(out *logtest.Buffer, provider log.LoggerProvider) *zap.Logger {
	io := zapcore.NewCore(encoder.NewJSONL(), out, zapcore.Level(math.MinInt8))
	return zap.New(tracing.NewCore(zapcore.NewTee(io, NewLogExportCore(provider))), zap.AddCaller())
}

// TestLogExport: lines logged through the export core arrive at a real
// OTLP receiver, over both protocols, with body, severity, scope,
// attributes and call site, and inside a span with the trace and span IDs
// the lines print and the exported span has.
func TestLogExport(t *testing.T) {
	tests := []struct {
		name     string
		receiver func(testing.TB) *otlptest.Receiver
		config   func(r *otlptest.Receiver) ExportConfig
	}{
		{"grpc", otlptest.NewGRPCReceiver, func(r *otlptest.Receiver) ExportConfig {
			return ExportConfig{Endpoint: r.Endpoint()} // both protocols default to grpc
		}},
		{"grpc logs endpoint", otlptest.NewGRPCReceiver, func(r *otlptest.Receiver) ExportConfig {
			return ExportConfig{TracesEndpoint: r.TracesEndpoint(), Endpoint: "http://127.0.0.1:1", LogsEndpoint: r.LogsEndpoint()}
		}},
		{"http base endpoint", otlptest.NewHTTPReceiver, func(r *otlptest.Receiver) ExportConfig {
			// LogsProtocol follows Protocol; /v1/logs is appended.
			return ExportConfig{Protocol: ProtocolHTTPProtobuf, Endpoint: r.Endpoint()}
		}},
		{"http logs endpoint", otlptest.NewHTTPReceiver, func(r *otlptest.Receiver) ExportConfig {
			return ExportConfig{Protocol: ProtocolHTTPProtobuf, TracesEndpoint: r.TracesEndpoint(),
				LogsProtocol: ProtocolHTTPProtobuf, Endpoint: "http://127.0.0.1:1", LogsEndpoint: r.LogsEndpoint()}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keepExportGlobals(t)
			rcv := tt.receiver(t)
			var out, errOut logtest.Buffer
			cfg := tt.config(rcv)
			cfg.Enabled, cfg.LogsEnabled, cfg.ServiceName, cfg.ErrorOutput = true, true, "log-export-test", &errOut
			p, err := NewProvider(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			p.Install()
			if p.LoggerProvider() == nil || p.LogsEndpoint() == "" {
				t.Fatalf("log export on, yet LoggerProvider %v, LogsEndpoint %q", p.LoggerProvider(), p.LogsEndpoint())
			}
			log := teeLogger(&out, nil) // the provider NewProvider installed
			named := log.Named("dynamo_runtime::test")

			named.Info("plain", zap.String("s", "v"), zap.Int("n", 42), zap.Bool("ok", true),
				zap.Float64("f", 0.5), zap.Error(errors.New("boom")), zap.Duration("d", 1500*time.Millisecond),
				zap.Uint64("big", math.MaxUint64), zap.Strings("list", []string{"a", "b"}),
				zap.Namespace("ns"), zap.String("inner", "x"))
			log.Log(levels.Trace, "at trace")
			log.Debug("at debug")
			log.Warn("at warn")
			log.Error("at error")
			log.DPanic("at dpanic") // a production logger: no panic

			ctx, root := tracing.Start(tracing.WithLogger(context.Background(), log), "http-request")
			cctx, child := tracing.Start(ctx, "prefill")
			named.Info("in span", tracing.Ctx(cctx), zap.String("k", "v"))
			log.With(tracing.Ctx(ctx), zap.String("w", "with")).Warn("in span by With")
			child.End()
			root.End()
			shutdown(t, p)

			records := map[string]otlptest.LogRecord{}
			for _, r := range rcv.Logs() {
				if _, dup := records[r.Body]; dup {
					t.Errorf("record %q arrived twice", r.Body)
				}
				records[r.Body] = r
				if got := r.Resource["service.name"]; got != "log-export-test" {
					t.Errorf("record %q: resource service.name %q", r.Body, got)
				}
			}
			if len(records) != 8 {
				t.Fatalf("received %d records, want 8: %+v", len(records), rcv.Logs())
			}
			lines := map[string]map[string]any{}
			for _, l := range out.JSONLines(t) {
				lines[str(l, "message")] = l
			}

			const caller = "github.com/dynlog/dynlog/tracing/otlp" // an unnamed logger's target
			for body, want := range map[string]struct {
				severity int32
				text     string
				scope    string
			}{
				"plain":           {9, "INFO", "dynamo_runtime::test"},
				"at trace":        {1, "TRACE", caller}, // unnamed: the caller's package
				"at debug":        {5, "DEBUG", caller},
				"at warn":         {13, "WARN", caller},
				"at error":        {17, "ERROR", caller},
				"at dpanic":       {18, "ERROR", caller},
				"in span":         {9, "INFO", "dynamo_runtime::test"},
				"in span by With": {13, "WARN", caller},
			} {
				r := records[body]
				if r.Severity != want.severity || r.SeverityText != want.text || r.Scope != want.scope {
					t.Errorf("record %q: severity %d %q scope %q, want %d %q %q",
						body, r.Severity, r.SeverityText, r.Scope, want.severity, want.text, want.scope)
				}
				line := lines[body]
				if got, want := r.Attributes["code.line.number"], fmt.Sprint(line["line"]); got != want {
					t.Errorf("record %q: code.line.number %q, the line says %s", body, got, want)
				}
				if got := r.Attributes["code.file.path"]; got != str(line, "file") || !strings.HasSuffix(got, "logexport_test.go") {
					t.Errorf("record %q: code.file.path %q, the line says %q", body, got, str(line, "file"))
				}
				if got := r.Attributes["code.function.name"]; !strings.HasPrefix(got, "github.com/dynlog/dynlog/tracing/otlp.TestLogExport.") {
					t.Errorf("record %q: code.function.name %q", body, got)
				}
				if r.Time.IsZero() || r.Time.Unix() == 0 {
					t.Errorf("record %q has no time", body)
				}
			}

			plain := records["plain"]
			for k, want := range map[string]string{
				"s": "v", "n": "42", "ok": "true", "f": "0.5", "error": "boom", "d": "1.5s",
				"big": "18446744073709551615",
			} {
				if got := plain.Attributes[k]; got != want {
					t.Errorf("plain: attribute %s = %q, want %q", k, got, want)
				}
			}
			if got := plain.Attributes["list"]; !strings.Contains(got, `"a"`) || !strings.Contains(got, `"b"`) || !strings.Contains(got, "arrayValue") {
				t.Errorf("plain: attribute list = %s, want an array of a and b", got)
			}
			if got := plain.Attributes["ns"]; !strings.Contains(got, "kvlistValue") || !strings.Contains(got, `"inner"`) {
				t.Errorf("plain: attribute ns = %s, want a map holding inner", got)
			}
			if _, ok := plain.Attributes["inner"]; ok {
				t.Error("plain: inner is at the top level, not in its namespace")
			}
			if plain.TraceID != "" || plain.SpanID != "" {
				t.Errorf("plain: trace %q span %q outside any span", plain.TraceID, plain.SpanID)
			}

			spans := map[string]otlptest.Span{}
			for _, s := range rcv.Spans() {
				spans[s.Name] = s
			}
			for body, span := range map[string]string{"in span": "prefill", "in span by With": "http-request"} {
				r, line, s := records[body], lines[body], spans[span]
				if r.TraceID == "" || r.TraceID != str(line, "trace_id") || r.TraceID != s.TraceID {
					t.Errorf("record %q: trace %q, line %q, exported span %q", body, r.TraceID, str(line, "trace_id"), s.TraceID)
				}
				if r.SpanID == "" || r.SpanID != str(line, "span_id") || r.SpanID != s.SpanID {
					t.Errorf("record %q: span %q, line %q, exported span %q", body, r.SpanID, str(line, "span_id"), s.SpanID)
				}
				for _, k := range []string{"span", "trace_id", "span_id", "parent_id", "span_name"} {
					if v, ok := r.Attributes[k]; ok {
						t.Errorf("record %q repeats the span key %s = %q as an attribute", body, k, v)
					}
				}
			}
			if got := records["in span"].Attributes["k"]; got != "v" {
				t.Errorf("in span: attribute k = %q", got)
			}
			if got := records["in span by With"].Attributes["w"]; got != "with" {
				t.Errorf("in span by With: attribute w = %q", got)
			}
			if s := errOut.String(); s != "" {
				t.Errorf("error output: %q, want nothing", s)
			}
		})
	}
}

// TestLogExportRequestIDs: a request's x_request_id and request_id travel
// on its records as attributes, beside the trace context.
func TestLogExportRequestIDs(t *testing.T) {
	keepExportGlobals(t)
	rp := &recordingProvider{}
	localProvider(t)
	var out logtest.Buffer
	log := teeLogger(&out, rp)
	ctx := tracing.Extract(context.Background(), propagation.MapCarrier{
		"traceparent":  "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
		"x-request-id": "req-7",
		"request-id":   "0b8e2f52-0d0b-4f55-b4c4-7d7f3e0f8f45",
	})
	ctx, s := tracing.Start(ctx, "worker")
	log.Info("handled", tracing.Ctx(ctx))
	s.End()

	recs := rp.all()
	if len(recs) != 1 {
		t.Fatalf("%d records, want 1", len(recs))
	}
	attrs := recs[0].attrs()
	if attrs["x_request_id"].AsString() != "req-7" || attrs["request_id"].AsString() != "0b8e2f52-0d0b-4f55-b4c4-7d7f3e0f8f45" {
		t.Errorf("attributes %v, want x_request_id and request_id", attrs)
	}
	sc := trace.SpanContextFromContext(recs[0].ctx)
	if sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || sc.SpanID() != s.SpanContext().SpanID() {
		t.Errorf("record's trace context %v, want the worker span %v", sc, s.SpanContext())
	}
}

// TestLogExportFiltered: the filter around the tracing core drops lines
// before the export core sees them.
func TestLogExportFiltered(t *testing.T) {
	keepExportGlobals(t)
	rcv := otlptest.NewGRPCReceiver(t)
	p, err := NewProvider(context.Background(), ExportConfig{LogsEnabled: true, Endpoint: rcv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	f, err := filter.Parse("info,noisy=error,chatty=debug")
	if err != nil {
		t.Fatal(err)
	}
	var out logtest.Buffer
	io := zapcore.NewCore(encoder.NewJSONL(), &out, zapcore.Level(math.MinInt8))
	log := zap.New(filter.NewCore(tracing.NewCore(zapcore.NewTee(io, NewLogExportCore(nil))), f), zap.AddCaller())

	log.Debug("unnamed debug: dropped")
	log.Info("unnamed info: kept")
	log.Named("noisy").Warn("noisy warn: dropped")
	log.Named("noisy").Error("noisy error: kept")
	log.Named("chatty").Debug("chatty debug: kept")
	log.Named("chatty").Log(levels.Trace, "chatty trace: dropped")
	log.Named("noisy").With(zap.String("k", "v")).Info("noisy with: dropped")
	shutdown(t, p)

	var got []string
	for _, r := range rcv.Logs() {
		got = append(got, r.Body)
	}
	want := []string{"unnamed info: kept", "noisy error: kept", "chatty debug: kept"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("exported %q, want %q", got, want)
	}
	var printed []string
	for _, l := range out.JSONLines(t) {
		printed = append(printed, str(l, "message"))
	}
	if strings.Join(printed, "|") != strings.Join(want, "|") {
		t.Errorf("printed %q, want the same lines as exported, %q", printed, want)
	}
}

// TestLogExportOffByDefault: without LogsEnabled no logger provider is
// made or installed, the export core emits nothing, no log request is
// sent, and with span export off too nothing is dialled at all.
func TestLogExportOffByDefault(t *testing.T) {
	keepExportGlobals(t)
	rcv := otlptest.NewGRPCReceiver(t)
	p, err := NewProvider(context.Background(), ExportConfig{Enabled: true, Endpoint: rcv.Endpoint()})
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	if p.LoggerProvider() != nil || p.LogsEndpoint() != "" || installedLogs.Load() != nil {
		t.Errorf("log export off, yet LoggerProvider %v, LogsEndpoint %q, installed %v", p.LoggerProvider(), p.LogsEndpoint(), installedLogs.Load())
	}
	var out logtest.Buffer
	log := teeLogger(&out, nil)
	ctx, s := tracing.Start(context.Background(), "op")
	log.Info("not exported", tracing.Ctx(ctx))
	s.End()
	// A core given the provider's (nil) LoggerProvider is a core without one.
	teeLogger(&out, p.LoggerProvider()).Info("not exported either")
	shutdown(t, p)
	if n := rcv.LogRequests(); n != 0 {
		t.Errorf("%d log requests with log export off", n)
	}
	if len(rcv.Spans()) != 1 || len(out.Lines()) != 2 {
		t.Errorf("spans %v, lines %q: want the span exported and both lines printed", rcv.Spans(), out.String())
	}

	endpoint, accepted := otlptest.CountingListener(t)
	p, err = NewProvider(context.Background(), ExportConfig{Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	p.Install()
	log = teeLogger(&out, nil)
	for range 10 {
		log.Error("nothing dialled")
	}
	if err := p.ForceFlush(context.Background()); err != nil {
		t.Errorf("ForceFlush: %v", err)
	}
	shutdown(t, p)
	if n := otlptest.Dialled(t, endpoint, accepted); n != 0 {
		t.Errorf("%d connections to the endpoint with all export off", n)
	}
}

// TestLogExportUnreachable: a collector that is not there does not slow
// logging down, and its failure is reported once, apart from spans'.
func TestLogExportUnreachable(t *testing.T) {
	const slack = 2 * time.Second
	for _, protocol := range []string{ProtocolGRPC, ProtocolHTTPProtobuf} {
		t.Run(protocol, func(t *testing.T) {
			keepExportGlobals(t)
			// No export on the batch processor's timer: each failure
			// counted is a ForceFlush's or Shutdown's.
			t.Setenv("OTEL_BLRP_SCHEDULE_DELAY", "600000")
			var out, errOut logtest.Buffer
			begin := time.Now()
			p, err := NewProvider(context.Background(), ExportConfig{LogsEnabled: true, LogsProtocol: protocol,
				Endpoint: "http://" + closedPort(t), ErrorOutput: &errOut})
			if err != nil {
				t.Fatal(err)
			}
			p.Install()
			log := teeLogger(&out, nil)
			// Fewer than a batch (512), so that no export starts before
			// the first ForceFlush.
			for i := range 500 {
				log.Info("working", zap.Int("i", i))
			}
			if d := time.Since(begin); d > slack {
				t.Errorf("NewProvider and 500 lines took %v", d)
			}

			const flushes = 3
			for i := range flushes {
				log.Warn("flush", zap.Int("i", i))
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
			waitFailures(t, p.logExporter.r, flushes)

			log.Info("last")
			sctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			begin = time.Now()
			_ = p.Shutdown(sctx)
			if d := time.Since(begin); d > 500*time.Millisecond+slack {
				t.Errorf("Shutdown took %v with a 500ms deadline", d)
			}
			// Logging after Shutdown neither blocks nor exports.
			log.Info("after shutdown")

			lines := errOut.Lines()
			if len(lines) != 1 {
				t.Fatalf("error output has %d lines, want 1:\n%s", len(lines), errOut.String())
			}
			t.Logf("reported: %s", lines[0])
			want := fmt.Sprintf("dynlog: OTLP log export to %s (%s) failed: ", p.LogsEndpoint(), protocol)
			if !strings.HasPrefix(lines[0], want) || !strings.Contains(lines[0], " log records and will keep trying, without reporting further failures until an export succeeds") {
				t.Errorf("error line %q, want it to start %q", lines[0], want)
			}
			if got := len(out.Lines()); got != 500+flushes+2 {
				t.Errorf("%d lines printed, want every one", got)
			}
		})
	}
}

// TestLogExportRecovers: a collector that refuses log exports and then
// takes them again gives one failure line and one recovery line.
func TestLogExportRecovers(t *testing.T) {
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
			var out, errOut logtest.Buffer
			p, err := NewProvider(context.Background(), ExportConfig{LogsEnabled: true, Protocol: tt.protocol,
				Endpoint: rcv.Endpoint(), ErrorOutput: &errOut})
			if err != nil {
				t.Fatal(err)
			}
			p.Install()
			log := teeLogger(&out, nil)
			flush := func(msg string) error {
				log.Info(msg)
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				return p.ForceFlush(ctx)
			}
			rcv.Reject(true)
			for _, msg := range []string{"refused-1", "refused-2"} {
				if err := flush(msg); err == nil {
					t.Errorf("export of %s succeeded while the receiver refuses", msg)
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
			where := fmt.Sprintf("dynlog: OTLP log export to %s (%s)", p.LogsEndpoint(), tt.protocol)
			if !strings.HasPrefix(lines[0], where+" failed: ") {
				t.Errorf("first line %q, want the failure of %s", lines[0], where)
			}
			if want := where + " recovered; 2 log records in 2 batches were dropped while it failed"; lines[1] != want {
				t.Errorf("second line\n%q, want\n%q", lines[1], want)
			}
			if logs := rcv.Logs(); len(logs) != 1 || logs[0].Body != "accepted" {
				t.Errorf("received %+v, want only the record sent after recovery", logs)
			}
		})
	}
}

// TestLogInitWithLogs: Dynamo's init line when logs are exported too, and
// when only logs are.
func TestLogInitWithLogs(t *testing.T) {
	keepExportGlobals(t)
	rcv := otlptest.NewHTTPReceiver(t)
	var out logtest.Buffer
	log := exportLogger(&out).Named("frontend")
	for _, cfg := range []ExportConfig{
		{Enabled: true, LogsEnabled: true, Protocol: ProtocolHTTPProtobuf, Endpoint: rcv.Endpoint(), ServiceName: "frontend"},
		{LogsEnabled: true, LogsProtocol: ProtocolHTTPProtobuf, Endpoint: rcv.Endpoint()},
	} {
		p, err := NewProvider(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		p.Install()
		p.LogInit(log)
		shutdown(t, p)
	}
	lines := out.JSONLines(t)
	if len(lines) != 2 {
		t.Fatalf("got %d lines, want 2: %v", len(lines), lines)
	}
	for i, want := range []map[string]string{
		{"message": "OpenTelemetry OTLP export enabled (traces and logs)", "endpoint": rcv.TracesEndpoint(),
			"logs_endpoint": rcv.LogsEndpoint(), "service": "frontend"},
		{"message": "OpenTelemetry OTLP log export enabled, traces local only", "logs_endpoint": rcv.LogsEndpoint(), "service": "dynamo"},
	} {
		l := lines[i]
		want["target"], want["level"] = InitTarget, "INFO"
		for k, v := range want {
			if str(l, k) != v {
				t.Errorf("line %d: %s = %q, want %q (line %v)", i, k, str(l, k), v, l)
			}
		}
		if _, ok := want["endpoint"]; !ok && l["endpoint"] != nil {
			t.Errorf("line %d has an endpoint: %v", i, l)
		}
	}
}

func TestNewProviderLogErrors(t *testing.T) {
	keepExportGlobals(t)
	before := installedLogs.Load()
	for _, tt := range []struct {
		cfg  ExportConfig
		want string
	}{
		{ExportConfig{LogsEnabled: true, LogsProtocol: "http/json"}, `otlp: unknown OTLP protocol "http/json" for logs (want grpc or http/protobuf); no provider made`},
		{ExportConfig{LogsEnabled: true, LogsEndpoint: "collector:4317"}, `otlp: OTLP endpoint "collector:4317" is not an http:// or https:// URL with a host`},
		{ExportConfig{Enabled: true, LogsEnabled: true, Endpoint: "http://c:4317", LogsEndpoint: "ftp://c"}, `otlp: OTLP endpoint "ftp://c"`},
	} {
		p, err := NewProvider(context.Background(), tt.cfg)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) || p != nil {
			t.Errorf("NewProvider(%+v) = %v, %v; want the error %q", tt.cfg, p, err, tt.want)
		}
	}
	if installedLogs.Load() != before {
		t.Error("a failed NewProvider installed a logger provider")
	}
}

// recordingProvider is a log.LoggerProvider that keeps what is emitted.
type recordingProvider struct {
	embedded.LoggerProvider
	disabled atomic.Bool // Enabled answers false
	flushes  atomic.Int32

	mu      sync.Mutex
	records []emitted
}

type emitted struct {
	scope string
	ctx   context.Context
	r     log.Record
}

func (e emitted) attrs() map[string]attribute.Value {
	m := map[string]attribute.Value{}
	e.r.WalkAttributes(func(kv attribute.KeyValue) bool {
		m[string(kv.Key)] = kv.Value
		return true
	})
	return m
}

func (p *recordingProvider) Logger(name string, _ ...log.LoggerOption) log.Logger {
	return &recordingLogger{p: p, scope: name}
}

func (p *recordingProvider) ForceFlush(context.Context) error {
	p.flushes.Add(1)
	return nil
}

func (p *recordingProvider) all() []emitted {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]emitted(nil), p.records...)
}

type recordingLogger struct {
	embedded.Logger
	p     *recordingProvider
	scope string
}

func (l *recordingLogger) Emit(ctx context.Context, r log.Record) {
	l.p.mu.Lock()
	defer l.p.mu.Unlock()
	l.p.records = append(l.p.records, emitted{scope: l.scope, ctx: ctx, r: r})
}

func (l *recordingLogger) Enabled(context.Context, log.EnabledParameters) bool {
	return !l.p.disabled.Load()
}

// TestLogExportCoreContracts: zap's rules for a sink (STYLE.md).
func TestLogExportCoreContracts(t *testing.T) {
	keepExportGlobals(t)
	rp := &recordingProvider{}
	c := NewLogExportCore(rp)
	if !c.Enabled(levels.Trace) || zapcore.LevelOf(c) != zapcore.Level(math.MinInt8) {
		t.Errorf("Enabled(TRACE) %v, Level %v: want every level", c.Enabled(levels.Trace), zapcore.LevelOf(c))
	}

	// With keeps its fields, and only for the derived core.
	w := c.With([]zapcore.Field{zap.String("a", "1")})
	ww := w.With([]zapcore.Field{zap.String("b", "2")})
	ent := zapcore.Entry{Level: zapcore.InfoLevel, Message: "m", LoggerName: "x"}
	for _, core := range []zapcore.Core{c, w, ww} {
		ce := core.Check(ent, nil)
		if ce == nil {
			t.Fatal("Check did not add the core")
		}
		ce.Write(zap.String("c", "3"))
	}
	recs := rp.all()
	if len(recs) != 3 {
		t.Fatalf("%d records, want 3", len(recs))
	}
	for i, want := range []string{"c", "a c", "a b c"} {
		if got := strings.Join(slices.Sorted(maps.Keys(recs[i].attrs())), " "); got != want {
			t.Errorf("record %d: attributes %q, want %q", i, got, want)
		}
		if recs[i].scope != "x" || recs[i].r.Body().AsString() != "m" {
			t.Errorf("record %d: scope %q body %v", i, recs[i].scope, recs[i].r.Body())
		}
	}

	// Check asks the logger, and so does Write: a Tee, or a core that
	// decides at Write (dedup's), writes to this core without asking Check.
	rp.disabled.Store(true)
	if ce := c.Check(ent, nil); ce != nil {
		t.Error("Check added the core though its logger is disabled")
	}
	if err := c.Write(ent, nil); err != nil || len(rp.all()) != 3 {
		t.Errorf("Write: %v, %d records: want nothing emitted while the logger is disabled", err, len(rp.all()))
	}
	rp.disabled.Store(false)

	// Sync flushes, and so do Panic and Fatal lines, not DPanic's.
	if err := c.Sync(); err != nil || rp.flushes.Load() != 1 {
		t.Errorf("Sync: %v, %d flushes", err, rp.flushes.Load())
	}
	for _, l := range []zapcore.Level{zapcore.ErrorLevel, zapcore.DPanicLevel, zapcore.PanicLevel, zapcore.FatalLevel} {
		_ = c.Write(zapcore.Entry{Level: l}, nil)
	}
	if n := rp.flushes.Load(); n != 3 {
		t.Errorf("%d flushes after Sync and ERROR, DPanic, Panic and Fatal lines, want 3", n)
	}

	// A core on the installed provider follows what is installed.
	installedLogs.Store(nil)
	late := NewLogExportCore(nil).With([]zapcore.Field{zap.String("w", "x")})
	if late.Enabled(zapcore.FatalLevel) || zapcore.LevelOf(late) != zapcore.InvalidLevel || late.Check(ent, nil) != nil {
		t.Error("a core with no provider installed is enabled")
	}
	if err := late.Sync(); err != nil {
		t.Errorf("Sync with no provider: %v", err)
	}
	late2 := &recordingProvider{}
	SetLoggerProvider(late2)
	if ce := late.Check(ent, nil); ce == nil {
		t.Error("a core does not use the provider installed after it was made")
	} else {
		ce.Write()
	}
	SetLoggerProvider((*sdklog.LoggerProvider)(nil))
	if late.Enabled(zapcore.InfoLevel) || len(late2.all()) != 1 {
		t.Errorf("after SetLoggerProvider(nil): enabled %v, %d records (want 1)", late.Enabled(zapcore.InfoLevel), len(late2.all()))
	}
}

// TestLogRecordFields: how fields become attributes, and which spans field
// counts, on a call and through With.
func TestLogRecordFields(t *testing.T) {
	keepExportGlobals(t)
	rp := &recordingProvider{}
	core := NewLogExportCore(rp)
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	spansA := &vocab.Spans{TraceID: tid.String(), SpanID: "00f067aa0ba902b7", XRequestID: "xa"}
	spansB := &vocab.Spans{TraceID: tid.String(), SpanID: "1111111111111111", RequestID: "rb"}
	when := time.Date(2025, 9, 2, 16, 38, 6, 656503000, time.UTC)

	type obj = zapcore.ObjectMarshalerFunc
	write := func(c zapcore.Core, fields ...zapcore.Field) emitted {
		t.Helper()
		before := len(rp.all())
		ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: when, Message: "m",
			Caller: zapcore.EntryCaller{Defined: true, File: "/src/x.go", Line: 7, Function: "example.com/x.F"},
			Stack:  "goroutine 1"}
		if ce := c.Check(ent, nil); ce != nil {
			ce.Write(fields...)
		}
		recs := rp.all()
		if len(recs) != before+1 {
			t.Fatalf("%d records, want %d", len(recs), before+1)
		}
		return recs[len(recs)-1]
	}

	r := write(core,
		zap.Int8("i8", -8), zap.Uint8("u8", 8), zap.Uint64("u64", 1<<63), zap.Uintptr("ptr", 16),
		zap.Float32("f32", 0.25), zap.Complex128("c", complex(1, 2)), zap.Binary("bin", []byte{1, 2}),
		zap.ByteString("bs", []byte("text")), zap.Time("t", when), zap.Duration("d", time.Millisecond),
		zap.Any("any", map[string]int{"a": 1}), zap.Stringer("str", time.Second),
		zap.Object("obj", obj(func(e zapcore.ObjectEncoder) error {
			e.AddString("k", "v")
			e.OpenNamespace("deep")
			e.AddInt("n", 1)
			return nil
		})),
		zap.Ints("ints", []int{1, 2}), zap.Skip(),
		zap.Error(fmt.Errorf("outer: %w", errors.New("inner"))),
		vocab.SpansField(spansA),
	)
	a := r.attrs()
	checks := map[string]attribute.Value{
		"i8":                 attribute.Int64Value(-8),
		"u8":                 attribute.Int64Value(8),
		"u64":                attribute.StringValue("9223372036854775808"),
		"ptr":                attribute.Int64Value(16),
		"f32":                attribute.Float64Value(0.25),
		"c":                  attribute.StringValue("(1+2i)"),
		"bin":                attribute.ByteSliceValue([]byte{1, 2}),
		"bs":                 attribute.StringValue("text"),
		"t":                  attribute.StringValue("2025-09-02T16:38:06.656503Z"),
		"d":                  attribute.StringValue("1ms"),
		"any":                attribute.StringValue(`{"a":1}`),
		"str":                attribute.StringValue("1s"),
		"obj":                attribute.MapValue(attribute.String("k", "v"), attribute.Map("deep", attribute.Int("n", 1))),
		"ints":               attribute.SliceValue(attribute.Int64Value(1), attribute.Int64Value(2)),
		"error":              attribute.StringValue("outer: inner"),
		"x_request_id":       attribute.StringValue("xa"),
		"code.file.path":     attribute.StringValue("/src/x.go"),
		"code.line.number":   attribute.Int64Value(7),
		"code.function.name": attribute.StringValue("example.com/x.F"),
		"code.stacktrace":    attribute.StringValue("goroutine 1"),
	}
	for k, want := range checks {
		if got, ok := a[k]; !ok || got.String() != want.String() || got.Type() != want.Type() {
			t.Errorf("attribute %s = %v (%v), want %v (%v)", k, got.String(), got.Type(), want.String(), want.Type())
		}
	}
	if len(a) != len(checks) {
		t.Errorf("%d attributes, want %d: %v", len(a), len(checks), a)
	}
	if !r.r.Timestamp().Equal(when) || r.r.Severity() != log.SeverityInfo || r.r.SeverityText() != "INFO" || r.r.Body().AsString() != "m" {
		t.Errorf("record time %v severity %v %q body %v", r.r.Timestamp(), r.r.Severity(), r.r.SeverityText(), r.r.Body())
	}
	if sc := trace.SpanContextFromContext(r.ctx); sc.TraceID() != tid || sc.SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("trace context %v, want the span's", sc)
	}

	// Spans from With; a later spans field on the call wins.
	w := core.With([]zapcore.Field{vocab.SpansField(spansA), zap.String("with", "1")})
	r = write(w, zap.String("call", "2"))
	if sc := trace.SpanContextFromContext(r.ctx); sc.SpanID().String() != "00f067aa0ba902b7" {
		t.Errorf("With spans: trace context %v", sc)
	}
	r = write(w, vocab.SpansField(spansB))
	if sc := trace.SpanContextFromContext(r.ctx); sc.SpanID().String() != "1111111111111111" {
		t.Errorf("call spans over With spans: trace context %v", sc)
	}
	if a := r.attrs(); a["request_id"].AsString() != "rb" || a["x_request_id"].Type() != attribute.EMPTY || a["with"].AsString() != "1" {
		t.Errorf("call spans over With spans: attributes %v", a)
	}

	// A namespace opened by With holds the later fields; a spans field
	// after it is a plain object, as the encoders print it.
	ns := core.With([]zapcore.Field{zap.String("top", "t"), zap.Namespace("ns"), zap.String("in", "1")})
	r = write(ns, zap.String("call", "2"), vocab.SpansField(spansB))
	a = r.attrs()
	if a["top"].AsString() != "t" || a["ns"].Type() != attribute.MAP || a["call"].Type() != attribute.EMPTY {
		t.Errorf("namespace from With: attributes %v", a)
	}
	inner := map[string]attribute.Value{}
	for _, kv := range a["ns"].AsMap() {
		inner[string(kv.Key)] = kv.Value
	}
	if inner["in"].AsString() != "1" || inner["call"].AsString() != "2" || inner["span"].Type() != attribute.MAP {
		t.Errorf("namespace ns holds %v, want in, call and the span object", inner)
	}
	if sc := trace.SpanContextFromContext(r.ctx); sc.IsValid() {
		t.Errorf("a spans field inside a namespace set the trace context %v", sc)
	}
	// The parent core is untouched by its children.
	r = write(core)
	if a := r.attrs(); len(a) != 4 { // the code.* attributes only
		t.Errorf("parent core after With: attributes %v", a)
	}

	// Invalid IDs give no trace context.
	r = write(core, vocab.SpansField(&vocab.Spans{TraceID: "zz", SpanID: "00f067aa0ba902b7"}))
	if trace.SpanContextFromContext(r.ctx).IsValid() {
		t.Error("invalid span IDs made a trace context")
	}
}

func TestSeverityOf(t *testing.T) {
	for _, tt := range []struct {
		level zapcore.Level
		sev   log.Severity
		text  string
	}{
		{levels.Trace - 1, log.SeverityTrace, "TRACE"},
		{levels.Trace, log.SeverityTrace, "TRACE"},
		{zapcore.DebugLevel, log.SeverityDebug, "DEBUG"},
		{zapcore.InfoLevel, log.SeverityInfo, "INFO"},
		{zapcore.WarnLevel, log.SeverityWarn, "WARN"},
		{zapcore.ErrorLevel, log.SeverityError, "ERROR"},
		{zapcore.DPanicLevel, log.SeverityError2, "ERROR"},
		{zapcore.PanicLevel, log.SeverityError3, "ERROR"},
		{zapcore.FatalLevel, log.SeverityFatal, "ERROR"},
	} {
		if sev, text := severityOf(tt.level); sev != tt.sev || text != tt.text {
			t.Errorf("severityOf(%v) = %v %q, want %v %q", tt.level, sev, text, tt.sev, tt.text)
		}
	}
}
