package encoder

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSortedOrder checks sortedOrder's order against a stable sort by key,
// over keys that share long prefixes, differ past eight bytes, are
// prefixes of each other, hold bytes above 0x7f and repeat.
func TestSortedOrder(t *testing.T) {
	alphabet := []string{"", "a", "b", "\x00", "\xff", "é", "abcdefgh", "abcdefghi", "abcdefgh\x00", "z"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		var kvs []keyValue
		for range r.IntN(14) {
			var b strings.Builder
			for range r.IntN(4) {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			}
			kvs = append(kvs, keyValue{key: b.String(), start: len(kvs)})
		}
		want := slices.Clone(kvs)
		slices.SortStableFunc(want, func(a, b keyValue) int { return strings.Compare(a.key, b.key) })
		order := sortedOrder(nil, kvs)
		for i, o := range order {
			if kvs[o].key != want[i].key || kvs[o].start != want[i].start {
				t.Fatalf("keys %q: sortedOrder gives %v; want the order of %v", keysOf(kvs), order, keysOf(want))
			}
		}
	}
}

func keysOf(kvs []keyValue) []string {
	var ks []string
	for _, kv := range kvs {
		ks = append(ks, kv.key)
	}
	return ks
}
