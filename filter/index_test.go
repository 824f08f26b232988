package filter

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

// The index must decide as a scan of every directive does. These are the
// scans, written from the rules: the longest target directive whose
// target is a prefix wins, then the default, then off; span directives
// match by a prefix of the target and a span named in the chain, the most
// permissive winning.

func scanLevel(f *Filter, target string) zapcore.Level {
	best, found := -1, false
	lvl := OffLevel
	for _, d := range f.targets {
		if strings.HasPrefix(target, d.Target) && len(d.Target) > best {
			best, found, lvl = len(d.Target), true, d.Level
		}
	}
	if !found && f.hasDef {
		return f.def
	}
	return lvl
}

func scanSpanFloor(f *Filter, target string) zapcore.Level {
	lvl := OffLevel
	for _, d := range f.spans {
		if strings.HasPrefix(target, d.Target) {
			lvl = min(lvl, d.Level)
		}
	}
	return lvl
}

func scanSpanLevel(f *Filter, target string, chain []vocab.Span) zapcore.Level {
	lvl := OffLevel
	for _, d := range f.spans {
		if !strings.HasPrefix(target, d.Target) {
			continue
		}
		for _, s := range chain {
			if s.Name == d.Span {
				lvl = min(lvl, d.Level)
			}
		}
	}
	return lvl
}

func scanSubtreeLevel(f *Filter, target string) zapcore.Level {
	lvl := scanLevel(f, target)
	for _, d := range f.targets {
		if len(d.Target) > len(target) && strings.HasPrefix(d.Target, target) {
			lvl = min(lvl, d.Level)
		}
	}
	for _, d := range f.spans {
		if strings.HasPrefix(target, d.Target) || strings.HasPrefix(d.Target, target) {
			lvl = min(lvl, d.Level)
		}
	}
	return lvl
}

// TestIndexMatchesScan builds random filters over a small alphabet, so that
// targets share prefixes, split one another's edges and nest, and checks
// every lookup against the scans, for the directives' targets, their
// prefixes and extensions, and names no directive is near.
func TestIndexMatchesScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	word := func(max int) string {
		b := make([]byte, rng.IntN(max+1))
		for i := range b {
			b[i] = "ab:_"[rng.IntN(4)]
		}
		return string(b)
	}
	levels := []zapcore.Level{traceLevel, zapcore.DebugLevel, zapcore.InfoLevel, zapcore.WarnLevel, zapcore.ErrorLevel, OffLevel}
	spanNames := []string{"s1", "s2", "s3"}
	for round := 0; round < 300; round++ {
		var ds []Directive
		for i := rng.IntN(30); i > 0; i-- {
			d := Directive{Target: word(6), Level: levels[rng.IntN(len(levels))]}
			if rng.IntN(3) == 0 {
				d.Span = spanNames[rng.IntN(len(spanNames))]
			}
			ds = append(ds, d)
		}
		f := New(ds...)
		names := []string{"", "zzz", "a", "ab", "ab:", "ba_b"}
		for _, d := range ds {
			names = append(names, d.Target, d.Target+"a", d.Target+"zz", d.Target[:len(d.Target)/2])
		}
		for i := 0; i < 20; i++ {
			names = append(names, word(8))
		}
		chains := [][]vocab.Span{nil, {{Name: "s1"}}, {{Name: "x"}, {Name: "s2"}, {Name: "s3"}}, {{Name: "s3"}, {Name: "s1"}}}
		for _, name := range names {
			where := fmt.Sprintf("filter %q, target %q", f.String(), name)
			if got, want := f.Level(name), scanLevel(f, name); got != want {
				t.Fatalf("%s: Level %v, want %v", where, got, want)
			}
			if got, want := f.index.lookup(name).spanFloor, scanSpanFloor(f, name); got != want {
				t.Fatalf("%s: span floor %v, want %v", where, got, want)
			}
			if got, want := f.subtreeLevel(name), scanSubtreeLevel(f, name); got != want {
				t.Fatalf("%s: subtree level %v, want %v", where, got, want)
			}
			for _, chain := range chains {
				if got, want := f.spanLevel(name, chain), scanSpanLevel(f, name, chain); got != want {
					t.Fatalf("%s, chain %v: span level %v, want %v", where, chain, got, want)
				}
			}
		}
	}
}
