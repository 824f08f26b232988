// Package core is dynlog's front door: it reads the environment and returns
// a *zap.Logger that prints what NVIDIA Dynamo or vLLM would print.
//
//	log, err := core.New()      // Dynamo: DYN_LOGGING_JSONL, DYN_LOG, …
//	log, err := core.NewVLLM()  // vLLM: VLLM_LOGGING_LEVEL, VLLM_LOGGING_PREFIX, …
//
// The logger is a plain zap logger: Named gives the target, With adds
// context, and logger.Log(core.TraceLevel, …) writes at Dynamo's TRACE.
// Every line carries the caller's file and line.
//
// # Dynamo preset
//
// New chooses the layout from DYN_LOGGING_CONSOLE_FORMAT ("readable" or
// "jsonl", trimmed, any case), which wins over DYN_LOGGING_JSONL; another
// format name is reported on the error output and readable is used.
// Booleans follow Dynamo's rule: trimmed, lower-cased, true iff 1, true, on
// or yes; a value that is none of those nor 0, false, off, no or empty
// ("y", "enabled") is reported, naming the variable and the accepted
// values, and counts as false.
// DYN_LOG_USE_LOCAL_TZ prints local time with a ±HH:MM offset instead of
// UTC "Z". Colour applies to the readable layout only and, unlike Dynamo's,
// is off on pipes unless asked for: off if DYN_SDK_DISABLE_ANSI_LOGGING is
// true or NO_COLOR is non-empty; on if FORCE_COLOR is non-empty or
// DYN_LOGGING_ANSI is true; otherwise on when writing to a terminal.
// DYN_LOGGING_EMBED_JSON_STRINGS (TOML embed_json_strings; default on)
// makes JSONL write a string field whose whole text is JSON as that JSON
// value, as Dynamo does (encoder.WithEmbeddedJSON).
//
// # Levels and configuration files
//
// Which lines print is decided by package filter, from three layers, lowest
// priority first: the built-in defaults (BuiltinTargets at
// error), the TOML files (SystemConfigPath, then $DYN_LOGGING_CONFIG_PATH
// over it, key by key), and DYN_LOG. log_level from TOML (default info) is
// the default level only when DYN_LOG holds no directive; DYN_LOG=foo=debug
// alone turns every other target off, as in Dynamo. Each DYN_LOG directive
// that does not parse is reported on the error output and skipped, and so
// is what the composed filter's Warnings find: a directive that names a
// target within two edits of a level word while no default level is set
// (DYN_LOG=dbug is read as target "dbug" at trace, and New says "did you
// mean \"debug\"?"), a filter without a default level, a filter that
// turns every line off. Each directive carries its source (built-in, the
// TOML file's path, env DYN_LOG), which the HTTP handler shows.
//
// # dynlog's own lines
//
// What New, NewVLLM, Reload, ReloadOnSIGHUP and StartTracing report about
// the configuration goes to the error output (WithErrorOutput, stderr by
// default) as WARN lines of target "dynlog" in the logger's layout: JSONL
// lines in JSONL (which dynlog validate accepts), readable or vLLM lines
// otherwise, each report once. Errors New returns (a TOML file that does
// not parse, a DYN_LOGGING_CONFIG_PATH naming no file) are returned, not
// written. Every change of a logger's filter (a PUT or DELETE over HTTP,
// with the remote address; a SIGHUP; Reload) writes one INFO line of
// target "dynlog" with the filters before and after, through the logger's
// own cores beneath the filter, so that a filter that turns every line off
// still says so.
//
// The TOML keys are those of docs/configuration.md, read strictly: an unknown key, a
// value of the wrong type or a file that does not parse makes New fail with
// an error naming the file, line and column. A missing SystemConfigPath is
// skipped; a DYN_LOGGING_CONFIG_PATH naming a file that does not exist is
// an error naming the variable and the path.
// Variables win over the TOML key for the same setting (format, local_tz,
// embed_json_strings;
// for colour the colour variables, then ansi = "always" | "never", then
// auto; span_events as said under Tracing; [file] as said under File
// output).
//
// Named(log, "target") binds the filter's level into the logger, so a
// filtered-out call costs what zap's disabled call costs; loggers named with
// zap's own Named are looked up per name. Reload re-reads the TOML files and
// DYN_LOG and replaces the configured filter of every logger derived from
// the one New returned; ReloadOnSIGHUP does it on each SIGHUP.
// filter.Handler(log.Core()) serves the filter over HTTP (on loopback):
// GET shows it with each directive's source, PUT sets a runtime override
// that stays in force across reloads until DELETE removes it (GET says
// whether one is active), and an empty PUT is refused. The filter is found
// through cores that wrap the logger's (zap.Hooks, zap's sampler,
// zap.WrapCore wrappers that embed a zapcore.Core, tees), by AtomicOf,
// Reload and Named alike; where there is none, Reload returns an error and
// the handler answers 503.
//
// # vLLM preset
//
// NewVLLM reads VLLM_LOGGING_LEVEL (default INFO; an unknown name is an
// error; DEBUG also prints module-relative, shortened paths as vLLM does),
// VLLM_LOGGING_STREAM (ext://sys.stdout, the default, or ext://sys.stderr;
// ext://sys.__stdout__ and ext://sys.__stderr__ name the same streams and,
// as in vLLM, are coloured only when VLLM_LOGGING_COLOR=1 asks),
// VLLM_LOGGING_PREFIX, and colour from VLLM_LOGGING_COLOR and NO_COLOR (off
// if NO_COLOR is set to anything but "0", the empty string included).
//
// The prefix goes into the header as vLLM puts it into Python's format
// string: %(name)s, %(levelname)s, %(process)d, %(processName)s, %(thread)d
// and %% expand, with Python's flags, width and precision; a % that starts
// nothing known is printed as it is (vLLM fails there). %(thread)d prints
// the process id, since a goroutine has no thread and an OS thread id
// would change from line to line; %(processName)s prints the process name
// below, or Python's "MainProcess". A newline in the prefix becomes "\r\n"
// and the header, as vLLM's NewLineFormatter makes of every newline in the
// formatted record.
//
// With a process name, WithProcessName or else DYN_LOGGING_PROCESS_NAME,
// every physical line starts with vLLM's process decoration,
// "(NAME pid=PID) ", cyan when the layout is coloured, as vLLM's
// decorate_logs prints in its engine and worker processes.
// NewDecoratedWriter decorates a program's other writes to the stream
// (fmt.Println through it, say) the same way.
//
// VLLM_CONFIGURE_LOGGING is read as vLLM reads it, bool(int(value)), with
// Python's int(): " 0", "00" and "-0" are false, "-1" and "1_0" true, and
// "true", "0x1" or an empty value are errors. False gives what Python's
// last-resort handler prints: WARNING and above, the message alone, on
// stderr, undecorated; false with VLLM_LOGGING_CONFIG_PATH set is an error,
// as in vLLM. VLLM_LOGGING_CONFIG_PATH names a JSON file in zap.Config's
// form (it may say "encoding": "vllm" or another of our registered names);
// a missing file, invalid JSON, a top level that is not an object or an
// unknown key is an error that says which. DYN_LOG's directives apply on
// top, with the built-in defaults; a bare level there replaces
// VLLM_LOGGING_LEVEL as the default.
//
// # Ranks
//
// Both presets give their once-only core the ranks of the launcher
// variables (package dedup, RanksFromEnv, through WithEnv's lookup). A
// value that does not parse is reported by the logger being built, as one
// WARN line in its own layout, logger name "dynlog.dedup", with the call of
// New or NewVLLM as its caller, so it lands where the logs go and DYN_LOG
// can silence it. A local rank that does not parse falls back to the
// global rank, as vLLM's is_local_first_rank does.
//
// # Tracing
//
// Both presets put package tracing's core in the logger: lines given
// tracing.Ctx(ctx) carry the span keys. Spans print lifecycle events as
// today's Dynamo does: only when DYN_LOGGING_SPAN_EVENTS (else the TOML
// span_events) is true; in JSONL SPAN_FIRST_ENTRY and SPAN_CLOSED with
// time.busy_us, time.idle_us and time.duration_us; in the readable layout
// tracing-subscriber's "span_event: SPAN_FIRST_ENTRY" and "close
// time.busy=… time.idle=…", and only while trace context is on
// (DYN_LOGGING_JSONL true under DYN_LOGGING_CONSOLE_FORMAT=readable, the
// TOML format "jsonl", or OTEL_EXPORT_ENABLED), as in Dynamo. NewVLLM
// prints the JSONL form when the variable is true.
// DYN_LOGGING_SPAN_EVENTS_LAYOUT=2025 (TOML span_events_layout = "2025")
// brings back the layout of Dynamo's 2025 logging guide: SPAN_CREATED and
// SPAN_CLOSED in both layouts, on by default in JSONL. StartTracing reads
// OTEL_EXPORT_ENABLED, OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT,
// OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL, OTEL_SERVICE_NAME and
// OTEL_TRACES_SAMPLE_RATIO and sets up the provider spans use (OTLP over
// gRPC or HTTP/protobuf); NewVLLM turns on call tracing when
// VLLM_TRACE_FUNCTION is a non-zero integer. Log lines are exported over
// OTLP too, beside the console output and only those the filter passes,
// when OTEL_LOGS_EXPORTER=otlp (off by default; OTEL_EXPORT_ENABLED alone
// exports spans only), to OTEL_EXPORTER_OTLP_LOGS_ENDPOINT or
// OTEL_EXPORTER_OTLP_ENDPOINT (plus /v1/logs over HTTP) with
// OTEL_EXPORTER_OTLP_LOGS_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL. An
// endpoint is an http:// or https:// URL; over gRPC a bare HOST:PORT
// (localhost:4317) is also accepted, as the OTel exporters accept it in
// code, and read as http://HOST:PORT; over http/protobuf it is refused with
// a warning that shows the URL to write.
//
// Two choices differ from Dynamo on purpose. Dynamo installs OTLP export
// only with DYN_LOGGING_JSONL (and newer releases warn that
// OTEL_EXPORT_ENABLED has no effect without it); here export works in every
// layout, since the spans do not depend on how lines are printed. The init
// line ("OpenTelemetry OTLP export enabled" / "… disabled, traces local
// only") is still printed in JSONL only, where Dynamo prints it, so that
// readable output starts as Dynamo's does.
//
// # Entry times
//
// Entry times come from MonotonicClock unless WithClock gives another: the
// wall-clock time, as time.Now gives it, read through the monotonic clock
// alone, which costs about half of time.Now. zap reads its clock on every
// call that passes Enabled, so every printed line saves that, and so does a
// line the filter rejects by a name made with zap's own Named. A step of the
// wall clock (settimeofday, an NTP step) shows in the times within a
// millisecond; NTP's slewing moves both clocks alike and shows at once.
//
// # Init
//
// Init is New once per process: it replaces zap's globals, starts tracing
// and reloads the filter on SIGHUP; on a configuration error it prints
// "Failed to initialize logging: <err>" and exits 1, as Dynamo does.
// Shutdown flushes the exporter and the logger before the process exits
// and closes Init's log file; loggers from New are closed with Close.
//
// # Bridges
//
// Four installers send foreign logs through a logger's cores, each
// returning a function that undoes it; Init calls all four. RedirectStdLog
// takes the log package, RedirectSlog makes NewSlogHandler slog's default,
// RedirectGRPC takes gRPC's grpclog, and RedirectOTel the OpenTelemetry
// SDK's internal logger and its errors. Their lines are bridged
// records: in JSONL target "log" with log.target, log.file and log.line
// instead of file and line; in the readable layout log.target as the
// target; in vLLM's, log.file:log.line as the location. log.target is also
// what DYN_LOG's directives match: for log and slog the import path of the
// calling package, as for an unnamed logger; for gRPC "grpc" and for
// OpenTelemetry "otel", whatever the logger's name, which the built-in
// defaults hold at error (DYN_LOG=grpc=info shows more). log.Print lines
// are INFO, log.Panic and log.Fatal ERROR; slog's levels go to the nearest
// Dynamo level at or below (below Debug is TRACE), its attributes are typed
// fields, its groups nested objects; gRPC's Info, Warning, Error are INFO,
// WARN, ERROR, its V(0), V(1), V(2) ask for INFO, DEBUG, TRACE;
// OpenTelemetry's Warn, Info, Debug are WARN, INFO, DEBUG. OpenTelemetry's
// errors print at ERROR, each distinct one once: a tracing.Provider stays
// the error handler and reports through the bridge, export failures once
// until an export succeeds; without one RedirectOTel installs a handler
// that reports the same way.
//
// # File output
//
// DYN_LOGGING_FILE, or else path in the TOML [file] table, sends the lines
// to a file instead of stderr (WithOutput wins over both); the other [file]
// keys apply to either path. "stdout" or "/dev/stdout" (and "stderr",
// "/dev/stderr") name the stream itself, which is written to as it is,
// not rotated. The file is rotated through lumberjack when a
// line would take it past max_size_mb (default 100; a longer line gets a
// file of its own) and, with rotate_daily = true, at every local midnight.
// A backup keeps the name with the rotation time inserted
// (worker-2025-09-02T16-38-06.656.log; local time with local_tz or
// DYN_LOG_USE_LOCAL_TZ, else UTC); max_backups (0: all) and max_age_days
// (0: forever) bound how many are kept, and compress gzips them. Each line
// reaches the file in one write under a lock, so lines are never torn or
// interleaved and rotation falls between lines; rotations are kept a
// millisecond apart, since lumberjack names backups to the millisecond and
// would overwrite one. A path that exists but is not a regular file (a
// directory, a device) is refused rather than renamed by rotation.
//
// Every logger of the process that names one file (Init's and New's, or
// two New calls; a symbolic or hard link to it counts as the same file)
// writes through one shared output, which alone counts the size and
// rotates, so no line is lost or torn at a rotation. The first logger's
// [file] settings hold for the file; a later logger with other settings is
// told so on its error output. Between processes the file is guarded by a
// lock (flock) on PATH.lock beside it, which holds the owner's process ID:
// a second process naming the file is refused it with one line, "dynlog:
// cannot open PATH: process 1234 logs to it (it holds PATH.lock); …",
// writes to stderr meanwhile, and takes the file over by itself once the
// owner closes it or exits. Give each process a file of its own (the rank
// or pid in DYN_LOGGING_FILE) to have them log side by side. Where there is
// no flock (outside Unix) there is no lock either.
//
// Close(log) closes the file of a logger New made (and of every logger
// derived from it); the file itself, with its rotation timer and
// lumberjack's cleanup goroutine (which lumberjack never stops), is closed
// when the last logger naming it is closed, or garbage collected, and
// PATH.lock is removed then. Shutdown closes the file of Init's logger only;
// lines a logger writes after its Close go to stderr.
//
// A file that cannot be opened or written (a directory that cannot be
// made, a path that is a directory, a full disk, the lock held by another
// process) is reported once on the error output with its path and the
// cause, and that line and every later one go to stderr: nothing is
// dropped. The part of a line the disk took is cut from the file, so it
// ends with a whole line. The file is tried again by the writes
// themselves, after 100 ms and then twice as long each time up to 5 s, and
// on SIGHUP (ReloadOnSIGHUP, which Init turns on) and at a rotation; the
// first line the file takes again says "dynlog: writing to PATH again".
// However many retries and SIGHUPs fall within one outage, it is reported
// once and its end once. At most once a second a write also checks that
// the path still names the open file: if the file or its directory was
// removed, or the file renamed, without a SIGHUP, the directory (0o755, as
// lumberjack makes it) and the file are made again, the lines written to a
// removed file since the last check are copied into the new one (a
// renamed file keeps its own), and one line says what happened: "dynlog:
// PATH was removed; recreated it". Sync fsyncs the file.
//
// # Options
//
// WithEnv reads variables from a function instead of the process
// environment, WithOutput writes somewhere other than the preset's stream,
// WithErrorOutput takes the logger's own complaints, and WithClock pins
// timestamps, WithSystemConfig replaces SystemConfigPath.
package core
