package calltrace

import "testing"

// The three functions differ only in their first line, so BenchmarkCall/off
// minus BenchmarkCall/none is what defer Call()() costs while call tracing is
// off.

//go:noinline
func callBenchNone(n int) int {
	return n*3 + 1
}

//go:noinline
func callBenchTraced(n int) int {
	defer Call()()
	return n*3 + 1
}

func BenchmarkCall(b *testing.B) {
	b.Run("none", func(b *testing.B) {
		b.ReportAllocs()
		sum := 0
		for i := 0; b.Loop(); i++ {
			sum += callBenchNone(i)
		}
		callBenchSink = sum
	})
	b.Run("off", func(b *testing.B) {
		if err := Disable(); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		sum := 0
		for i := 0; b.Loop(); i++ {
			sum += callBenchTraced(i)
		}
		callBenchSink = sum
	})
	b.Run("on", func(b *testing.B) {
		callTestEnable(b)
		b.ReportAllocs()
		sum := 0
		for i := 0; b.Loop(); i++ {
			sum += callBenchTraced(i)
		}
		callBenchSink = sum
	})
}

var callBenchSink int
