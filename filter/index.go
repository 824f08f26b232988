package filter

import (
	"strings"

	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap/zapcore"
)

// node is a node of a filter's index: a radix tree of the targets of its
// directives, target and span alike. The directives whose target is a
// prefix of a name lie on the path from the root along the name's bytes, so
// finding them costs one step per node on that path, bounded by the name's
// length, however many directives the filter holds.
type node struct {
	// edge is the bytes from the parent to this node; the root's is "".
	edge string
	// keys are the first bytes of the children's edges, in order; kids
	// the children, in the same order.
	keys []byte
	kids []*node

	// level is the level of the target directive whose target ends here,
	// if hasLevel.
	level    zapcore.Level
	hasLevel bool
	// spans maps the span names of the span directives whose target ends
	// here to their levels; spanMin is the lowest of them, OffLevel if
	// none.
	spans   map[string]zapcore.Level
	spanMin zapcore.Level
	// subMin is the lowest level of any directive whose target ends here
	// or below: what a name that ends at or above this node can reach.
	subMin zapcore.Level
}

// buildIndex returns the index of target directives targets and span
// directives spans, their targets distinct per kind and span pair (New
// merged the repeats).
func buildIndex(targets, spans []Directive) *node {
	root := &node{spanMin: OffLevel}
	for _, d := range targets {
		n := root.insert(d.Target)
		n.level, n.hasLevel = d.Level, true
	}
	for _, d := range spans {
		n := root.insert(d.Target)
		if n.spans == nil {
			n.spans = map[string]zapcore.Level{}
		}
		n.spans[d.Span] = d.Level
		n.spanMin = min(n.spanMin, d.Level)
	}
	root.fillSubMin()
	return root
}

// insert returns the node at which s, read from n, ends, adding it and
// splitting an edge if need be.
func (n *node) insert(s string) *node {
	for s != "" {
		i, ok := n.kid(s[0])
		if !ok {
			c := &node{edge: s, spanMin: OffLevel}
			n.keys = append(n.keys, 0)
			n.kids = append(n.kids, nil)
			copy(n.keys[i+1:], n.keys[i:])
			copy(n.kids[i+1:], n.kids[i:])
			n.keys[i], n.kids[i] = s[0], c
			return c
		}
		c := n.kids[i]
		p := commonPrefix(c.edge, s)
		if p < len(c.edge) {
			// s leaves or ends inside c's edge: a node where it does.
			mid := &node{edge: c.edge[:p], spanMin: OffLevel, keys: []byte{c.edge[p]}, kids: []*node{c}}
			c.edge = c.edge[p:]
			n.kids[i] = mid
			c = mid
		}
		n, s = c, s[p:]
	}
	return n
}

// kid is the index of the child whose edge starts with b, and whether there
// is one; if not, the index at which it would go.
func (n *node) kid(b byte) (int, bool) {
	lo, hi := 0, len(n.keys)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if n.keys[m] < b {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(n.keys) && n.keys[lo] == b
}

// fillSubMin sets subMin in n and below, and returns n's.
func (n *node) fillSubMin() zapcore.Level {
	n.subMin = n.spanMin
	if n.hasLevel {
		n.subMin = min(n.subMin, n.level)
	}
	for _, c := range n.kids {
		n.subMin = min(n.subMin, c.fillSubMin())
	}
	return n.subMin
}

func commonPrefix(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// match is what the index knows about one target.
type match struct {
	// level is the level of the longest target directive whose target is
	// a prefix of the target; found reports whether there is one.
	level zapcore.Level
	found bool
	// spanFloor is the lowest level of the span directives whose target is
	// a prefix of the target, OffLevel if none.
	spanFloor zapcore.Level
	// below is the lowest level of the directives whose target starts with
	// the target (the target itself included), OffLevel if none.
	below zapcore.Level
}

// lookup walks the index, from its root n, along target: one step per node whose edge the
// target holds.
func (n *node) lookup(target string) match {
	m := match{spanFloor: n.spanMin, below: OffLevel}
	s := target
	for {
		if s == "" {
			m.below = n.subMin
			return m
		}
		i, ok := n.kid(s[0])
		if !ok {
			return m
		}
		c := n.kids[i]
		if !strings.HasPrefix(s, c.edge) {
			if strings.HasPrefix(c.edge, s) {
				m.below = c.subMin // the target ends inside c's edge
			}
			return m
		}
		n, s = c, s[len(c.edge):]
		if n.hasLevel {
			m.level, m.found = n.level, true
		}
		m.spanFloor = min(m.spanFloor, n.spanMin)
	}
}

// spanLevel is the lowest level of the span directives whose target is a
// prefix of target and whose span is named in chain, OffLevel if none: one
// map lookup per name of the chain at each node of target's path that holds
// span directives.
func (n *node) spanLevel(target string, chain []vocab.Span) zapcore.Level {
	lvl := OffLevel
	s := target
	for {
		if n.spans != nil && n.spanMin < lvl {
			for i := range chain {
				if l, ok := n.spans[chain[i].Name]; ok {
					lvl = min(lvl, l)
				}
			}
		}
		if s == "" {
			return lvl
		}
		i, ok := n.kid(s[0])
		if !ok || !strings.HasPrefix(s, n.kids[i].edge) {
			return lvl
		}
		n = n.kids[i]
		s = s[len(n.edge):]
	}
}
