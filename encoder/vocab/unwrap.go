package vocab

import "go.uber.org/zap/zapcore"

// Unwrapper is the one way a core says which core it wraps, as
// errors.Unwrap is for errors. Every core of the module that wraps another
// implements it. A core of your own that wraps one of dynlog's, given
// through [go.uber.org/zap.WrapCore], should implement it too: the
// module's lookups from a logger's core (the filter's handle, a span's
// event setting, the once-only memory, what core.Close closes) then see
// through it in one step. Behind a wrapper without it, such as zap's hooked
// and sampler cores and tee, the lookups made when a logger is set up walk
// the cores by reflection, as far as the exported shape of their types
// allows; a lookup made per call never walks.
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
