package otlptest

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Accepted counts the connections a [CountingListener] accepted (Load).
type Accepted struct {
	atomic.Int32
	from sync.Map // remote address → struct{}, of every connection accepted
}

// CountingListener is a loopback port that counts the connections made to
// it and closes each: an endpoint that shows whether an exporter dialled
// at all. endpoint is http://127.0.0.1:<port>. It stops when tb ends.
func CountingListener(tb testing.TB) (endpoint string, accepted *Accepted) {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	accepted = new(Accepted)
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			// Counted before it is seen: once Dialled sees its own
			// connection, the count includes it and every earlier one.
			accepted.Add(1)
			accepted.from.Store(c.RemoteAddr().String(), struct{}{})
			c.Close()
		}
	}()
	tb.Cleanup(func() { lis.Close() })
	return "http://" + lis.Addr().String(), accepted
}

// Dialled is how many connections were made to the CountingListener at
// endpoint before Dialled was called. It makes one connection of its own
// and waits until the listener has accepted it: the listener accepts
// connections in the order they were made, so every earlier one has been
// counted by then, with no sleep on a guess.
func Dialled(tb testing.TB, endpoint string, accepted *Accepted) int32 {
	tb.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(endpoint, "http://"))
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	self := c.LocalAddr().String()
	// Bounded, so that a listener that stopped fails the test instead of
	// hanging it.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, ok := accepted.from.Load(self); ok {
			return accepted.Load() - 1
		}
		if time.Now().After(deadline) {
			tb.Fatal("the counting listener did not accept a connection in 30 s")
		}
		time.Sleep(time.Millisecond)
	}
}
