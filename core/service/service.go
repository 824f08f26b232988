// Package service is a service's logging and tracing setup with OTLP
// export and the gRPC bridge: what package core leaves out so that a
// program calling only core.New links neither gRPC nor an OTLP exporter.
//
//	func main() {
//		log := service.Init() // core.Init, with OTLP export and gRPC's logs
//		defer service.Shutdown(context.Background())
//		…
//	}
//
// Importing the package is what turns these on: its init registers them
// with package core, so that core.Init, core.New and core.NewVLLM use them
// too (a blank import, _ "github.com/dynlog/dynlog/core/service", is
// enough for a program that calls core.Init). Without it, core.Init bridges
// the log package and OpenTelemetry's API, exports nothing, and says so
// when the OTEL_* variables ask for export; a logger built with
// OTEL_LOGS_EXPORTER=otlp says the same and logs on.
//
// With it:
//
//   - core.Init makes the logger gRPC's ([bridge.RedirectGRPC]) and starts
//     tracing as [StartTracing] does;
//   - a logger core.New or core.NewVLLM builds with OTEL_LOGS_EXPORTER=otlp
//     exports its lines over OTLP from the start, through a logger provider
//     of its own that core.Close flushes and stops; StartTracing, given that
//     logger, hands it the process provider's log export instead, so that
//     the provider's Shutdown sends its lines.
package service

import (
	"context"
	"io"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/bridge"
	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/core/internal/link"
	"github.com/dynlog/dynlog/tracing/otlp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func init() {
	link.Register(&link.Service{
		RedirectGRPC: func(l *zap.Logger, g config.GRPC) func() {
			return bridge.RedirectGRPC(l, bridge.WithGRPCDefaults(g))
		},
		LogExport:  logExport,
		NewTracing: newTracing,
	})
}

// Init is [core.Init] with this package linked: the logger from the
// process environment, zap's globals, slog's default, the log, gRPC and
// OpenTelemetry bridges, tracing with OTLP export as the OTEL_* variables
// say, and reloads on SIGHUP. Call [Shutdown] before exiting.
func Init() *zap.Logger { return link.Init(link.CallSite(1)) }

// Shutdown is [core.Shutdown]: it flushes and stops what Init started.
func Shutdown(ctx context.Context) error { return core.Shutdown(ctx) }

// StartTracing sets up the process's tracing from the OTEL_* variables of
// docs/configuration.md (read through core.WithEnv when given): an
// OpenTelemetry SDK provider that tracing.Start, tracing.Middleware and
// OpenTelemetry-API spans use, exporting over OTLP when OTEL_EXPORT_ENABLED
// is true, and when OTEL_LOGS_EXPORTER is otlp a logger provider that
// exports the lines of the loggers core.New and core.NewVLLM built with
// OTEL_LOGS_EXPORTER=otlp (log's, from now on, through this provider).
// When log is a logger core.New built in the JSONL layout, it writes
// Dynamo's line "OpenTelemetry OTLP export enabled" (with endpoint and
// service; "... enabled (traces and logs)" when logs are exported too) or
// "OpenTelemetry OTLP export disabled, traces local only" to log, as Dynamo
// does (it prints neither in the readable layout, nor to a logger core did
// not build; the other forms are [otlp.Provider.LogInit]'s). The layout is
// the one held by log: StartTracing reads no configuration file. A bad
// variable is reported on the error output and left out. Call the
// provider's Shutdown ([otlp.Provider.Shutdown]) before exiting, to send
// the spans and lines still queued.
//
// Without StartTracing (or Init), spans still get real IDs from a local
// provider that exports nothing.
func StartTracing(ctx context.Context, log *zap.Logger, opts ...core.Option) (*otlp.Provider, error) {
	t, err := link.StartTracing(ctx, log, opts, link.CallSite(1))
	if err != nil {
		return nil, err
	}
	return t.(*provider).Provider, nil
}

// otlpConfig is e in package otlp's terms.
func otlpConfig(e config.Export, errOut io.Writer) otlp.ExportConfig {
	return otlp.ExportConfig{
		Enabled: e.Enabled, Endpoint: e.Endpoint, TracesEndpoint: e.TracesEndpoint, Protocol: e.Protocol,
		ServiceName: e.ServiceName, LogsEnabled: e.LogsEnabled, LogsEndpoint: e.LogsEndpoint,
		LogsProtocol: e.LogsProtocol, SampleRatio: e.SampleRatio, ErrorOutput: errOut,
	}
}

// provider is an otlp.Provider as package core starts it.
type provider struct{ *otlp.Provider }

func newTracing(ctx context.Context, e config.Export, errOut io.Writer) (link.Tracing, error) {
	p, err := otlp.NewProvider(ctx, otlpConfig(e, errOut))
	if err != nil {
		return nil, err
	}
	return &provider{p}, nil
}

func (p *provider) Install() { p.Provider.Install() }

// adoptTimeout bounds how long handing a logger's export over waits for
// its own provider to send what it holds.
const adoptTimeout = 5 * time.Second

// Adopt makes logs's cores emit through p's logger provider, then stops
// logs's own provider, which sends what it still holds.
func (p *provider) Adopt(logs link.LogExport) bool {
	own, ok := logs.(*ownLogs)
	if !ok || p.LoggerProvider() == nil {
		return false
	}
	own.export.SetProvider(p.LoggerProvider())
	ctx, cancel := context.WithTimeout(context.Background(), adoptTimeout)
	defer cancel()
	_ = own.p.Shutdown(ctx) // a failed export is reported by the provider itself
	return true
}

// ownLogs is a logger's own OTLP log export: a provider with log export
// alone, and the switchable export its cores emit through.
type ownLogs struct {
	p      *otlp.Provider
	export *otlp.LogExport
}

func (o *ownLogs) Shutdown(ctx context.Context) error { return o.p.Shutdown(ctx) }

// logExport starts a logger's own log export as e says, spans left alone
// (they are the process provider's).
func logExport(e config.Export, errOut io.Writer) (zapcore.Core, link.LogExport, error) {
	cfg := otlpConfig(e, errOut)
	cfg.Enabled = false
	p, err := otlp.NewProvider(context.Background(), cfg)
	if err != nil {
		return nil, nil, err
	}
	export := otlp.NewLogExport(p.LoggerProvider())
	return export.Core(), &ownLogs{p: p, export: export}, nil
}
