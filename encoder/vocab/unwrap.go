package vocab

import "go.uber.org/zap/zapcore"

// Unwrapper is the one way a core says which core it wraps. Every core of the
// module that wraps another implements it (the filter, once-only and tracing
// cores, the bridges' target cores, the log file's core), and every lookup of
// a core inside another ([github.com/dynlog/dynlog/filter.AtomicOf],
// [github.com/dynlog/dynlog/filter.Named],
// [github.com/dynlog/dynlog/core.Close], the span-event setting of package
// tracing, the once-only state of package dedup) walks through it, as
// errors.Unwrap walks errors.
//
// A core of your own that wraps one of dynlog's, given through
// [go.uber.org/zap.WrapCore], should implement it too, so that these lookups
// see through it. Zap's own wrappers cannot: its hooked and sampler cores
// ([go.uber.org/zap.Hooks], [zapcore.NewSamplerWithOptions]) and its tee
// ([zapcore.NewTee]) are walked as the exported shape of their types allows,
// see package internal/unwrap.
//
// A wrapper also keeps zap's Core contract: its Check asks the wrapped
// core's Check, which adds the cores that will write (a wrapper that must
// see the fields first adds itself and asks the wrapped core's Check at
// Write), and its Write returns every error of the writes it makes, so that
// zap reports it to the logger's ErrorOutput.
type Unwrapper interface {
	// Unwrap is the core wrapped, never nil.
	Unwrap() zapcore.Core
}
