package otlptest

import (
	"net"
	"sync/atomic"
	"testing"
)

// CountingListener is a loopback port that counts the connections made to
// it and closes each: an endpoint that shows whether an exporter dialled
// at all. endpoint is http://127.0.0.1:<port>. It stops when tb ends.
func CountingListener(tb testing.TB) (endpoint string, accepted *atomic.Int32) {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	accepted = new(atomic.Int32)
	go func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close()
		}
	}()
	tb.Cleanup(func() { lis.Close() })
	return "http://" + lis.Addr().String(), accepted
}
