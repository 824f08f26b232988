// Package filter will hold Dynamo's per-target level filter for zap: the
// DYN_LOG directive grammar (DESIGN §7), a gate zapcore.Core that applies it
// with the longest matching target winning, runtime reload (SIGHUP and an
// opt-in HTTP handler), and vLLM-style suppression (Suppress, Suppressed).
//
// Not yet implemented: until it lands, core.New reads only a global level
// from DYN_LOG and reports every other directive on stderr.
package filter
