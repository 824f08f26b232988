package encoder_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// bigText is n bytes of words, with a newline every lineEvery bytes when
// lineEvery > 0.
func bigText(n, lineEvery int) string {
	var b strings.Builder
	b.Grow(n)
	for b.Len() < n {
		if lineEvery > 0 && b.Len() > 0 && b.Len()%lineEvery < 8 {
			b.WriteString("request\n")
			continue
		}
		b.WriteString("payload ")
	}
	return b.String()[:n]
}

// allocatedByLine returns the bytes allocated by one call of write, and the
// size of what it printed, measured after a warm-up call and a collection.
func allocatedByLine(t *testing.T, write func() int) (alloc uint64, size int) {
	t.Helper()
	write() // warm-up: pools and lazily built state
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	size = write()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, size
}

// TestEncodeMemoryProportional: a line with a 10 MB message and a 10 MB
// string field costs at most three times its own size in allocations, in
// every layout, encoding and writing included.
func TestEncodeMemoryProportional(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates tens of megabytes")
	}
	const size = 10 << 20
	flat, lines := bigText(size, 0), bigText(size, 100)
	for _, tc := range []struct {
		name string
		enc  zapcore.Encoder
		msg  string
	}{
		{"jsonl", encoder.NewJSONL(), flat},
		{"jsonl multi-line", encoder.NewJSONL(), lines},
		{"readable", encoder.NewReadable(), flat},
		{"readable colour", encoder.NewReadable(encoder.WithColor(true)), flat},
		{"vllm", encoder.NewVLLM(), flat},
		{"vllm multi-line", encoder.NewVLLM(), lines},
		{"vllm multi-line colour prefix", encoder.NewVLLM(encoder.WithColor(true), encoder.WithPrefix("%(name)s "), encoder.WithProcessName("W")), lines},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ent := zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Unix(1, 0), LoggerName: "big", Message: tc.msg}
			alloc, n := allocatedByLine(t, func() int {
				buf, err := tc.enc.EncodeEntry(ent, []zapcore.Field{zap.String("payload", flat), zap.Int("n", 1)})
				if err != nil {
					t.Fatal(err)
				}
				n := buf.Len()
				buf.Free()
				return n
			})
			t.Logf("line %d bytes, allocated %d bytes (%.2f×)", n, alloc, float64(alloc)/float64(n))
			if n < 2*len(flat) {
				t.Fatalf("a line of %d bytes: the message and the field (%d bytes each) were not both written", n, len(flat))
			}
			if alloc > 3*uint64(n) {
				t.Errorf("allocated %d bytes for a line of %d bytes: more than 3×", alloc, n)
			}
		})
	}
}
