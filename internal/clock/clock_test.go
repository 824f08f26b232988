package clock

import (
	"sync"
	"testing"
	"time"
)

// wallSlack is how far a reading may stray from time.Now's wall time: the
// gap between the wall and the monotonic reading inside one time.Now.
const wallSlack = 50 * time.Microsecond

func TestNowIsWallTime(t *testing.T) {
	var c Clock
	for i := 0; i < 10000; i++ {
		before := time.Now()
		got := c.Now()
		after := time.Now()
		// Round(0) drops the monotonic reading, so these compare wall
		// times, which is what an encoder prints.
		if got.Round(0).Before(before.Round(0).Add(-wallSlack)) || got.Round(0).After(after.Round(0).Add(wallSlack)) {
			t.Fatalf("call %d: Now() = %v, outside [%v, %v]", i, got, before, after)
		}
		if got.Location() != time.Local {
			t.Fatalf("Now().Location() = %v, want Local", got.Location())
		}
	}
}

func TestNowKeepsMonotonicReading(t *testing.T) {
	var c Clock
	start := c.Now()
	if start.Round(0) == start {
		t.Fatal("Now() has no monotonic reading")
	}
	time.Sleep(2 * Resync)
	if d := c.Now().Sub(start); d < 2*Resync {
		t.Fatalf("Now() - start = %v after sleeping %v", d, 2*Resync)
	}
}

func TestResync(t *testing.T) {
	var c Clock
	c.Now()
	first := c.base.Load()
	for i := 0; i < 100; i++ {
		c.Now()
	}
	if c.base.Load() != first && time.Since(*first) < Resync {
		t.Fatal("Now took a new wall reading before Resync had passed")
	}
	time.Sleep(Resync + Resync/2)
	c.Now()
	if c.base.Load() == first {
		t.Fatalf("no new wall reading after %v", Resync+Resync/2)
	}
}

// Every goroutine sees time move forward, across resyncs, with -race.
func TestConcurrentNowIsMonotonic(t *testing.T) {
	var c Clock
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prev := c.Now()
			deadline := prev.Add(20 * Resync)
			for prev.Before(deadline) {
				now := c.Now()
				if now.Before(prev) {
					t.Errorf("Now() went back: %v after %v", now, prev)
					return
				}
				prev = now
			}
		}()
	}
	wg.Wait()
}

func TestNewTicker(t *testing.T) {
	tk := Default.NewTicker(time.Millisecond)
	defer tk.Stop()
	select {
	case <-tk.C:
	case <-time.After(5 * time.Second):
		t.Fatal("ticker never ticked")
	}
}
