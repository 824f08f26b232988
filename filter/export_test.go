package filter

import "time"

// SetChangeClock makes a's change limit read now instead of time.Now.
func SetChangeClock(a *Atomic, now func() time.Time) {
	a.limit.mu.Lock()
	a.limit.now = now
	a.limit.mu.Unlock()
}
