package core

import (
	"context"
	"errors"
	"fmt"
	ibridge "github.com/dynlog/dynlog/core/internal/bridge"
	"github.com/dynlog/dynlog/core/internal/link"
	"os"
	"sync"

	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/tracing/otlp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// StartTracing sets up the process's tracing from the OTEL_* variables of
// docs/configuration.md (read through [WithEnv] when given): an OpenTelemetry
// SDK provider that Start, Middleware and OpenTelemetry-API spans use,
// exporting over OTLP when OTEL_EXPORT_ENABLED is true, and when
// OTEL_LOGS_EXPORTER is otlp a logger provider that exports the lines of
// loggers [New] and [NewVLLM] built (through their export core) over OTLP.
// When log is a logger New built in the JSONL layout, it writes Dynamo's line
// "OpenTelemetry OTLP export enabled" (with endpoint and service; "...
// enabled (traces and logs)" when logs are exported too) or "OpenTelemetry
// OTLP export disabled, traces local only" to log, as Dynamo does (it prints
// neither in the readable layout, nor to a logger New did not build; the
// other forms are [otlp.Provider.LogInit]'s). The layout is the one New
// resolved for log: StartTracing reads no configuration file. A bad variable
// is reported on the error output and left out. Call the provider's Shutdown
// ([otlp.Provider.Shutdown]) before exiting, to send the spans and lines
// still queued.
//
// Without StartTracing (or [Init]), spans still get real IDs from a local
// provider that exports nothing.
func StartTracing(ctx context.Context, log *zap.Logger, opts ...Option) (*otlp.Provider, error) {
	c := newConfig(opts)
	return c.startTracing(ctx, log, resolveExport(c), callSite(1))
}

// startTracing is StartTracing with the export settings resolved, its
// reports pointing at site.
func (c config) startTracing(ctx context.Context, log *zap.Logger, export exportSettings, site zapcore.EntryCaller) (*otlp.Provider, error) {
	var b builtWith // what log was built from; zero if not New or NewVLLM
	if log != nil {
		if b = builtFrom(filter.AtomicOf(log.Core())); b.layout != nil {
			c.diag.useLayout(b.layout, site)
		}
	}
	for _, err := range export.problems {
		c.warn(err.Error())
	}
	c.diag.flush()
	cfg := export.cfg
	cfg.ErrorOutput = c.errorOutput
	p, err := otlp.NewProvider(ctx, cfg)
	if err != nil {
		return nil, err
	}
	p.Install()
	if b.jsonl {
		p.LogInit(log)
	}
	return p, nil
}

var (
	initOnce     sync.Once
	initLogger   *zap.Logger
	initProvider *otlp.Provider
	stopSIGHUP   context.CancelFunc // ends Init's ReloadOnSIGHUP
	exit         = os.Exit          // tests replace it
)

// Init is what a Dynamo-style service calls first: [New] from the process
// environment, once per process (later calls return the same logger). It
// replaces zap's global logger ([zap.L], [zap.S]) with it, makes it slog's
// default ([SetSlogDefault]: slog.Info prints the program's own lines),
// bridges log, gRPC and OpenTelemetry to it ([RedirectStdLog],
// [RedirectGRPC], [RedirectOTel]), starts tracing ([StartTracing]) and
// reloads the filter on SIGHUP ([ReloadOnSIGHUP]). If New fails, Init prints
// "Failed to initialize logging: <err>" on stderr and exits with status 1, as
// Dynamo does, the error on that one line whatever it quotes (escaped as
// dynlog's other reports are). Call [Shutdown] before exiting.
func Init() *zap.Logger {
	// Init's caller, where its reports and audit lines point: taken here,
	// since inside Do the caller is sync.Once.
	site := callSite(1)
	initOnce.Do(func() {
		// One settings value, resolved once, for the logger and tracing.
		c := newConfig(nil)
		c.site = site
		s, err := resolveDynamo(c)
		if err != nil {
			c.diag.flush()
			fmt.Fprintf(os.Stderr, "Failed to initialize logging: %s\n", oneLine(err.Error()))
			exit(1)
			return
		}
		log := c.newDynamo(s)
		c.diag.flush()
		zap.ReplaceGlobals(log)
		// The bridges, before tracing starts: StartTracing makes a gRPC
		// client, and grpclog.SetLoggerV2 must precede any gRPC call.
		ibridge.RedirectStdLog(log)
		SetSlogDefault(log)
		if svc := link.Linked(); svc != nil {
			svc.RedirectGRPC(log)
		}
		ibridge.RedirectOTel(log)
		// Tracing's reports are its own, as StartTracing's are.
		p, err := newConfig(nil).startTracing(context.Background(), log, s.export, site)
		if err != nil {
			fmt.Fprintf(os.Stderr, "dynlog: tracing not started, spans stay local: %s\n", oneLine(err.Error()))
		}
		var hup context.Context
		hup, stopSIGHUP = context.WithCancel(context.Background())
		ReloadOnSIGHUP(hup, log)
		initLogger, initProvider = log, p
	})
	return initLogger
}

// Shutdown flushes what [Init] started: the spans and log records the OTLP
// exporters still hold, within ctx, and the logger's buffered output; it
// stops reloading on SIGHUP, and closes the log file Init's logger opened, as
// [Close] does (lines logged later go to stderr). Loggers that [New] made are
// the caller's to Close: Shutdown leaves their files open, the one Init
// shares with them too. The errors are joined.
func Shutdown(ctx context.Context) error {
	var errs []error
	if stopSIGHUP != nil {
		stopSIGHUP()
	}
	if initProvider != nil {
		errs = append(errs, initProvider.Shutdown(ctx))
	}
	if initLogger != nil {
		// Sync on a terminal or pipe can fail with EINVAL; that loses nothing.
		_ = initLogger.Sync()
		errs = append(errs, Close(initLogger))
	}
	return errors.Join(errs...)
}
