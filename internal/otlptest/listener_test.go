package otlptest

import (
	"net"
	"strings"
	"testing"
)

// TestDialled: the connections made before Dialled are all counted, its
// own is not, and nothing is left to chance: each is accepted before
// Dialled returns.
func TestDialled(t *testing.T) {
	endpoint, accepted := CountingListener(t)
	if n := Dialled(t, endpoint, accepted); n != 0 {
		t.Fatalf("Dialled = %d before any connection, want 0", n)
	}
	for range 3 {
		c, err := net.Dial("tcp", strings.TrimPrefix(endpoint, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	// One sentinel of the first call, three, and this call's own.
	if n := Dialled(t, endpoint, accepted); n != 4 {
		t.Fatalf("Dialled = %d after 3 connections (and one sentinel), want 4", n)
	}
}
