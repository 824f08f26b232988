package vocab

import (
	"testing"

	"github.com/dynlog/dynlog/internal/spancache"
	"go.uber.org/zap"
)

func TestSpansCache(t *testing.T) {
	s := &Spans{TraceID: "t", Chain: []Span{{Name: "outer"}, {Name: "inner"}}}
	if spancache.Of(s).Load() != nil {
		t.Fatal("a new Spans has a cached encoding")
	}
	v := any(42)
	spancache.Of(s).Store(&v)
	if got := spancache.Of(s).Load(); got != 42 {
		t.Fatalf("the slot holds %v", got)
	}
	if other := (&Spans{}); spancache.Of(other).Load() != nil {
		t.Fatal("another Spans shares the slot")
	}
	if k := s.Keys(); k[0] != (SpanKey{KeySpanName, "inner"}) || k[1] != (SpanKey{KeyTraceID, "t"}) {
		t.Fatalf("Keys = %v", k)
	}
	if (&Spans{}).Innermost() != nil {
		t.Fatal("Innermost of an empty chain")
	}
	// Caching allocates nothing: a Spans built for one line (a span the
	// tracing core has no record of) is cached once per line.
	p := new(any)
	*p = s
	if n := testing.AllocsPerRun(100, func() {
		spancache.Of(s).Store(p)
		_ = spancache.Of(s).Load()
	}); n != 0 {
		t.Errorf("Store and Load: %v allocations, want 0", n)
	}
}

// SpansField is the field zap.Object and zap.Skip would make.
func TestSpansField(t *testing.T) {
	s := &Spans{TraceID: "t"}
	if got, want := SpansField(s), zap.Object(SpansKey, s); !got.Equals(want) {
		t.Errorf("SpansField = %+v, want %+v", got, want)
	}
	if got := SpansField(nil); !got.Equals(zap.Skip()) {
		t.Errorf("SpansField(nil) = %+v, want zap.Skip()", got)
	}
}
