package filter

import "sync/atomic"

// epoch counts every change that can move a level: a filter swapped in any
// Atomic, a suppression begun or ended. Bound loggers cache their level with
// the epoch they computed it in, so a change reaches them on their next
// call. It starts at 1 so that a zero cache never looks current.
var epoch = func() *atomic.Uint64 {
	var e atomic.Uint64
	e.Store(1)
	return &e
}()

// Atomic holds the filter in force for a tree of loggers and lets it be
// replaced while they log, as zap's AtomicLevel does for a single level.
// Loggers see either the old filter or the new one, never a mix.
type Atomic struct {
	p atomic.Pointer[Filter]
}

// NewAtomic returns an Atomic holding f (an empty filter, which prints
// nothing, if f is nil).
func NewAtomic(f *Filter) *Atomic {
	a := &Atomic{}
	a.Store(f)
	return a
}

// Load returns the filter in force.
func (a *Atomic) Load() *Filter { return a.p.Load() }

// Store puts f in force.
func (a *Atomic) Store(f *Filter) {
	if f == nil {
		f = New()
	}
	a.p.Store(f)
	epoch.Add(1) // after the store: whoever sees the new epoch sees f
}
