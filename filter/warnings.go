package filter

import (
	"fmt"
	"strings"

	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/outside"
)

// levelWords are the level words a target is compared with to catch a
// misspelt level, which the grammar reads as a target at trace: the DYN_LOG
// words, whose order breaks ties.
var levelWords = levels.DynLogWords()

// A warning names at most maxListed targets or directives, and shows a
// spec quoted and cut as outside.Quote cuts text: a filter may hold up to
// MaxDirectives, and a warning is read by a person.
const maxListed = 8

// maxTypoDistance is the largest edit distance between a target and a
// level word at which the target is taken for a misspelt level.
const maxTypoDistance = 2

// Warnings lists what in the filter is probably not what its author meant,
// one sentence each, in the order found; nil if nothing is. The filter
// works as written all the same (a bare target still means that target at
// trace, as in Dynamo); the warnings are for showing to a person:
//
//   - with no default level, a target that is within two edits of a level
//     word ("dbug", "inf", "warnign"), with the word it was probably meant
//     to be;
//   - with no default level and no such target, that lines of every target
//     no directive names print nothing;
//   - that the filter turns every line off.
//
// Directives whose Source is [SourceBuiltin] are never the subject of a
// warning. A warning names at most eight targets, and at most eight
// misspelt levels are warned of, then one line counts the rest: a filter
// may hold [MaxDirectives].
func (f *Filter) Warnings() []string { return f.warnings }

// check computes Warnings.
func (f *Filter) check() []string {
	var out []string
	defaultOff := !f.hasDef || f.def >= OffLevel
	var named []string
	typos := 0
	builtinPrints := false
	userAllOff := defaultOff
	for _, d := range append(append([]Directive(nil), f.targets...), f.spans...) {
		if d.Source == SourceBuiltin {
			builtinPrints = builtinPrints || d.Level < OffLevel
			continue
		}
		if d.Level < OffLevel {
			userAllOff = false
		}
		if d.Span != "" || d.Target == "" {
			continue
		}
		named = append(named, d.Target)
		if f.hasDef {
			continue
		}
		if word := nearLevelWord(d.Target); word != "" {
			if typos++; typos > maxListed {
				continue
			}
			out = append(out, fmt.Sprintf("filter: %q%s reads %q as a target printed at %s, not as a level, and no directive sets a default level, so lines of every other target print nothing; did you mean %q?",
				d.String(), from(d.Source), d.Target, LevelName(d.Level), word))
		}
	}
	if typos > maxListed {
		out = append(out, fmt.Sprintf("filter: %d more directives read a misspelt level as a target", typos-maxListed))
	}
	if userAllOff {
		spec := f.userSpec()
		but := ""
		if builtinPrints {
			but = "; only the built-in directives (such as h2=error) still print"
		}
		if spec == "" {
			return append(out, "filter: no directive sets a level, so every line is off"+but)
		}
		return append(out, fmt.Sprintf("filter: %s turns every line off%s", outside.Quote(spec), but))
	}
	if !f.hasDef && len(out) == 0 && len(named) > 0 {
		var quoted []string
		for _, n := range named[:min(len(named), maxListed)] {
			quoted = append(quoted, fmt.Sprintf("%q", n))
		}
		if more := len(named) - len(quoted); more > 0 {
			quoted = append(quoted, fmt.Sprintf("%d more", more))
		}
		out = append(out, fmt.Sprintf("filter: no directive sets a default level (a bare level such as \"info\"), so only lines of %s print and every other target's are off",
			strings.Join(quoted, ", ")))
	}
	return out
}

// userSpec is the filter as a spec, built-in directives left out.
func (f *Filter) userSpec() string {
	var parts []string
	for _, d := range f.Directives() {
		if d.Source != SourceBuiltin {
			parts = append(parts, d.String())
		}
	}
	return strings.Join(parts, ",")
}

// from is " (from SOURCE)", or "" for an unknown source.
func from(source string) string {
	if source == "" {
		return ""
	}
	return " (from " + source + ")"
}

// nearLevelWord is the level word closest to target within
// maxTypoDistance edits, compared without regard to case, or "".
func nearLevelWord(target string) string {
	t := strings.ToLower(target)
	best, bestDist := "", maxTypoDistance+1
	for _, w := range levelWords {
		if d := editDistance(t, w); d < bestDist {
			best, bestDist = w, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, by bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
