// Package dedup will hold the once-only zapcore.Core: a line marked with
// Once prints the first time its key is seen and never again, with vLLM's
// process, global and local rank scopes and bounded memory (DESIGN §10),
// plus the DebugOnce, InfoOnce, WarnOnce and ErrorOnce helpers.
//
// Not yet implemented.
package dedup
