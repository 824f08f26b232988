package filter_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap/zapcore"
)

// The per-name cache finds a name by where its bytes are before walking
// the index. These cases would print the wrong level if it keyed on the address
// alone: prefixes of one string share its address, and equal names made
// apart have different ones.
func TestLevelCacheByAddress(t *testing.T) {
	f, err := filter.Parse("info,dyn=warn,dynamo=debug,dynamo_runtime=trace")
	if err != nil {
		t.Fatal(err)
	}
	name := "dynamo_runtime::x"
	want := map[string]zapcore.Level{
		name:     trace,
		name[:6]: zapcore.DebugLevel, // "dynamo", at name's address
		name[:3]: zapcore.WarnLevel,  // "dyn", at name's address
		name[:2]: zapcore.InfoLevel,  // "dy", at name's address
		name[7:]: zapcore.InfoLevel,  // "runtime::x", inside name
	}
	for round := 0; round < 3; round++ {
		for _, s := range []string{name, name[:6], name[:3], name[:2], name[7:], strings.Clone(name), strings.Clone(name[:6])} {
			if got := f.Level(s); got != want[s] {
				t.Errorf("round %d: Level(%q) = %v, want %v", round, s, got, want[s])
			}
		}
	}
}

// Many more names than the cache has slots, so that names share slots,
// looked up from 8 goroutines at once (run with -race): each gets the level
// a fresh filter computes.
func TestLevelCacheManyNames(t *testing.T) {
	const spec = "warn,svc_1=debug,svc_22=error,svc_3=trace,svc_4::a=info"
	f, err := filter.Parse(spec)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 1000)
	want := make([]zapcore.Level, len(names))
	for i := range names {
		names[i] = fmt.Sprintf("svc_%d::a::b", i)
		fresh, _ := filter.Parse(spec)
		want[i] = fresh.Level(names[i])
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 20; round++ {
				for i := range names {
					j := (i*7 + g*131 + round) % len(names)
					if got := f.Level(names[j]); got != want[j] {
						t.Errorf("Level(%q) = %v, want %v", names[j], got, want[j])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}

// 10,000 names, far more than the cache's slots, looked up from 4
// goroutines at once, with span directives: every name, in the cache or
// not, gets the level a fresh filter computes.
func TestLevelCachePastItsBound(t *testing.T) {
	const spec = "warn,svc_1=debug,svc_22=error,[s]=trace,svc_3[q]=info"
	f := mustParse(t, spec)
	names := make([]string, 10000)
	want := make([]zapcore.Level, len(names))
	for i := range names {
		names[i] = fmt.Sprintf("svc_%d", i)
		want[i] = mustParse(t, spec).Level(names[i])
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 3; round++ {
				for i := range names {
					j := (i*13 + g*2503 + round) % len(names)
					if got := f.Level(names[j]); got != want[j] {
						t.Errorf("Level(%q) = %v, want %v", names[j], got, want[j])
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
