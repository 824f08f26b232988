package core_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the test binary as a child process when a test asks for one
// (TestInit, the file-sink failure table), and otherwise runs the tests and
// fails if any goroutine they started is still running at the end.
func TestMain(m *testing.M) {
	if os.Getenv("DYNLOG_INIT_CHILD") == "1" {
		initChild()
	}
	if os.Getenv("DYNLOG_SINK_CHILD") == "1" {
		sinkChild()
	}
	goleak.VerifyTestMain(m)
}
