// Package clock is the entry clock core.New gives its loggers: wall-clock
// time read through the monotonic clock.
//
// zap reads its clock for every call that passes a core's Enabled, before
// Check, so a line the filter rejects by logger name still pays for one
// reading. time.Now reads two clocks (wall and monotonic); this one reads
// only the monotonic clock and adds the elapsed time to a wall reading taken
// at most Resync earlier. On Linux the two clocks differ by an offset that
// only a step of the wall clock changes (settimeofday, an NTP step, a leap
// second): NTP slewing adjusts both alike. So the times are time.Now's,
// except that a step shows up to Resync late, and a system suspend (which
// the monotonic clock does not count) too.
//
// A fresh wall reading is published as a new *time.Time, one small
// allocation per Resync at most, whatever the number of goroutines: a
// process that logs less than once per Resync pays time.Now and that
// allocation per line, one that logs faster pays neither. The times keep
// their monotonic reading, so entry times compare as time.Now's do.
package clock

import (
	"sync/atomic"
	"time"
)

// Resync is how often Clock takes a fresh wall reading.
const Resync = time.Millisecond

// Clock is a zapcore.Clock. The zero value is ready to use.
type Clock struct {
	base atomic.Pointer[time.Time]
}

// Now returns the current local time, with a monotonic reading.
func (c *Clock) Now() time.Time {
	if b := c.base.Load(); b != nil {
		if d := time.Since(*b); d >= 0 && d < Resync {
			return b.Add(d)
		}
	}
	now := time.Now()
	c.base.Store(&now)
	return now
}

// NewTicker returns time.NewTicker(d).
func (*Clock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// Default is the clock core.New uses when no other is given.
var Default = new(Clock)
