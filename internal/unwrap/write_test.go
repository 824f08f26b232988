package unwrap

import (
	"errors"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

// failingSink is a sink whose every write fails, as a full disk's does.
type failingSink struct{ err error }

func (f failingSink) Write([]byte) (int, error) { return 0, f.err }
func (f failingSink) Sync() error               { return nil }

var errDiskFull = errors.New("disk full")

func failingCore() zapcore.Core {
	return zapcore.NewCore(zapcore.NewJSONEncoder(zapcore.EncoderConfig{MessageKey: "msg"}), failingSink{errDiskFull}, zapcore.DebugLevel)
}

func entryAt(l zapcore.Level) zapcore.Entry {
	return zapcore.Entry{Level: l, Message: "m", Time: time.Date(2025, 9, 2, 16, 38, 6, 0, time.UTC)}
}

// CheckedWrite asks the inner core's Check: a sampler counts and drops, a
// tee member with a higher level declines. Writing to inner.Write instead
// would print all three lines and the info line to the warn member.
func TestCheckedWriteHonoursCheck(t *testing.T) {
	obs, logs := observer.New(zapcore.DebugLevel)
	sampled := zapcore.NewSamplerWithOptions(obs, time.Hour, 1, 0)
	for range 3 {
		if err := CheckedWrite(sampled, entryAt(zapcore.InfoLevel), nil); err != nil {
			t.Fatal(err)
		}
	}
	if n := logs.Len(); n != 1 {
		t.Errorf("through a sampler that keeps the first line: %d lines written, want 1", n)
	}

	debug, debugLogs := observer.New(zapcore.DebugLevel)
	warn, warnLogs := observer.New(zapcore.WarnLevel)
	if err := CheckedWrite(zapcore.NewTee(debug, warn), entryAt(zapcore.InfoLevel), nil); err != nil {
		t.Fatal(err)
	}
	if debugLogs.Len() != 1 || warnLogs.Len() != 0 {
		t.Errorf("info line through a tee of debug and warn cores: %d and %d lines, want 1 and 0", debugLogs.Len(), warnLogs.Len())
	}

	// A core whose Check declines writes nothing and reports nothing.
	if err := CheckedWrite(warn, entryAt(zapcore.InfoLevel), nil); err != nil || warnLogs.Len() != 0 {
		t.Errorf("declined entry: err %v, %d lines", err, warnLogs.Len())
	}
}

// The inner cores' write errors come back, zap's prefix left out, so that
// the outer entry reports them once to the logger's ErrorOutput.
func TestCheckedWriteReturnsErrors(t *testing.T) {
	err := CheckedWrite(failingCore(), entryAt(zapcore.InfoLevel), nil)
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("err = %v, want disk full", err)
	}
	err = CheckedWrite(zapcore.NewTee(failingCore(), failingCore()), entryAt(zapcore.InfoLevel), nil)
	if err == nil || err.Error() != "disk full; disk full" {
		t.Fatalf("through a tee of two failing cores: err = %v, want both errors", err)
	}
	obs, _ := observer.New(zapcore.DebugLevel)
	if err := CheckedWrite(obs, entryAt(zapcore.InfoLevel), nil); err != nil {
		t.Fatalf("a write that succeeds: err = %v", err)
	}
	// The pooled capture holds nothing of an earlier error.
	if err := CheckedWrite(zapcore.NewTee(obs, obs), entryAt(zapcore.InfoLevel), nil); err != nil {
		t.Fatalf("after a failure, a write that succeeds: err = %v", err)
	}
}
