package core_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the test binary as a child process when a test asks for one
// (TestInit, TestInitReadsConfigOnce, TestInitSlog, the file-sink failure table, the file lock, Init and New on
// one file), and otherwise runs the tests and
// fails if any goroutine they started is still running at the end.
func TestMain(m *testing.M) {
	switch os.Getenv("DYNLOG_INIT_CHILD") {
	case "1":
		initChild()
	case "reads":
		initReadsChild()
	case "slog":
		initSlogChild()
	}
	if os.Getenv("DYNLOG_SINK_CHILD") == "1" {
		sinkChild()
	}
	if os.Getenv("DYNLOG_LOCK_CHILD") == "1" {
		lockChild()
	}
	if os.Getenv("DYNLOG_SHARE_CHILD") == "1" {
		shareChild()
	}
	goleak.VerifyTestMain(m)
}
