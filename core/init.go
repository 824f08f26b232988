package core

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/dynlog/dynlog/core/config"
	ibridge "github.com/dynlog/dynlog/core/internal/bridge"
	"github.com/dynlog/dynlog/core/internal/link"
	"github.com/dynlog/dynlog/internal/target"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func init() {
	link.StartTracing = startTracing
	link.Init = initAt
}

// startTracing is core/service's StartTracing: the export variables
// resolved from opts, their problems reported in log's layout (when this
// package built log) pointing at site, then the provider made, installed,
// given log's own log export, and Dynamo's line written to log in JSONL.
func startTracing(ctx context.Context, log *zap.Logger, opts []config.Option, site zapcore.EntryCaller) (link.Tracing, error) {
	return tracingFor(ctx, log, config.LoadExport(opts...), site)
}

// tracingFor starts tracing as cfg.Export says, for log (see startTracing).
func tracingFor(ctx context.Context, log *zap.Logger, cfg *config.Config, site zapcore.EntryCaller) (link.Tracing, error) {
	var st *state // log's; nil if this package did not build log
	if log != nil {
		st = stateOf(log.Core())
	}
	errOut := cfg.ErrorOutput
	if errOut == nil {
		errOut = zapcore.Lock(os.Stderr)
	}
	d := newDiagnostics(errOut, cfg.Clock)
	if enc := st.reportLayout(); enc != nil {
		d.useLayout(enc, site)
	}
	for _, err := range cfg.Export.Problems {
		d.report(err.Error())
	}
	d.flush()
	svc := link.Linked()
	if svc == nil {
		return nil, errors.New("core: OTLP export is not linked into this program; import github.com/dynlog/dynlog/core/service")
	}
	p, err := svc.NewTracing(ctx, cfg.Export, errOut)
	if err != nil {
		return nil, err
	}
	p.Install()
	if st != nil && st.logs != nil && p.Adopt(st.logs) {
		st.logs = nil // the provider's now: its Shutdown sends the lines
	}
	if st != nil && st.jsonl {
		p.LogInit(log)
	}
	return p, nil
}

// Init's state. Init is once per process, and what it sets up is the
// process's: zap's global logger, slog's default, the bridges, tracing's
// provider, the SIGHUP handler. So is this.
var (
	initOnce    sync.Once
	initLogger  *zap.Logger
	initTracing link.Tracing       // nil when tracing export is not linked
	stopSIGHUP  context.CancelFunc // ends Init's ReloadOnSIGHUP
	exit        = os.Exit          // tests replace it
)

// Init is what a Dynamo-style service calls first: [New] from the process
// environment, once per process (later calls return the same logger). It
// replaces zap's global logger ([zap.L], [zap.S]) with it, makes it slog's
// default ([SetSlogDefault]: slog.Info prints the program's own lines),
// bridges log and OpenTelemetry's API to it (package core/bridge's
// RedirectStdLog, RedirectOTel) and reloads the filter on SIGHUP
// ([ReloadOnSIGHUP]). If New fails, Init prints
// "Failed to initialize logging: <err>" on stderr and exits with status 1, as
// Dynamo does, the error on that one line whatever it quotes (escaped as
// dynlog's other reports are). Call [Shutdown] before exiting.
//
// OTLP export and the gRPC bridge are package core/service's, which links
// them: when the program imports it (service.Init, or a blank import),
// Init also bridges gRPC to the logger and starts tracing as
// service.StartTracing does. Without it, Init exports nothing; when the
// OTEL_* variables ask for export, it says so on the error output, one WARN
// line naming what to import, and logging goes on.
func Init() *zap.Logger {
	// Init's caller, where its reports and audit lines point: taken here,
	// since inside Do the caller is sync.Once.
	return initAt(callSite(1))
}

// initAt is Init, its reports pointing at site.
func initAt(site zapcore.EntryCaller) *zap.Logger {
	initOnce.Do(func() {
		// One Config, resolved once, for the logger and tracing.
		cfg, err := config.Load()
		b := newBuilder(cfg, site)
		if err != nil {
			b.diag.flush()
			fmt.Fprintf(os.Stderr, "Failed to initialize logging: %s\n", oneLine(err.Error()))
			exit(1)
			return
		}
		log := b.newDynamo()
		svc := link.Linked()
		if svc == nil && cfg.Export.Asked() {
			for _, err := range cfg.Export.Problems {
				b.warn(err.Error())
			}
			if cfg.Export.Enabled {
				// OTEL_LOGS_EXPORTER's line the logger's build wrote.
				b.warn(notLinked("OTEL_EXPORT_ENABLED asks for OTLP export of spans", "spans stay local"))
			}
		}
		b.diag.flush()
		zap.ReplaceGlobals(log)
		// The bridges, before tracing starts: tracing makes a gRPC
		// client, and grpclog.SetLoggerV2 must precede any gRPC call.
		ibridge.RedirectStdLog(log)
		SetSlogDefault(log)
		if svc != nil {
			svc.RedirectGRPC(log, cfg.GRPC)
		}
		ibridge.RedirectOTel(log)
		if svc != nil {
			// The export variables' problems are reported here, as
			// StartTracing reports them.
			t, err := tracingFor(context.Background(), log, cfg, site)
			if err != nil {
				fmt.Fprintf(os.Stderr, "dynlog: tracing not started, spans stay local: %s\n", oneLine(err.Error()))
			}
			initTracing = t
		} else if stateOf(log.Core()).jsonl {
			logExportDisabled(log, cfg.Export.ServiceName)
		}
		var hup context.Context
		hup, stopSIGHUP = context.WithCancel(context.Background())
		ReloadOnSIGHUP(hup, log)
		initLogger = log
	})
	return initLogger
}

// logExportDisabled writes Dynamo's line for tracing without export to
// log, as the OTLP provider's LogInit does, for a program that does not
// link one.
func logExportDisabled(log *zap.Logger, service string) {
	if service == "" {
		service = tracing.DefaultServiceName
	}
	log.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return target.Fixed(c, initTarget)
	})).Info("OpenTelemetry OTLP export disabled, traces local only", zap.String("service", service))
}

// initTarget is the target of Dynamo's line about export: its module
// dynamo_runtime::logging's (package tracing/otlp's InitTarget).
const initTarget = "dynamo_runtime::logging"

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
	if initTracing != nil {
		errs = append(errs, initTracing.Shutdown(ctx))
	}
	if initLogger != nil {
		// Sync on a terminal or pipe can fail with EINVAL; that loses nothing.
		_ = initLogger.Sync()
		errs = append(errs, Close(initLogger))
	}
	return errors.Join(errs...)
}
