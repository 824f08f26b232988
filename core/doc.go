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
// format name is reported on stderr and readable is used. Booleans follow
// Dynamo's rule: trimmed, lower-cased, true iff 1, true, on or yes.
// DYN_LOG_USE_LOCAL_TZ prints local time with a ±HH:MM offset instead of
// UTC "Z". Colour applies to the readable layout only and, unlike Dynamo's,
// is off on pipes unless asked for: off if DYN_SDK_DISABLE_ANSI_LOGGING is
// true or NO_COLOR is non-empty; on if FORCE_COLOR is non-empty or
// DYN_LOGGING_ANSI is true; otherwise on when writing to a terminal.
//
// DYN_LOG: in this release only a bare level is acted on (off, error, warn,
// info, debug, trace or 0–5; the last one given wins; default info).
// Per-target directives belong to package filter; until it lands each one
// is reported on stderr and skipped, never silently.
//
// # vLLM preset
//
// NewVLLM reads VLLM_LOGGING_LEVEL (default INFO; an unknown name is an
// error; DEBUG also prints module-relative, shortened paths as vLLM does),
// VLLM_LOGGING_STREAM (ext://sys.stdout, the default, or ext://sys.stderr),
// VLLM_LOGGING_PREFIX, and colour from VLLM_LOGGING_COLOR and NO_COLOR (off
// if NO_COLOR is set to anything but "0", the empty string included).
// VLLM_CONFIGURE_LOGGING=0 gives what Python's last-resort handler prints:
// WARNING and above, the message alone, on stderr. VLLM_LOGGING_CONFIG_PATH
// names a JSON file in zap.Config's form (it may say "encoding": "vllm" or
// another of our registered names); a missing file, invalid JSON, a top
// level that is not an object or an unknown key is an error that says which.
// A bare level in DYN_LOG replaces VLLM_LOGGING_LEVEL as the threshold.
//
// # Options
//
// WithEnv reads variables from a function instead of the process
// environment, WithOutput writes somewhere other than the preset's stream,
// WithErrorOutput takes the logger's own complaints, and WithClock pins
// timestamps. Files, TOML, filtering, tracing and once-only lines come in
// later releases (see README.md).
package core
