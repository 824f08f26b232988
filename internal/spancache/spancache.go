// Package spancache lets the encoders keep what they compute from a
// vocab.Spans with the Spans itself, without vocab exporting the slot: a
// Spans must not change once a line has carried it, so an encoder computes
// what it prints of it once and keeps it for every later line that carries
// the same Spans.
package spancache

import "sync/atomic"

// A Slot holds one encoder's value for one Spans. Its zero value is empty.
// It is safe for concurrent use; of two encoders racing, the later one's
// value stays.
type Slot struct{ p atomic.Pointer[any] }

// Load is the value last given to Store, nil if none was.
func (s *Slot) Load() any {
	if p := s.p.Load(); p != nil {
		return *p
	}
	return nil
}

// Store keeps *p in the slot. The slot keeps p itself, so *p must not
// change afterwards; p is a pointer so that the encoder can keep the value
// inside what it caches (a field of its own holding the value's pointer),
// and storing allocates nothing beside it: a Spans built for one line is
// encoded without an allocation more.
func (s *Slot) Store(p *any) { s.p.Store(p) }

// Of returns the slot of spans, a *vocab.Spans. Package vocab sets it when
// it initialises (it imports this package, not the reverse); it is set
// before any package that imports vocab runs.
var Of func(spans any) *Slot
