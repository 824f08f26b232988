package vocab

import "go.uber.org/zap/zapcore"

// Unwrapper is the one way a core says which core it wraps. Every core of the
// module that wraps another implements it (the filter, once-only and tracing
// cores, the bridges' target cores, the log file's core), as errors.Unwrap
// is for errors.
//
// The module's own lookups ([github.com/dynlog/dynlog/filter.AtomicOf], a
// span's event setting, the once-only helpers' memory) are answered in O(1)
// by the filter, once-only and tracing cores, which hold what the cores
// inside them hold; from a core that implements Unwrapper around one of
// them, in one step. Only behind a wrapper that hides them do lookups made
// when a logger is set up ([github.com/dynlog/dynlog/filter.AtomicOf],
// [github.com/dynlog/dynlog/filter.Named],
// [github.com/dynlog/dynlog/core.Close]) walk through Unwrap, and through
// zap's hooked and sampler cores ([go.uber.org/zap.Hooks],
// [zapcore.NewSamplerWithOptions]) and tee ([zapcore.NewTee]) as the
// exported shape of their types allows. A core of your own that wraps one
// of dynlog's, given through [go.uber.org/zap.WrapCore], should implement
// Unwrapper, so that these lookups see through it.
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
