// Package config resolves what a logger of package core is built from: the
// options, the environment and the TOML files, into one [Config] value
// that holds every setting with its source (an option, a variable, a TOML
// file's key, or built in), as zap.Config holds zap's.
//
//	cfg, err := config.Load(config.WithOutput(w)) // Dynamo's layouts; LoadVLLM for vLLM's
//	if err != nil { … }
//	fmt.Println(cfg.JSONL.Value, cfg.JSONL.From) // true env DYN_LOGGING_JSONL
//	cfg.MaxLineBytes.Value = 4096               // the program's own choice
//	log, err := core.Build(cfg)
//
// core.New is Load followed by core.Build, core.NewVLLM LoadVLLM followed by
// it. docs/configuration.md lists every variable and TOML key, their
// defaults and which wins: options, then variables, then
// $DYN_LOGGING_CONFIG_PATH, then [SystemConfigPath], then the built-in
// defaults.
//
// Of package core and its subpackages, this one alone reads the
// environment (through [WithEnv]'s lookup, os.LookupEnv by default) and the
// configuration files; the builders, tracing's export, the bridges and the
// once-only ranks take what they need from a Config (the OTLP exporters
// still read OpenTelemetry's own variables that Export does not model, as
// package tracing/otlp says). Resolving writes nothing: the problems a logger can
// live with (a directive that does not parse, an unknown format name) are
// collected in [Config].Reports, which core writes on the error output in
// the new logger's own layout; a problem that stops a logger (a TOML file
// that does not parse) is Load's error.
//
// A Config is a plain value: Load reads everything when it is called, and
// building from the same Config twice builds two loggers alike (each opens
// its own outputs; a log file named twice is shared, as package core
// explains).
package config
