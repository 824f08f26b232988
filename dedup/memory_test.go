package dedup

import (
	"runtime"
	"strconv"
	"testing"

	"go.uber.org/zap/zapcore"
)

// Bounds of the package doc's Memory section, which these tests hold the
// cache to: 48 bytes a key (a 16-byte ring entry and four 8-byte hash table
// slots) besides the key's own bytes and their 4-byte length.
const (
	overheadPerKey = 48
	typicalKey     = 4 + 62 // a 20-byte logger name and a 40-byte message make a 62-byte key
	heapSlack      = 512 << 10
)

// worstHeap bounds a full cache whatever its keys: the per-key overhead
// for DefaultCap keys, and chunks of DefaultMaxKeyBytes.
const worstHeap = DefaultCap*overheadPerKey + DefaultMaxKeyBytes

// discardCore prints everything, nowhere, at no cost: the memory is the
// once-only core's.
type discardCore struct{}

func (discardCore) Enabled(zapcore.Level) bool                 { return true }
func (c discardCore) With([]zapcore.Field) zapcore.Core        { return c }
func (discardCore) Write(zapcore.Entry, []zapcore.Field) error { return nil }
func (discardCore) Sync() error                                { return nil }
func (c discardCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	return ce.AddCore(ent, c)
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// logUnique writes n distinct once-only lines whose messages are msgLen
// long to a once-only core with the default bounds, as a logger named with
// 20 bytes would, and returns how much the heap grew and the core's state.
// It calls the core's Write, as zap does after Check: the race detector
// makes a million trips through the whole logger slow, and the memory is
// the same.
func logUnique(t *testing.T, n, msgLen int) (uint64, *state) {
	t.Helper()
	msgs := make([]string, n)
	buf := make([]byte, 0, msgLen+32)
	for i := range msgs {
		buf = strconv.AppendInt(append(buf[:0], "unique line "...), int64(i), 10)
		for len(buf) < msgLen {
			buf = append(buf, '.')
		}
		msgs[i] = string(buf)
	}
	fields := []zapcore.Field{Once()}
	before := heapInUse()
	c := NewCore(discardCore{}, WithRanks(Ranks{}))
	ent := zapcore.Entry{LoggerName: "dynamo_llm::kv_route", Level: zapcore.InfoLevel}
	for _, m := range msgs {
		ent.Message = m
		if err := c.Write(ent, fields); err != nil {
			t.Fatal(err)
		}
	}
	after := heapInUse()
	runtime.KeepAlive(msgs)
	st := dedupState(c)
	runtime.KeepAlive(c)
	if after < before {
		return 0, st
	}
	return after - before, st
}

func TestMemoryBoundTypical(t *testing.T) {
	lines := 1_000_000
	if raceEnabled {
		lines = 250_000 // still the steady state: every line past DefaultCap evicts one
	}
	grown, st := logUnique(t, lines, 40)
	if n := st.cache.count(); n != DefaultCap {
		t.Errorf("the cache holds %d keys, want DefaultCap (%d)", n, DefaultCap)
	}
	bound := uint64(DefaultCap*(overheadPerKey+typicalKey) + heapSlack)
	t.Logf("%d distinct lines: the heap grew %d bytes (%.1f per key held; bound %d)", lines, grown, float64(grown)/DefaultCap, bound)
	if grown > bound {
		t.Errorf("the heap grew %d bytes, more than the documented %d", grown, bound)
	}
}

// Long keys make the byte bound the one that binds: 129-byte keys, about as
// many as both bounds allow, and 4,097-byte ones.
func TestMemoryBoundWorst(t *testing.T) {
	if raceEnabled {
		// make test runs it again without -race, where it counts.
		t.Skip("a million lines, slow under the race detector, which also inflates the heap")
	}
	for _, msgLen := range []int{107, 4075} { // 129- and 4,097-byte keys
		grown, st := logUnique(t, 1_000_000/(1+msgLen/1000), msgLen)
		t.Logf("%d-byte messages: %d keys held, the heap grew %d bytes (bound %d)", msgLen, st.cache.count(), grown, worstHeap+heapSlack)
		if grown > worstHeap+heapSlack {
			t.Errorf("%d-byte messages: the heap grew %d bytes, more than the documented %d", msgLen, grown, worstHeap+heapSlack)
		}
		if n := st.cache.liveBytes; n > DefaultMaxKeyBytes {
			t.Errorf("%d-byte messages: chunks of %d bytes, more than DefaultMaxKeyBytes", msgLen, n)
		}
	}
}
