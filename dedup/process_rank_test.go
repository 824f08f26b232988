package dedup

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// TestProcessRanks: a once-only core built without WithRanks, and the
// helpers on a plain zap logger, take the launcher's ranks from the process
// environment. It runs itself in a child process with RANK=1 and
// LOCAL_RANK=1 (the ranks are read once per process), where only the
// Process-scoped lines print.
func TestProcessRanks(t *testing.T) {
	if os.Getenv("DEDUP_TEST_CHILD") == "1" {
		var buf bytes.Buffer
		enc := zapcore.NewConsoleEncoder(zapcore.EncoderConfig{MessageKey: "msg"})
		sink := zapcore.NewCore(enc, zapcore.AddSync(&buf), zapcore.DebugLevel)
		withCore := zap.New(NewCore(sink))
		withCore.Info("core local", Once(Local))
		withCore.Info("core global", Once(Global))
		withCore.Info("core process", Once(Process))
		plain := zap.New(sink)
		InfoOnce(plain, "helper local")
		InfoOnce(plain, "helper process", Once(Process))
		os.Stdout.Write(buf.Bytes())
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestProcessRanks$")
	cmd.Env = append(os.Environ(), "DEDUP_TEST_CHILD=1", "RANK=1", "LOCAL_RANK=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	// The lines, then the test framework's own report of the child
	// ("PASS", and a coverage line under make cover).
	got, _, _ := strings.Cut(string(out), "PASS\n")
	want := "core process\nhelper process\n"
	if got != want {
		t.Fatalf("rank 1 printed:\n%s\nwant only:\n%s", got, want)
	}
}
