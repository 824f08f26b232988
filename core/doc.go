// Package core is dynlog's front door: from the environment and the TOML
// files Dynamo reads (package core/config resolves them), it returns a
// *zap.Logger that prints what NVIDIA Dynamo or vLLM would print.
//
// A service calls [Init] first and [Shutdown] last:
//
//	func main() {
//		log := core.Init() // Dynamo's layouts from DYN_*; also zap.L()
//		defer core.Shutdown(context.Background())
//		router := core.Named(log, "dynamo_llm::kv_router")
//		router.Info("selected worker", zap.String("worker", "decode-0"))
//		slog.Info("ready") // the same logger, this package's line
//	}
//
// Init is [New] once per process: it replaces zap's globals, makes the
// logger slog's default (slog.Info prints the program's own lines, see
// below), bridges the log package and OpenTelemetry's API into it and
// reloads the filter on SIGHUP. On a configuration error it prints "Failed
// to initialize logging: <err>" and exits 1, as Dynamo does. Shutdown
// flushes the logger, stops the SIGHUP reloads and closes Init's log file.
//
// # What lives where
//
// Package core builds loggers. What they are built from, and what a
// program may not need, live beside it, so that a program pays for what it
// uses:
//
//   - core/config resolves the options, variables and TOML files into a
//     public [config.Config], each setting with its source; New is
//     [config.Load] followed by [Build]. It alone reads the environment.
//     [Option] is config's Option, and the With options here are config's.
//   - core/bridge sends foreign logs (log, slog's default, gRPC,
//     OpenTelemetry's) through a logger.
//   - core/service is a service's setup with OTLP export and the gRPC
//     bridge: service.Init, service.StartTracing. Importing it registers
//     them with this package, so that Init also bridges gRPC and starts
//     tracing, and a logger built with OTEL_LOGS_EXPORTER=otlp exports its
//     own lines. A program that imports core alone links neither gRPC nor
//     an OTLP exporter (README gives the sizes); when its variables ask for
//     export, Init and New say on the error output what to import, and log
//     on.
//
// Libraries and tests build loggers with New (Dynamo) or [NewVLLM] (vLLM) and
// options:
//
//	log, err := core.New(core.WithOutput(zapcore.AddSync(&buf)), core.WithEnv(lookup))
//	vlog, err := core.NewVLLM() // VLLM_LOGGING_LEVEL, VLLM_LOGGING_PREFIX, …
//	defer core.Close(log)       // closes its log file, if it has one
//
// The logger is a plain zap logger: Named gives the target that DYN_LOG
// filters on ([Named] here binds the filter's level in, so a filtered-out
// call costs what zap's disabled call costs), With adds context,
// log.Log([core.TraceLevel], …) writes at Dynamo's TRACE, and every line
// carries the caller's file and line.
//
// The caller is zap's own (zap.AddCaller), found once per printed line.
// dynlog does not replace it with a cache of its own: zap finds the caller
// after the cores' Check, from the logger's WithCaller and AddCallerSkip
// settings (and Sugar's extra skip), which no core can see, so a core's
// lookup would get them wrong.
//
// # log/slog
//
// [NewSlog] and [NewVLLMSlog] are [New] and [NewVLLM] for log/slog;
// [NewSlogHandler] puts the same handler on a logger you have. Their lines are
// the service's own, as the zap logger's are: file and line of the slog call,
// the target from the logger's name or from [Target] (the attribute
// [TargetKey]), per-target levels in Enabled, [OnceAttr] for once-only lines,
// and the span of the ctx given to InfoContext and the other *Context
// methods:
//
//	slg, err := core.NewSlog()
//	router := slg.With(core.Target("dynamo_llm::kv_router"))
//	router.DebugContext(ctx, "selected worker", "worker", "decode-0")
//
// After [Init], slog's default is such a handler on Init's logger
// ([SetSlogDefault] does the same for a logger of your own): slog.Info
// prints a line of the calling package, with its file and line, and
// slog.Info(msg, core.Target("app::router")) one of app::router. The log
// package stays bridged: log.Printf prints a bridged record (target "log",
// log.target, log.file, log.line), where slog.SetDefault alone would send
// it to the slog handler.
//
// Package core/bridge's NewSlogHandler and RedirectSlog print slog's
// records as bridged records instead, as the log package's: for a program
// whose own lines go through zap and that wants what libraries log to
// slog's default marked as foreign. Init does not call RedirectSlog; call
// it after Init to choose that.
//
// # Configuration
//
// Every variable and TOML key, their defaults and which wins, is in
// docs/configuration.md; the exact bytes of the layouts are in
// docs/layouts.md. In short: [New] reads DYN_LOGGING_JSONL or
// DYN_LOGGING_CONSOLE_FORMAT (layout), DYN_LOG (levels per target, over the
// TOML [log_filters] and the built-in [config.BuiltinTargets]),
// DYN_LOG_USE_LOCAL_TZ, the colour variables, DYN_LOGGING_SPAN_EVENTS,
// DYN_LOGGING_FILE and the TOML files [config.SystemConfigPath] and
// $DYN_LOGGING_CONFIG_PATH, layered key by key. [NewVLLM] reads the VLLM_*
// variables, and DYN_LOG on top. Variables win over TOML keys; options win
// over both. All of it is read once, when the logger is built, into one
// [config.Config] with each value's source (a TOML directive's shows in the
// filter's GET); [Init] builds its logger and tracing from one such value,
// and service.StartTracing takes the layout from the logger's, reading no
// file.
//
// A TOML file that does not parse, has an unknown key or a value of the
// wrong type, and a DYN_LOGGING_CONFIG_PATH naming no file, make New return
// an error naming the file, line and column. Problems a logger can live
// with (a directive that does not parse, an unknown format name, a boolean
// that is not one, a misspelt level such as DYN_LOG=dbug) are reported and
// the logger is built: as WARN lines of target "dynlog" in the logger's own
// layout, on the error output ([WithErrorOutput], stderr by default), each
// once, so that a JSONL stream stays JSONL. A report, and an error of New,
// quotes the values and file names it names escaped (newlines, terminal
// and bidirectional controls) and cut after 512 bytes with "…[N bytes
// cut]": it is one line, whatever they hold.
//
// # Levels at run time
//
// [Reload] re-reads the TOML files and DYN_LOG for a logger [New] built
// (VLLM_LOGGING_LEVEL and DYN_LOG for one [NewVLLM] built) and every logger
// derived from it; [ReloadOnSIGHUP] does so on each SIGHUP.
// filter.Handler(log.Core()) serves the filter over HTTP (on loopback): GET
// shows each directive with its source, PUT sets a runtime override that
// stays across reloads until DELETE removes it. Every change from outside
// the program (HTTP, SIGHUP, Reload) writes one INFO line of target
// "dynlog", pointing at the call that built the logger, with who made it,
// which directives it added and removed, and where the new ones came from
// (from: their sources, such as "env DYN_LOG, built-in", a TOML file's path
// or "runtime"). The program's own change of its level, through
// filter.AtomicOf(log.Core()).Store, writes none, as zap's
// AtomicLevel.SetLevel writes none.
//
// # What a logger holds
//
// What Reload, Close and service.StartTracing need (the filter, the
// layout, JSONL or not, the call that built the logger, its log file, its
// own log export) is held by the logger itself and shared by every logger
// derived from it (With, Named): the logger's outermost core gives it in
// O(1). Only under a core of someone else's
// ([go.uber.org/zap.Hooks], zap's sampler, [go.uber.org/zap.WrapCore]
// wrappers, tees) do these calls walk the cores by reflection; no call
// that logs a line walks. Two tables are process-wide, and must be: the
// open log files (a file is the process's, whichever logger names it, and
// one writer alone may rotate it) and Init's globals (zap's and slog's
// defaults are the process's).
//
// # Tracing
//
// Both presets put package tracing's core in the logger: lines given
// tracing.Ctx(ctx) carry the span keys, and spans print lifecycle events
// when DYN_LOGGING_SPAN_EVENTS is true, in the form the layout calls for
// (package tracing). core/service's StartTracing (and Init, when the
// program imports core/service) sets up OTLP export from the OTEL_*
// variables, in every layout (Dynamo exports only with JSONL), and prints
// Dynamo's "OpenTelemetry OTLP export enabled" line to a logger [New] built
// in JSONL, where Dynamo prints it.
//
// # Output
//
// Lines go to stderr (vLLM: stdout), to the stream or writer [WithOutput]
// names, or to the file DYN_LOGGING_FILE or the TOML [file] table names,
// opened and rotated by package core/output. The loggers of a process that
// name one file share one writer, which alone rotates it; another process
// is refused the file by a lock (PATH.lock) and says so. A file that fails
// is reported once, lines go to stderr meanwhile, and the file is retried
// by itself. Nothing is dropped and no line is torn.
//
// Entry times come from [MonotonicClock] unless [WithClock] gives another.
package core
