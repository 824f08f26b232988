// Package bridge sends foreign logs through a dynlog logger, as bridged
// records: in JSONL target "log" with log.target, log.file and log.line
// instead of file and line; in the readable layout log.target as the
// target; in vLLM's, log.file:log.line as the location. log.target is also
// what DYN_LOG's directives match: the calling package's import path for
// the log package and slog, as for an unnamed logger; "grpc" and "otel"
// for gRPC and OpenTelemetry, which the built-in defaults hold at ERROR
// (DYN_LOG=grpc=info shows more).
//
// Each installer returns a function that undoes it: RedirectStdLog takes
// the log package, RedirectSlog makes NewSlogHandler slog's default,
// RedirectGRPC takes gRPC's grpclog, RedirectOTel the OpenTelemetry SDK's
// internal logger and its errors. core.Init calls RedirectStdLog and
// RedirectOTel, and RedirectGRPC when the program imports core/service
// (RedirectGRPC is here, not in core, so that core links no gRPC). Init
// does not call RedirectSlog: it makes slog's default core's first-class
// handler (core.SetSlogDefault), since a program's own slog.Info lines are
// not foreign; RedirectSlog is for a program that wants what libraries log
// to slog's default marked foreign.
package bridge

import (
	"log/slog"

	ibridge "github.com/dynlog/dynlog/core/internal/bridge"
	"go.uber.org/zap"
)

// The targets of the libraries whose logs dynlog bridges under a fixed
// name. Both are among the built-in targets, so they print errors only
// unless a directive says otherwise (DYN_LOG=grpc=info).
const (
	GRPCTarget = ibridge.GRPCTarget // RedirectGRPC
	OTelTarget = ibridge.OTelTarget // RedirectOTel
)

// RedirectStdLog sends the standard library's log package (log.Printf and
// the others of its default logger) through l's cores, as bridged
// records: target log in JSONL with log.target, log.file and log.line,
// log.target as the target in the readable layout. log.target, which is
// also what DYN_LOG's directives match, is the import path of the package
// that called log (as an unnamed zap logger's target is), and log.file and
// log.line are that call's, honouring log.Output's call depth. log.Print*
// lines are INFO; log.Panic* and log.Fatal* lines are ERROR, and a Fatal
// line is synced before log ends the process. The time is l's clock. l's
// own name does not matter.
//
// It sets the log package's output, flags and prefix (the flags and prefix
// are how the bridge learns the call site); restore puts back what was
// there. Call the restore functions of the Redirect* functions in the
// reverse order of the calls.
func RedirectStdLog(l *zap.Logger) (restore func()) {
	return ibridge.RedirectStdLog(l)
}

// RedirectSlog makes a logger over NewSlogHandler(l) slog's default
// (slog.SetDefault), so slog.Info and the others print through l as
// bridged records. It is for a program whose own lines go through zap and
// that wants what libraries log to slog's default marked as foreign, as the
// log package's lines are; [github.com/dynlog/dynlog/core.Init] uses [github.com/dynlog/dynlog/core.SetSlogDefault] instead. As
// slog.SetDefault does, it also sends the log package's output to that
// handler, at INFO with the caller of log.Printf as the call site, unless
// [RedirectStdLog] is in force, whose bridge it leaves in place (that one
// honours log.Output's call depth and knows Fatal from Print). restore puts
// back slog's default and the log package's output and flags. Call the
// restore functions of the Redirect* functions in the reverse order of the
// calls.
func RedirectSlog(l *zap.Logger) (restore func()) {
	return ibridge.RedirectSlog(l)
}

// NewSlogHandler returns a slog.Handler for foreign slog records, those of
// libraries' default loggers (see [RedirectSlog]); the service's own slog
// lines go through [github.com/dynlog/dynlog/core.NewSlogHandler]. It writes through l's cores, as bridged
// records: target log in JSONL with log.target, log.file
// and log.line, log.target as the target in the readable layout. log.target,
// which is also what DYN_LOG's directives match, is the import path of the
// package that called slog (from the record's PC, as an unnamed zap
// logger's target is from its caller); log.file and log.line are that
// call's. A record without a PC has neither, and an empty target.
//
// Levels: slog's Error and above are ERROR, Warn WARN, Info INFO, Debug
// DEBUG, below Debug TRACE ([github.com/dynlog/dynlog/core.TraceLevel]);
// levels in between go down to the next of these. Which print is the filter's decision, so the handler
// takes no level of its own; Enabled asks l's cores.
//
// Attributes are typed fields (string, integers, floats, bools, durations,
// times; anything else as [zap.Any], so errors print their text), resolved
// (slog.LogValuer) once. A group attribute is a nested object ([zap.Object]);
// WithGroup opens a namespace ([zap.Namespace]) for the attributes after it,
// as zap's own slog handler does: in JSONL both are nested objects, in the
// readable layout WithGroup's names prefix the keys (G.k=…) and a group
// attribute prints as JSON. Empty attributes and groups without attributes
// are left out, and a group with an empty key is inlined, as slog asks of
// handlers. The time is the record's (l's clock when it has none). A
// context passed to slog's *Context methods puts its span on the line, as
// [github.com/dynlog/dynlog/tracing.Ctx] does.
func NewSlogHandler(l *zap.Logger) slog.Handler {
	return ibridge.NewSlogHandler(l)
}

// RedirectOTel sends what the OpenTelemetry SDK reports about itself
// through l's cores, as bridged records of target otel
// ([OTelTarget]; log.target is otel too), which the built-in defaults hold at
// error: DYN_LOG=otel=warn (or info, debug, trace) shows more.
//
// The SDK's internal logger ([go.opentelemetry.io/otel.SetLogger]) becomes a [github.com/go-logr/logr.Logger] over
// l, with OpenTelemetry's levels: its Error ERROR (with the error as field
// error), Warn (V(1)) WARN, Info (V(4)) INFO, Debug (V(8)) DEBUG, beyond V(8)
// TRACE; key-value pairs are fields. log.file and log.line are the SDK code
// that logged.
//
// Its errors ([go.opentelemetry.io/otel.Handle]) print as lines of target otel at ERROR, each
// distinct error once, as an [github.com/dynlog/dynlog/tracing/otlp.Provider] reports them:
//
//   - When an otlp.Provider is OpenTelemetry's error handler
//     ([github.com/dynlog/dynlog/tracing/otlp.Provider.Install] makes it so, service.StartTracing and service.Init call
//     that), it stays so, and its reports, export failures included, go
//     through l instead of its error output ([github.com/dynlog/dynlog/tracing/otlp.SetErrorLogger]): still
//     once per failure until an export succeeds, then a WARN line for the
//     recovery.
//   - When OpenTelemetry's own default handler is in force, RedirectOTel
//     installs one that reports the same way ([github.com/dynlog/dynlog/tracing/otlp.NewErrorHandler]); a
//     Provider installed later replaces it and reports through l just as
//     well.
//   - A handler installed by someone else stays, and sees the errors.
//
// restore puts back OpenTelemetry's handler if RedirectOTel's is still the
// one in force, and the error output of the providers' reports.
// OpenTelemetry cannot tell which internal logger is in force, so restore
// installs the one RedirectOTel replaced if RedirectOTel had installed it,
// else one like OpenTelemetry's default (stderr, errors only). Call the
// restore functions of the Redirect* functions in the reverse order of the
// calls.
func RedirectOTel(l *zap.Logger) (restore func()) {
	return ibridge.RedirectOTel(l)
}
