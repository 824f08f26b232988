package output

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if a goroutine a test started (a daily rotation, a
// backup clean-up) is still running at the end.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
