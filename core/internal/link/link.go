// Package link is how package core reaches what it does not link itself:
// the OTLP export and the gRPC bridge, which package core/service
// registers when a program imports it. When nothing is registered and the
// configuration asks for export, core says so instead of exporting.
package link

import (
	"context"
	"io"
	"runtime"
	"sync/atomic"

	"github.com/dynlog/dynlog/core/config"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Service is what package core/service registers.
type Service struct {
	// RedirectGRPC makes l gRPC's logger (core/bridge.RedirectGRPC).
	RedirectGRPC func(l *zap.Logger, g config.GRPC) (restore func())
	// LogExport starts a logger's own OTLP log export as e says: the sink
	// core to put beside the encoder's, and the export, which the logger
	// holds and Close stops.
	LogExport func(e config.Export, errOut io.Writer) (zapcore.Core, LogExport, error)
	// NewTracing makes the process's tracing provider as e says, without
	// installing it.
	NewTracing func(ctx context.Context, e config.Export, errOut io.Writer) (Tracing, error)
}

// LogExport is a logger's own OTLP log export.
type LogExport interface {
	// Shutdown sends what is queued and stops, within ctx.
	Shutdown(ctx context.Context) error
}

// Tracing is the process's tracing provider (package tracing/otlp's
// Provider).
type Tracing interface {
	// Install makes it the process's provider.
	Install()
	// Adopt makes logs, a logger's own log export, emit through the
	// provider's log export from now on, and stops logs' own provider;
	// false when the provider exports no logs (logs is left as it is).
	Adopt(logs LogExport) bool
	// LogInit writes Dynamo's line saying how export is set up.
	LogInit(log *zap.Logger)
	// Shutdown sends what is queued and stops, within ctx.
	Shutdown(ctx context.Context) error
}

// linked is what the program linked: set by core/service's init, before
// main runs, and never changed after. It is process-wide because linking
// is.
var linked atomic.Pointer[Service]

// Register records s as what the program linked.
func Register(s *Service) { linked.Store(s) }

// Linked is what Register recorded; nil when the program does not import
// core/service.
func Linked() *Service { return linked.Load() }

// StartTracing is package core's start of tracing (what core/service's
// StartTracing does), set by core's init: it resolves the export variables
// from opts and reports their problems in log's layout, pointing at site.
var StartTracing func(ctx context.Context, log *zap.Logger, opts []config.Option, site zapcore.EntryCaller) (Tracing, error)

// Init is package core's Init, its reports pointing at site (set by core's
// init), for core/service's Init.
var Init func(site zapcore.EntryCaller) *zap.Logger

// CallSite is the caller skip frames above CallSite's caller: the user's
// call of New, NewVLLM, Init or StartTracing, where the reports point.
func CallSite(skip int) zapcore.EntryCaller {
	pc, file, line, ok := runtime.Caller(skip + 1)
	if !ok {
		return zapcore.EntryCaller{}
	}
	c := zapcore.NewEntryCaller(pc, file, line, true)
	if fn := runtime.FuncForPC(pc); fn != nil {
		c.Function = fn.Name()
	}
	return c
}
