package main

import (
	"io"
	"strconv"
	"testing"
)

// benchSpans is about the size that took quadratic time when loops were
// cut by looking for each loop's parent among all the spans.
const benchSpans = 98_000

// benchTrace runs trace on a file of benchSpans spans, parentOf linking
// them: the time of the loops and of the tree should be about the same.
func benchTrace(b *testing.B, parentOf func(int) string) {
	path := writeSpans(b, bigTrace, benchSpans, parentOf, nil)
	b.ResetTimer()
	for b.Loop() {
		if code := trace([]string{path}, nil, io.Discard, io.Discard); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

// BenchmarkTraceLoops draws spans that are each other's parents, in pairs.
func BenchmarkTraceLoops(b *testing.B) { benchTrace(b, loopPairs) }

// BenchmarkTraceTree draws a tree of as many spans.
func BenchmarkTraceTree(b *testing.B) { benchTrace(b, binaryTree) }

// BenchmarkTraceChain draws a chain of spans, each the parent of the next.
func BenchmarkTraceChain(b *testing.B) {
	benchTrace(b, func(i int) string {
		if i == 0 {
			return ""
		}
		return "s" + strconv.Itoa(i-1)
	})
}
