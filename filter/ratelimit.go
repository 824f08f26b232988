package filter

import (
	"sync"
	"time"
)

// The level handler takes at most ChangeBurst changes (PUT, PATCH, DELETE)
// at once and ChangesPerSecond a second after that; one more is answered
// 429 Too Many Requests. Every change is parsed and writes an audit line:
// without a bound, any client that can reach the handler could spend the
// program's CPU and bury its log in audit lines. An operator or a
// controller changing levels never comes near it.
const (
	ChangeBurst      = 16
	ChangesPerSecond = 2
)

// changeLimit is a token bucket of ChangeBurst tokens, refilled at
// ChangesPerSecond: one per change the handler takes.
type changeLimit struct {
	mu     sync.Mutex
	tokens float64
	last   time.Time
	now    func() time.Time // time.Now; tests set another clock
}

// take spends a token, or reports how long until one is there.
func (l *changeLimit) take() (wait time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if l.now != nil {
		now = l.now()
	}
	if l.last.IsZero() {
		l.tokens = ChangeBurst
	} else if d := now.Sub(l.last); d > 0 {
		l.tokens = min(ChangeBurst, l.tokens+d.Seconds()*ChangesPerSecond)
	}
	l.last = now
	if l.tokens >= 1 {
		l.tokens--
		return 0, true
	}
	return time.Duration((1 - l.tokens) / ChangesPerSecond * float64(time.Second)), false
}
