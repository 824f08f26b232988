package filter

import (
	"fmt"
	"strings"

	"github.com/dynlog/dynlog/internal/outside"
)

// Bounds of [Change.String]: each list of directives holds what fits in
// changeListBytes, each directive cut to changeItemBytes.
const (
	changeListBytes = 512
	changeItemBytes = 128
	changeByBytes   = 256
)

// MaxChangeBytes bounds the length of [Change.String], however many
// directives changed and however long By is.
const MaxChangeBytes = 2048

// String says in one line who changed what, as core's audit line does:
//
//	filter replaced by HTTP PUT from 127.0.0.1:52114: 1 directive added, 15 removed; added debug; removed warn, h2=error, … (13 more)
//	configured filter replaced by SIGHUP; the runtime override stays in force: no directive changed
//
// The first form is for a change of the filter in force, the second for a
// change of the configured filter beneath a runtime override, which stays
// in force. A directive is added or removed by its target, span and level
// (a level changed is one of each); its Source plays no part. Each list
// names the directives in [Filter.Directives]' order while they fit in 512
// bytes, and says how many more there are. By and the directives are text
// from outside the program (a remote address, a target sent over HTTP): they
// are escaped so that they cannot break the line or drive a terminal, and
// cut, so that the line is at most [MaxChangeBytes] bytes long.
func (c Change) String() string {
	var b strings.Builder
	before, after := c.Old, c.New
	if c.Overridden && c.Old == c.New {
		before, after = c.OldConfigured, c.Configured
		b.WriteString("configured filter replaced by ")
		b.WriteString(outside.Cut(c.By, changeByBytes))
		b.WriteString("; the runtime override stays in force: ")
	} else {
		b.WriteString("filter replaced by ")
		b.WriteString(outside.Cut(c.By, changeByBytes))
		b.WriteString(": ")
	}
	added, removed := Diff(before, after)
	if len(added) == 0 && len(removed) == 0 {
		b.WriteString("no directive changed")
		return b.String()
	}
	noun := "directives"
	if len(added) == 1 {
		noun = "directive"
	}
	fmt.Fprintf(&b, "%d %s added, %d removed", len(added), noun, len(removed))
	writeList(&b, "; added ", added)
	writeList(&b, "; removed ", removed)
	if b.Len() > MaxChangeBytes {
		// Only escapes can make it so long: cut the escaped text, which
		// Cut keeps as it is, leaving room for the marker.
		return outside.Cut(b.String(), MaxChangeBytes-32)
	}
	return b.String()
}

// writeList writes head and the directives ds, as many as fit in
// changeListBytes, then how many did not; nothing if ds is empty.
func writeList(b *strings.Builder, head string, ds []Directive) {
	if len(ds) == 0 {
		return
	}
	b.WriteString(head)
	n := 0
	for i, d := range ds {
		item := outside.Cut(d.String(), changeItemBytes)
		if i > 0 {
			if n+len(", ")+len(item) > changeListBytes {
				fmt.Fprintf(b, ", … (%d more)", len(ds)-i)
				return
			}
			b.WriteString(", ")
			n += len(", ")
		}
		b.WriteString(item)
		n += len(item)
	}
}

// Diff lists the directives of after that before does not hold, and those
// of before that after does not, each in [Filter.Directives]' order. Two
// directives are the same when their target, span and level are; a nil
// filter holds none.
func Diff(before, after *Filter) (added, removed []Directive) {
	type key struct{ target, span string }
	levels := func(f *Filter) (map[key]Directive, []Directive) {
		if f == nil {
			return nil, nil
		}
		ds := f.Directives()
		m := make(map[key]Directive, len(ds))
		for _, d := range ds {
			m[key{d.Target, d.Span}] = d
		}
		return m, ds
	}
	bm, bds := levels(before)
	am, ads := levels(after)
	for _, d := range ads {
		if o, ok := bm[key{d.Target, d.Span}]; !ok || o.Level != d.Level {
			added = append(added, d)
		}
	}
	for _, d := range bds {
		if n, ok := am[key{d.Target, d.Span}]; !ok || n.Level != d.Level {
			removed = append(removed, d)
		}
	}
	return added, removed
}
