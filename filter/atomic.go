package filter

import (
	"fmt"
	"sync"
	"sync/atomic"
)

// epoch counts every change that can move a level: a filter swapped in any
// Atomic, a suppression begun or ended. Bound loggers cache their level with
// the epoch they computed it in, so a change reaches them on their next
// call. It starts at 1 so that a zero cache never looks current. It is
// process-wide, with suppression, which is: one load tells a bound logger
// that neither its Atomic nor the suppression changed.
var epoch = func() *atomic.Uint64 {
	var e atomic.Uint64
	e.Store(1)
	return &e
}()

// Atomic holds the filter in force for a tree of loggers and lets it be
// replaced while they log, as zap's AtomicLevel does for a single level.
// Loggers see either the old filter or the new one, never a mix.
//
// It holds two layers: the configured filter (Store, Configure: what the
// configuration says, reloaded by [github.com/dynlog/dynlog/core.Reload])
// and, above it, an optional runtime override (Override: what the HTTP
// handler's PUT sets). The override is in force while it is set, whatever the
// configured layer becomes; ClearOverride (the handler's DELETE) puts the
// configured filter back in force.
//
// A nil *Atomic holds no filter: Load returns nil and ServeHTTP answers 503.
type Atomic struct {
	p atomic.Pointer[Filter] // in force: override, else configured
	// min is p's lowest level, stored after p: a core's Enabled reads this
	// one word instead of following p. A call racing a change may see the
	// old min; Check, which reads p, still decides it.
	min atomic.Int32

	limit changeLimit // the HTTP handler's changes (ratelimit.go)

	mu         sync.Mutex // serialises changes and their callbacks
	configured *Filter
	override   *Filter // nil: none
	onChange   []func(Change)
}

// Change is one change of an [Atomic]'s filters, as OnChange reports it.
type Change struct {
	// Old and New are the filters in force before and after the change;
	// they are the same when a layer beneath an override changed.
	Old, New *Filter
	// Configured is the configured filter after the change.
	Configured *Filter
	// Overridden reports whether a runtime override is in force after the
	// change.
	Overridden bool
	// By says who made the change, as the caller of Configure, Override or
	// ClearOverride gave it: "SIGHUP", "core.Reload", "HTTP PUT from
	// 127.0.0.1:52114"; "Store" for Store.
	By string
	// OldConfigured is the configured filter before the change.
	OldConfigured *Filter
	// Outside reports whether the change came from outside the program's
	// own code: made through Configure, Override or ClearOverride, which
	// name who made it (the HTTP handler, a reload of the configuration).
	// It is false for Store, the program setting its own level, as with
	// zap's AtomicLevel.SetLevel. core's loggers write an audit line for
	// the changes from outside only.
	Outside bool
}

// NewAtomic returns an [Atomic] holding f as its configured filter (an empty
// filter, which prints nothing, if f is nil).
func NewAtomic(f *Filter) *Atomic {
	if f == nil {
		f = New()
	}
	a := &Atomic{configured: f}
	a.p.Store(f)
	a.min.Store(int32(f.min))
	return a
}

// Load returns the filter in force: the runtime override if one is set,
// else the configured filter. nil for a nil *[Atomic].
func (a *Atomic) Load() *Filter {
	if a == nil {
		return nil
	}
	return a.p.Load()
}

// Store replaces the configured filter, as Configure does, as the
// program's own change of its level, as zap's AtomicLevel.SetLevel is: the
// OnChange callbacks are told of it, By "Store" and Outside false, and
// core's loggers write no audit line for it.
func (a *Atomic) Store(f *Filter) { a.configure(f, "Store", false) }

// Configure replaces the configured filter with f (an empty filter if nil)
// and reports the change to the OnChange callbacks as made from outside the
// program by by (Change.Outside). A runtime override stays in force above
// it.
func (a *Atomic) Configure(f *Filter, by string) { a.configure(f, by, true) }

// configure is Configure, the change reported as from outside or not.
func (a *Atomic) configure(f *Filter, by string, outside bool) {
	if f == nil {
		f = New()
	}
	a.change(by, outside, func() { a.configured = f })
}

// Override puts f in force above the configured filter until ClearOverride,
// whatever Configure does meanwhile, and reports the change as made from
// outside the program by by. A nil f is ClearOverride(by).
func (a *Atomic) Override(f *Filter, by string) {
	a.change(by, true, func() { a.override = f })
}

// ClearOverride removes the runtime override, if any, putting the
// configured filter back in force, and reports the change as made from
// outside the program by by. It reports whether there was an override.
func (a *Atomic) ClearOverride(by string) bool {
	had := false
	a.change(by, true, func() { had, a.override = a.override != nil, nil })
	return had
}

// Configured returns the configured filter, in force unless overridden.
func (a *Atomic) Configured() *Filter {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.configured
}

// Overridden reports whether a runtime override is in force.
func (a *Atomic) Overridden() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.override != nil
}

// OnChange calls fn after every later change of a's filters, in the order
// of the changes, one at a time: those from outside the program and the
// program's own Store alike, which Change.Outside tells apart. fn must not
// change a's filters itself.
func (a *Atomic) OnChange(fn func(Change)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.onChange = append(a.onChange, fn)
}

// change applies edit to the layers under the lock, puts the result in
// force and tells the callbacks, the change made by by, from outside the
// program or not.
func (a *Atomic) change(by string, outside bool, edit func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.changeLocked(by, outside, edit)
}

// merge puts in force, as the runtime override, the filter in force with
// ds merged into it: a directive of ds replaces the one of the same target
// and span, the others stay. It refuses, changing nothing, a merge that
// would make the filter hold more than MaxDirectives directives and more
// than it holds now.
func (a *Atomic) merge(ds []Directive, by string) (*Filter, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	base := a.p.Load().Directives()
	merged := New(append(base, ds...)...)
	if n := len(merged.Directives()); n > MaxDirectives && n > len(base) {
		return nil, fmt.Errorf("filter: the filter in force would hold %d directives with these merged into it, more than the %d a filter may hold", n, MaxDirectives)
	}
	a.changeLocked(by, true, func() { a.override = merged })
	return merged, nil
}

// changeLocked is change, with a.mu held.
func (a *Atomic) changeLocked(by string, outside bool, edit func()) {
	old, oldConfigured := a.p.Load(), a.configured
	edit()
	in := a.configured
	if in == nil {
		in = New()
		a.configured = in
	}
	if a.override != nil {
		in = a.override
	}
	a.p.Store(in)
	a.min.Store(int32(in.min))
	epoch.Add(1) // after the store: whoever sees the new epoch sees it
	ch := Change{Old: old, New: in, Configured: a.configured, Overridden: a.override != nil, By: by, OldConfigured: oldConfigured, Outside: outside}
	for _, fn := range a.onChange {
		fn(ch)
	}
}
