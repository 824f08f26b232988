package otlp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path"
	"sync/atomic"
	"time"

	"github.com/dynlog/dynlog/internal/otelreport"
	"github.com/dynlog/dynlog/internal/outside"
	"github.com/dynlog/dynlog/internal/target"
	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploggrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlplog/otlploghttp"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	logglobal "go.opentelemetry.io/otel/log/global"
	"go.opentelemetry.io/otel/propagation"
	sdklog "go.opentelemetry.io/otel/sdk/log"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.40.0"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc/credentials/insecure"
)

// The OTLP protocols [NewProvider] speaks.
const (
	ProtocolGRPC         = "grpc"
	ProtocolHTTPProtobuf = "http/protobuf"
)

// Defaults of [ExportConfig], as Dynamo and OpenTelemetry have them.
const (
	DefaultGRPCEndpoint = "http://localhost:4317"
	DefaultHTTPEndpoint = "http://localhost:4318" // /v1/traces or /v1/logs is appended
)

// What OTLP/HTTP appends to a base endpoint, per signal.
const (
	tracesPath = "/v1/traces"
	logsPath   = "/v1/logs"
)

// ExportConfig says whether and where a [Provider] exports spans, and log
// records, over OTLP. Package core fills it from the OTEL_* variables of
// docs/configuration.md; the zero value is a provider that samples every trace, exports
// nothing and calls its service "dynamo".
//
// Endpoints follow OpenTelemetry's rules: TracesEndpoint (LogsEndpoint) is
// used as is; Endpoint is a base URL, to which OTLP/HTTP appends /v1/traces
// (/v1/logs); with neither, gRPC goes to http://localhost:4317 and
// OTLP/HTTP to http://localhost:4318/v1/traces (/v1/logs). An http://
// endpoint is plain text, an https:// one TLS with the system's roots. gRPC
// uses only the host and port.
//
// The exporters get the endpoint, the transport security and the protocol
// from here, whatever the process environment says. What ExportConfig does
// not model they still take from OpenTelemetry's own variables, as the
// OpenTelemetry SDKs (Dynamo's among them) do: OTEL_EXPORTER_OTLP_HEADERS,
// _TIMEOUT, _COMPRESSION, _CERTIFICATE and _CLIENT_* (and their TRACES_ and
// LOGS_ forms), and the batch processors' OTEL_BSP_* and OTEL_BLRP_*.
type ExportConfig struct {
	// Enabled turns on export (OTEL_EXPORT_ENABLED). Off, the provider
	// still makes the trace and span IDs that lines print.
	Enabled bool
	// Endpoint is the collector's base URL (OTEL_EXPORTER_OTLP_ENDPOINT).
	Endpoint string
	// TracesEndpoint is the URL traces go to, used as is
	// (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT). It wins over Endpoint.
	TracesEndpoint string
	// Protocol is [ProtocolGRPC] (the default, when empty) or
	// [ProtocolHTTPProtobuf].
	Protocol string
	// ServiceName is the resource's service.name (OTEL_SERVICE_NAME);
	// empty means [tracing.DefaultServiceName].
	ServiceName string
	// LogsEnabled turns on log export (OTEL_LOGS_EXPORTER=otlp): an OTLP
	// log exporter behind a batch processor, to which the cores of
	// [NewLogExportCore] send the lines they are given. It does not depend on
	// Enabled: with spans kept local, the records still carry the trace and
	// span IDs the lines print.
	LogsEnabled bool
	// LogsEndpoint is the URL log records go to, used as is
	// (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT). It wins over Endpoint.
	LogsEndpoint string
	// LogsProtocol is the protocol of log export, [ProtocolGRPC] or
	// [ProtocolHTTPProtobuf] (OTEL_EXPORTER_OTLP_LOGS_PROTOCOL); empty means
	// Protocol's.
	LogsProtocol string
	// SampleRatio, when set, samples that fraction (0 to 1) of new traces
	// and follows the parent's decision for the others (OpenTelemetry's
	// parentbased_traceidratio). Nil samples every new trace, still
	// following a remote parent's decision. Lines print IDs either way.
	SampleRatio *float64
	// ErrorOutput is where export failures are reported (see [Provider]);
	// nil means os.Stderr.
	ErrorOutput io.Writer
}

// Provider is the OpenTelemetry SDK tracer provider of a process: resource
// service.name, the configured sampler, tracing's span processor, and
// when export is on an OTLP exporter behind a batch span processor. With
// log export on it also holds an OpenTelemetry SDK logger provider, with
// the same resource and an OTLP log exporter behind a batch processor.
//
// Install makes it the process's provider: for [tracing.Start] and as
// OpenTelemetry's global tracer provider, propagator, error handler and, with
// log export on, logger provider (see [Provider.Install]). [NewProvider]
// installs nothing.
//
// Nothing it does waits for the collector: creating it, starting and ending
// spans and logging return at once whether or not the collector is up;
// spans and log records are sent from background goroutines, and dropped
// when their queues are full. An export that fails is reported once on
// [ExportConfig.ErrorOutput] (or through [SetErrorLogger]'s logger), with the
// endpoint and the error, whose text (it may quote the collector's answer)
// is written on one line, newlines, terminal and bidirectional controls
// escaped, and cut after 512 bytes with "…[N bytes cut]"; later failures
// are counted, not reported, until an export succeeds again, which is
// reported with the number of spans (log records) lost meanwhile; spans and
// logs are reported apart. Installed,
// the provider is also OpenTelemetry's global error handler
// ([otel.SetErrorHandler]): other OpenTelemetry errors are reported there
// once per distinct message, where OpenTelemetry's default would log every
// occurrence. A provider that is not installed still reports its export
// failures once; the batch processors also hand each failed export's error
// to OpenTelemetry's global error handler, whichever is installed (this
// package's handlers ignore them, having reported them).
type Provider struct {
	tp       *sdktrace.TracerProvider
	service  string
	endpoint string // where spans go; empty when export is off
	protocol string
	exporter *reportingExporter // nil when export is off
	reporter *reporter

	lp           *sdklog.LoggerProvider // nil when log export is off
	logs         *logSink               // lp's, as the export cores see it
	logsEndpoint string                 // where log records go; empty when log export is off
	logExporter  *reportingLogExporter
}

// NewProvider builds the [Provider] cfg describes. It changes no process-wide
// state: call [Provider.Install] to make it the process's provider. ctx
// bounds nothing that blocks, since nothing does; it is handed to the
// exporters' constructors. The error is for a configuration it cannot honour:
// an unknown protocol, a sample ratio outside 0 to 1, or with export on an
// endpoint that is not an http:// or https:// URL with a host.
func NewProvider(ctx context.Context, cfg ExportConfig) (*Provider, error) {
	p := &Provider{service: cfg.ServiceName, protocol: cfg.Protocol}
	if p.service == "" {
		p.service = tracing.DefaultServiceName
	}
	if p.protocol == "" {
		p.protocol = ProtocolGRPC
	}
	if p.protocol != ProtocolGRPC && p.protocol != ProtocolHTTPProtobuf {
		return nil, fmt.Errorf("otlp: unknown OTLP protocol %s (want %s or %s); no provider made", outside.Quote(cfg.Protocol), ProtocolGRPC, ProtocolHTTPProtobuf)
	}
	logsProtocol := cfg.LogsProtocol
	if logsProtocol == "" {
		logsProtocol = p.protocol
	}
	if logsProtocol != ProtocolGRPC && logsProtocol != ProtocolHTTPProtobuf {
		return nil, fmt.Errorf("otlp: unknown OTLP protocol %s for logs (want %s or %s); no provider made", outside.Quote(cfg.LogsProtocol), ProtocolGRPC, ProtocolHTTPProtobuf)
	}
	sampler := sdktrace.ParentBased(sdktrace.AlwaysSample())
	if r := cfg.SampleRatio; r != nil {
		if math.IsNaN(*r) || *r < 0 || *r > 1 {
			return nil, fmt.Errorf("otlp: sample ratio %v is not between 0 and 1; no provider made", *r)
		}
		sampler = sdktrace.ParentBased(sdktrace.TraceIDRatioBased(*r))
	}
	out := cfg.ErrorOutput
	if out == nil {
		out = os.Stderr
	}
	p.reporter = &reporter{Out: out, Items: "spans"}

	// Every endpoint is checked before any exporter is made, so that a
	// configuration error leaves nothing behind.
	var spansTo, logsTo *url.URL
	var err error
	if cfg.Enabled {
		if spansTo, err = resolveEndpoint(cfg.TracesEndpoint, cfg.Endpoint, p.protocol, tracesPath); err != nil {
			return nil, err
		}
	}
	if cfg.LogsEnabled {
		if logsTo, err = resolveEndpoint(cfg.LogsEndpoint, cfg.Endpoint, logsProtocol, logsPath); err != nil {
			return nil, err
		}
	}

	res := resource.NewSchemaless(semconv.ServiceName(p.service))
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sampler),
		sdktrace.WithSpanProcessor(tracing.NewSpanProcessor()),
	}
	if spansTo != nil {
		exp, err := newExporter(ctx, spansTo, p.protocol)
		if err != nil {
			return nil, fmt.Errorf("otlp: OTLP exporter for %s (%s): %w; no provider made", spansTo, p.protocol, err)
		}
		p.endpoint = spansTo.String()
		p.reporter.Where = fmt.Sprintf("OTLP export to %s (%s)", outside.Text(p.endpoint), p.protocol)
		p.exporter = &reportingExporter{SpanExporter: exp, exportGuard: newExportGuard(p.reporter)}
		opts = append(opts, sdktrace.WithBatcher(p.exporter))
	}
	if logsTo != nil {
		exp, err := newLogExporter(ctx, logsTo, logsProtocol)
		if err != nil {
			if p.exporter != nil {
				_ = p.exporter.Shutdown(ctx)
			}
			return nil, fmt.Errorf("otlp: OTLP log exporter for %s (%s): %w; no provider made", logsTo, logsProtocol, err)
		}
		p.logsEndpoint = logsTo.String()
		r := &reporter{Out: out, Items: "log records", Where: fmt.Sprintf("OTLP log export to %s (%s)", outside.Text(p.logsEndpoint), logsProtocol)}
		p.logExporter = &reportingLogExporter{Exporter: exp, exportGuard: newExportGuard(r)}
		p.lp = sdklog.NewLoggerProvider(
			sdklog.WithResource(res),
			sdklog.WithProcessor(sdklog.NewBatchProcessor(p.logExporter)))
		p.logs = newLogSink(p.lp)
	}
	p.tp = sdktrace.NewTracerProvider(opts...)
	return p, nil
}

// Install makes p the process's provider, everywhere spans and log records
// are made: for [tracing.Start] ([tracing.SetTracerProvider]) and as
// OpenTelemetry's global tracer provider, so that otelhttp, otelgrpc and
// [otel.Tracer] use it too; the W3C trace-context and baggage propagators as
// OpenTelemetry's global propagator, so that those libraries carry traces
// across services as [tracing.Middleware] and [tracing.Transport] do (set
// your own after Install to change that); p's reporter as OpenTelemetry's
// global error handler ([otel.SetErrorHandler]). With log export on, it also
// installs p's logger provider for the cores of NewLogExportCore(nil) (see
// [SetLoggerProvider]) and as OpenTelemetry's global logger provider (package
// go.opentelemetry.io/otel/log/global).
//
// [NewProvider] installs nothing, so that a provider can be made, used
// through TracerProvider and LoggerProvider, and thrown away without touching
// process-wide state; [github.com/dynlog/dynlog/core/service.StartTracing] and
// [github.com/dynlog/dynlog/core/service.Init] install theirs. Install returns p.
func (p *Provider) Install() *Provider {
	tracing.SetTracerProvider(p.tp)
	otel.SetTracerProvider(p.tp)
	otel.SetTextMapPropagator(propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{}))
	otel.SetErrorHandler(p.reporter)
	if p.lp != nil {
		installedLogs.Store(p.logs)
		logglobal.SetLoggerProvider(p.lp)
	}
	return p
}

// resolveEndpoint applies OpenTelemetry's endpoint rules (see ExportConfig)
// for one signal: its own endpoint (used as is), else the base endpoint
// with the signal's path appended for OTLP/HTTP, else the protocol's
// default.
func resolveEndpoint(signal, baseURL, protocol, signalPath string) (*url.URL, error) {
	raw, base := signal, false
	if raw == "" {
		raw, base = baseURL, true
	}
	if raw == "" {
		raw = DefaultGRPCEndpoint
		if protocol == ProtocolHTTPProtobuf {
			raw = DefaultHTTPEndpoint
		}
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("otlp: OTLP endpoint %s is not an http:// or https:// URL with a host (such as %s); no provider made", outside.Quote(raw), DefaultGRPCEndpoint)
	}
	switch {
	case protocol == ProtocolGRPC:
		u = &url.URL{Scheme: u.Scheme, Host: u.Host}
	case base:
		u.Path = path.Join("/", u.Path, signalPath)
		u.RawPath = ""
	case u.Path == "":
		u.Path = "/"
	}
	return u, nil
}

// newExporter makes the OTLP exporter for endpoint, with every option
// ExportConfig decides given explicitly so that the process environment
// cannot override it.
func newExporter(ctx context.Context, endpoint *url.URL, protocol string) (sdktrace.SpanExporter, error) {
	if protocol == ProtocolHTTPProtobuf {
		return otlptracehttp.New(ctx,
			otlptracehttp.WithEndpointURL(endpoint.String()), // the scheme decides TLS
			otlptracehttp.WithEncoding(otlptracehttp.EncodingProtobuf),
			otlptracehttp.WithRetry(otlptracehttp.RetryConfig(exportRetry)))
	}
	opts := []otlptracegrpc.Option{
		otlptracegrpc.WithEndpointURL(endpoint.String()),
		otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig(exportRetry)),
	}
	if endpoint.Scheme == "http" {
		// Explicit credentials, because certificates named by
		// OTEL_EXPORTER_OTLP_CERTIFICATE would otherwise turn TLS on.
		opts = append(opts, otlptracegrpc.WithTLSCredentials(insecure.NewCredentials()))
	}
	return otlptracegrpc.New(ctx, opts...)
}

// newLogExporter is newExporter for log records.
func newLogExporter(ctx context.Context, endpoint *url.URL, protocol string) (sdklog.Exporter, error) {
	if protocol == ProtocolHTTPProtobuf {
		return otlploghttp.New(ctx,
			otlploghttp.WithEndpointURL(endpoint.String()), // the scheme decides TLS
			otlploghttp.WithRetry(otlploghttp.RetryConfig(exportRetry)))
	}
	opts := []otlploggrpc.Option{
		otlploggrpc.WithEndpointURL(endpoint.String()),
		otlploggrpc.WithRetry(otlploggrpc.RetryConfig(exportRetry)),
	}
	if endpoint.Scheme == "http" {
		// As for spans: certificates named by the environment must not
		// turn TLS on.
		opts = append(opts, otlploggrpc.WithTLSCredentials(insecure.NewCredentials()))
	}
	return otlploggrpc.New(ctx, opts...)
}

// exportRetry is how long one batch is retried (the exporters' default is a
// minute, bounded by their 10 s timeout): a collector that is down is
// reported within seconds, and a short restart loses nothing.
var exportRetry = otlptracegrpc.RetryConfig{
	Enabled:         true,
	InitialInterval: 250 * time.Millisecond,
	MaxInterval:     time.Second,
	MaxElapsedTime:  3 * time.Second,
}

// TracerProvider is the OpenTelemetry SDK provider, for what this package
// does not wrap (tracers of your own, span processors' flush).
func (p *Provider) TracerProvider() *sdktrace.TracerProvider { return p.tp }

// Endpoint is the URL spans are exported to, empty when export is off.
func (p *Provider) Endpoint() string { return p.endpoint }

// LoggerProvider is the OpenTelemetry SDK logger provider that exports log
// records, nil when log export is off.
func (p *Provider) LoggerProvider() *sdklog.LoggerProvider { return p.lp }

// LogsEndpoint is the URL log records are exported to, empty when log
// export is off.
func (p *Provider) LogsEndpoint() string { return p.logsEndpoint }

// ForceFlush exports the spans ended and the log records emitted so far,
// waiting at most until ctx is done. Its error joins (errors.Join) every
// error of the flush of spans and that of log records: an export's (also
// reported, see [Provider]) or ctx's.
func (p *Provider) ForceFlush(ctx context.Context) error {
	return p.both(ctx, p.tp.ForceFlush, p.lp.ForceFlush)
}

// Shutdown exports the spans and log records still queued and stops the
// provider; spans ended and lines logged afterwards are not exported. It
// returns when that is done or ctx is, whichever comes first: when ctx
// ends first, the exports in flight are cancelled and what they carried is
// lost, and Shutdown returns ctx's error. Its error joins (errors.Join)
// every error of stopping spans and stopping log records, none dropped for
// another. Call it before the process exits, with a deadline.
func (p *Provider) Shutdown(ctx context.Context) error {
	if p.logs != nil {
		// Export cores stop handing lines to a provider that is going away.
		installedLogs.CompareAndSwap(p.logs, nil)
	}
	err := p.both(ctx, p.tp.Shutdown, p.lp.Shutdown)
	// Done or given up on: either way no export may outlive Shutdown by
	// more than it takes to notice the cancellation, and its failure is
	// reported before Shutdown returns.
	var guards []*exportGuard
	if p.exporter != nil {
		guards = append(guards, p.exporter.exportGuard)
	}
	if p.logExporter != nil {
		guards = append(guards, p.logExporter.exportGuard)
	}
	for _, g := range guards {
		g.abort()
	}
	for _, g := range guards {
		g.wait(time.Second)
	}
	return err
}

// both runs spans(ctx) and, when log export is on, logs(ctx) beside it, so
// that one does not eat the other's deadline, and returns both errors
// joined (errors.Join), the spans' first. With log export off logs is never
// called (it is a method of the nil p.lp).
func (p *Provider) both(ctx context.Context, spans, logs func(context.Context) error) error {
	if p.lp == nil {
		return spans(ctx)
	}
	logErr := make(chan error, 1)
	go func() { logErr <- logs(ctx) }()
	err := spans(ctx)
	return errors.Join(err, <-logErr)
}

// InitTarget is the target of the line LogInit writes: Dynamo's, whose
// line comes from its module dynamo_runtime::logging, so that DYN_LOG
// directives written for Dynamo treat both alike.
const InitTarget = "dynamo_runtime::logging"

// LogInit writes the line Dynamo writes when its logging starts, at INFO
// under target [InitTarget]: "OpenTelemetry OTLP export enabled" with fields
// endpoint and service, or "OpenTelemetry OTLP export disabled, traces
// local only" with field service. With log export on as well, the first
// reads "OpenTelemetry OTLP export enabled (traces and logs)", as newer
// Dynamo writes it, and adds field logs_endpoint; with log export on and
// span export off, the line is "OpenTelemetry OTLP log export enabled,
// traces local only" with fields logs_endpoint and service.
func (p *Provider) LogInit(log *zap.Logger) {
	log = log.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return target.Fixed(c, InitTarget)
	}))
	service := zap.String("service", p.service)
	switch {
	case p.endpoint != "" && p.logsEndpoint != "":
		log.Info("OpenTelemetry OTLP export enabled (traces and logs)",
			zap.String("endpoint", p.endpoint), zap.String("logs_endpoint", p.logsEndpoint), service)
	case p.endpoint != "":
		log.Info("OpenTelemetry OTLP export enabled", zap.String("endpoint", p.endpoint), service)
	case p.logsEndpoint != "":
		log.Info("OpenTelemetry OTLP log export enabled, traces local only",
			zap.String("logs_endpoint", p.logsEndpoint), service)
	default:
		log.Info("OpenTelemetry OTLP export disabled, traces local only", service)
	}
}

// exportGuard tells a reporter how each export of an exporter went, and
// lets Shutdown cancel the export in flight when its deadline passes.
type exportGuard struct {
	r        *reporter
	stop     context.Context
	abort    context.CancelFunc
	inflight atomic.Int32 // exports running
}

func newExportGuard(r *reporter) *exportGuard {
	stop, abort := context.WithCancel(context.Background())
	return &exportGuard{r: r, stop: stop, abort: abort}
}

// wait waits at most d for the exports in flight to return. It polls: the
// batch processor may still start an export while Shutdown waits, which a
// WaitGroup does not allow.
func (g *exportGuard) wait(d time.Duration) {
	for deadline := time.Now().Add(d); g.inflight.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
}

// export runs send, the export of n items, and reports how it went.
func (g *exportGuard) export(ctx context.Context, n int, send func(context.Context) error) error {
	g.inflight.Add(1)
	defer g.inflight.Add(-1)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := context.AfterFunc(g.stop, cancel) // Shutdown gave up waiting
	defer stop()
	err := send(ctx)
	g.r.Exported(n, err)
	if err != nil {
		// The batch processor hands the error to otel.Handle, which is the
		// provider's reporter: the mark tells it the failure is accounted
		// for.
		return &otelreport.Reported{Err: err}
	}
	return nil
}

// reportingExporter is the span exporter under an exportGuard.
type reportingExporter struct {
	sdktrace.SpanExporter
	*exportGuard
}

func (e *reportingExporter) ExportSpans(ctx context.Context, spans []sdktrace.ReadOnlySpan) error {
	return e.export(ctx, len(spans), func(ctx context.Context) error {
		return e.SpanExporter.ExportSpans(ctx, spans)
	})
}

// reportingLogExporter is the log exporter under an exportGuard.
type reportingLogExporter struct {
	sdklog.Exporter
	*exportGuard
}

func (e *reportingLogExporter) Export(ctx context.Context, records []sdklog.Record) error {
	if len(records) == 0 {
		// A flush with nothing queued sends nothing, so it says nothing
		// about the collector.
		return e.Exporter.Export(ctx, records)
	}
	return e.export(ctx, len(records), func(ctx context.Context) error {
		return e.Exporter.Export(ctx, records)
	})
}

// reporter is a provider's reporter of export failures and OpenTelemetry
// errors.
type reporter = otelreport.Reporter

// SetErrorLogger makes the reports of every [Provider] and of the handlers of
// [NewErrorHandler] lines of l instead of writes to their error output:
// export failures and OpenTelemetry errors at ERROR, a recovery from failed
// exports and the notice that further errors go unreported at WARN, worded as
// on the error output without the "dynlog: " prefix. nil goes back to the
// error output. It returns the logger it replaces. It is process-wide, as
// OpenTelemetry's error handler is;
// [github.com/dynlog/dynlog/core/bridge.RedirectOTel] sets it to a logger of
// target otel.
func SetErrorLogger(l *zap.Logger) (previous *zap.Logger) { return otelreport.SetLogger(l) }

// NewErrorHandler returns an OpenTelemetry error handler that reports as a
// [Provider]'s does: each distinct error once, at most 10 of them, on out
// (os.Stderr if nil), or through [SetErrorLogger]'s logger. For a program
// without a Provider; [github.com/dynlog/dynlog/core/bridge.RedirectOTel]
// installs one.
func NewErrorHandler(out io.Writer) otel.ErrorHandler { return otelreport.NewErrorHandler(out) }
