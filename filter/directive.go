package filter

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"go.uber.org/zap/zapcore"
)

// Directive is one element of a DYN_LOG spec. A directive with
// neither Target nor Span is the default level.
type Directive struct {
	Target string        // a prefix of the targets it applies to; "" for all
	Span   string        // the span name it applies inside; "" for none
	Level  zapcore.Level // the lowest level printed; OffLevel for off
	// Source says where the directive came from, for people reading the
	// filter (the handler's answers, warnings): [SourceBuiltin], a TOML
	// file's path, "env DYN_LOG", [SourceRuntime]. [Parse] leaves it empty;
	// it plays no part in matching.
	Source string
}

// Sources that this package and core give directives.
const (
	// SourceBuiltin marks directives a program sets itself, such as
	// [github.com/dynlog/dynlog/core.BuiltinTargets]' and the default level
	// when nothing sets one.
	SourceBuiltin = "built-in"
	// SourceRuntime marks directives set through the HTTP handler.
	SourceRuntime = "runtime"
)

// WithSource returns the directives with Source set to source.
func WithSource(ds []Directive, source string) []Directive {
	out := make([]Directive, len(ds))
	for i, d := range ds {
		d.Source = source
		out[i] = d
	}
	return out
}

// String writes d back in DYN_LOG form.
func (d Directive) String() string {
	var b strings.Builder
	b.WriteString(d.Target)
	if d.Span != "" {
		b.WriteString("[" + d.Span + "]")
	}
	if b.Len() > 0 {
		b.WriteByte('=')
	}
	b.WriteString(LevelName(d.Level))
	return b.String()
}

// ParseError is what [Parse] returns when it skipped directives. Its message
// has one line per skipped directive.
type ParseError struct {
	// Skipped are the directives that did not parse, each with why.
	Skipped []error
}

func (e *ParseError) Error() string {
	lines := make([]string, len(e.Skipped))
	for i, err := range e.Skipped {
		lines[i] = err.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives errors.Is and errors.As the skipped directives' errors.
func (e *ParseError) Unwrap() []error { return e.Skipped }

// MaxDirectives is how many directives a spec may hold: [Parse] keeps the
// first MaxDirectives and skips the rest, and the level handler refuses a
// spec that holds more, or a PATCH that would make the runtime layer hold
// more. Programs set tens; the bound keeps what a PUT can make the process
// build, hold and report small.
const MaxDirectives = 1024

// ErrTooManyDirectives is what [Parse]'s error wraps when the spec holds
// more than [MaxDirectives] directives.
var ErrTooManyDirectives = fmt.Errorf("more than the %d a filter may hold", MaxDirectives)

// Parse reads a DYN_LOG spec: comma-separated directives, empty ones
// dropped, each LEVEL, TARGET=LEVEL, TARGET (at TRACE), TARGET:LEVEL,
// [SPAN]=LEVEL or TARGET[SPAN]=LEVEL. A later directive for the same target
// and span replaces an earlier one.
//
// The returned [*Filter] is never nil and holds every directive that parsed,
// up to the first [MaxDirectives] of them. The error, a [*ParseError], names
// each directive that was skipped and why, and says how many were skipped
// past the bound ([ErrTooManyDirectives]); it is nil when every directive
// parsed and was kept.
func Parse(spec string) (*Filter, error) {
	var ds []Directive
	var perr ParseError
	n, firstOver := 0, ""
	for _, raw := range strings.Split(spec, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		d, err := parseDirective(raw)
		if err != nil {
			perr.Skipped = append(perr.Skipped, fmt.Errorf("filter: ignoring directive %q: %w", raw, err))
			continue
		}
		if n++; n > MaxDirectives {
			if firstOver == "" {
				firstOver = raw
			}
			continue
		}
		ds = append(ds, d)
	}
	if n > MaxDirectives {
		perr.Skipped = append(perr.Skipped, fmt.Errorf("filter: spec holds %d directives, %w: ignoring the %d from %q on",
			n, ErrTooManyDirectives, n-MaxDirectives, cutDirective(firstOver)))
	}
	f := New(ds...)
	if len(perr.Skipped) == 0 {
		return f, nil
	}
	return f, &perr
}

// cutDirective is s, or its first bytes if it is long enough to swamp the
// message that names it.
func cutDirective(s string) string {
	const keep = 64
	if len(s) <= keep {
		return s
	}
	n := keep
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Errors a directive can be skipped for; [Parse] wraps them with the
// directive's text.
var (
	ErrEmptyTarget = errors.New("empty target before '='")
	ErrBadSpan     = errors.New("a span must be written [name] after the target, with a non-empty name")
	ErrBadTarget   = errors.New("a target cannot hold spaces, '=', '[' or ']'")
	ErrBadUTF8     = errors.New("a target or span is not valid UTF-8")
)

func parseDirective(s string) (Directive, error) {
	if i := strings.LastIndexByte(s, '='); i >= 0 {
		lvl, err := ParseLevel(s[i+1:])
		if err != nil {
			return Directive{}, err
		}
		if strings.TrimSpace(s[:i]) == "" {
			return Directive{}, ErrEmptyTarget
		}
		return parseSelector(strings.TrimSpace(s[:i]), lvl)
	}
	if lvl, err := ParseLevel(s); err == nil {
		return Directive{Level: lvl}, nil
	}
	// TARGET:LEVEL, the form of Dynamo's guide: the part after the last
	// single ':' (not one of a "::" pair) is a level word.
	if i := lastSingleColon(s); i >= 0 {
		if lvl, err := ParseLevel(s[i+1:]); err == nil {
			return parseSelector(strings.TrimSpace(s[:i]), lvl) // as around '='
		}
	}
	return parseSelector(s, traceLevel)
}

// parseSelector reads TARGET, [SPAN] or TARGET[SPAN].
func parseSelector(s string, lvl zapcore.Level) (Directive, error) {
	d := Directive{Target: s, Level: lvl}
	if i := strings.IndexByte(s, '['); i >= 0 {
		if !strings.HasSuffix(s, "]") || i == len(s)-2 {
			return Directive{}, ErrBadSpan
		}
		d.Target, d.Span = s[:i], s[i+1:len(s)-1]
		if strings.ContainsAny(d.Span, "[]=") {
			return Directive{}, ErrBadSpan
		}
	}
	if err := checkTarget(d.Target); err != nil {
		return Directive{}, err
	}
	if d.Target == "" && d.Span == "" {
		return Directive{}, ErrEmptyTarget
	}
	if !utf8.ValidString(d.Span) {
		return Directive{}, ErrBadUTF8
	}
	return d, nil
}

// checkTarget says why s cannot be a directive's target, nil if it can. It
// refuses white space of any kind, not only ' ' and '\t': Parse trims it
// around a directive and its '=', so a target holding it would not read
// back from the filter's String as itself. And it refuses a target that is
// not valid UTF-8: logger names are text, and the level handler's JSON
// would show U+FFFD in its place. One pass, ASCII first: Parse checks every
// target.
func checkTarget(s string) error {
	for i := 0; i < len(s); {
		switch targetByte[s[i]] {
		case targetOK:
			i++
			continue
		case targetBad:
			return ErrBadTarget
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return ErrBadUTF8
		}
		if unicode.IsSpace(r) {
			return ErrBadTarget
		}
		i += n
	}
	return nil
}

// What a byte of a target is to checkTarget.
const (
	targetOK       = iota
	targetBad      // ASCII white space, '=', '[' or ']'
	targetNonASCII // the start or the rest of a multi-byte character
)

var targetByte = func() (t [256]uint8) {
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] = targetNonASCII
	}
	for _, c := range " \t\n\v\f\r=[]" {
		t[c] = targetBad
	}
	return t
}()

// lastSingleColon is the index of the last ':' that is not half of "::",
// or -1.
func lastSingleColon(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] != ':' {
			continue
		}
		if i > 0 && s[i-1] == ':' {
			i-- // skip the pair
			continue
		}
		return i
	}
	return -1
}
