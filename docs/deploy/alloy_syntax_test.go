package deploy

// This file holds a parser for Grafana Alloy's configuration syntax, so that
// `make test` rejects a malformed alloy/config.alloy without Alloy, whose
// parser (github.com/grafana/alloy/syntax) cannot be fetched here. It follows
// the grammar of Alloy's documentation
// (https://grafana.com/docs/alloy/latest/get-started/configuration-syntax/)
// and the EBNF written in the comments of Alloy's syntax/scanner and
// syntax/parser packages, which the comments below repeat. Unlike Alloy's
// parser it stops at the first error, and it does not evaluate anything:
// `alloy fmt` remains the authority on what Alloy accepts.

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// An alloyStmt is an attribute (Value is set) or a block (Value is nil).
type alloyStmt struct {
	Pos   alloyPos
	Name  string       // the attribute's name, or the block's dotted name
	Label string       // the block's label, without its quotes
	Value alloyExpr    // the attribute's value
	Body  []*alloyStmt // the block's attributes and blocks
}

// An alloyExpr is one of *alloyLiteral, *alloyIdent, *alloyAccess,
// *alloyIndex, *alloyCall, *alloyUnary, *alloyBinary, *alloyArray and
// *alloyObject. Parentheses leave no node of their own.
type alloyExpr any

type (
	// An alloyLiteral is a string, number, bool or null, as written.
	alloyLiteral struct {
		Pos  alloyPos
		Kind alloyTokKind
		Text string
	}
	alloyIdent struct {
		Pos  alloyPos
		Name string
	}
	alloyAccess struct { // X.Name
		X    alloyExpr
		Name string
	}
	alloyIndex struct{ X, Index alloyExpr } // X[Index]
	alloyCall  struct {                     // Fn(Args)
		Fn   alloyExpr
		Args []alloyExpr
	}
	alloyUnary struct {
		Op string
		X  alloyExpr
	}
	alloyBinary struct {
		Op   string
		X, Y alloyExpr
	}
	alloyArray  struct{ Elems []alloyExpr }
	alloyObject struct{ Fields []alloyField }
	alloyField  struct {
		Name  string // unquoted if it was a string
		Value alloyExpr
	}
)

// stringValue returns the value of a string literal.
func (l *alloyLiteral) stringValue() (string, bool) {
	if l.Kind != tokString {
		return "", false
	}
	s, err := strconv.Unquote(l.Text)
	return s, err == nil
}

// alloyPos is a position in the source: line and byte column, from 1.
type alloyPos struct{ Line, Col int }

func (p alloyPos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// An alloyError is a syntax error: where, and what was wrong.
type alloyError struct {
	Pos alloyPos
	Msg string
}

func (e *alloyError) Error() string { return e.Pos.String() + ": " + e.Msg }

type alloyTokKind int

const (
	tokEOF        alloyTokKind = iota
	tokTerminator              // a newline (or the end of the file) that ends a statement
	tokIdent
	tokNumber
	tokFloat
	tokString // double-quoted, or raw between backticks
	tokBool
	tokNull
	tokPunct // an operator or a delimiter; the token's text says which
)

// alloyParser scans and parses in one pass: the parser asks for one token
// at a time, so the first error reported is the first in the source.
type alloyParser struct {
	src        string
	lines      []int // the offset at which each line starts
	off        int   // the offset of the next byte to scan
	insertTerm bool  // whether a newline here ends a statement

	tok     alloyTokKind // the current token,
	lit     string       // its text,
	tokOff  int          // and its offset
	prevOff int          // the offset and the text of the token before it
	prevLit string
}

// parseAlloy parses a whole file.
//
//	File = Body
func parseAlloy(src string) (body []*alloyStmt, err error) {
	p := &alloyParser{src: src, lines: []int{0}}
	for i := range len(src) {
		if src[i] == '\n' {
			p.lines = append(p.lines, i+1)
		}
	}
	defer func() {
		switch e := recover().(type) {
		case nil:
		case *alloyError:
			body, err = nil, e
		default:
			panic(e)
		}
	}()
	for i, r := range src {
		if r == 0 {
			p.errorf(i, "illegal character NUL")
		}
		if _, n := utf8.DecodeRuneInString(src[i:]); r == utf8.RuneError && n == 1 {
			p.errorf(i, "illegal UTF-8 encoding")
		}
	}
	p.next()
	return p.parseBody(false), nil
}

func (p *alloyParser) pos(off int) alloyPos {
	i, found := slices.BinarySearch(p.lines, off)
	if !found {
		i--
	}
	return alloyPos{Line: i + 1, Col: off - p.lines[i] + 1}
}

// errorf stops the parse; parseAlloy recovers the error.
func (p *alloyParser) errorf(off int, format string, args ...any) {
	panic(&alloyError{Pos: p.pos(off), Msg: fmt.Sprintf(format, args...)})
}

// is reports whether the current token is the operator or delimiter s.
func (p *alloyParser) is(s string) bool { return p.tok == tokPunct && p.lit == s }

// atEOF reports whether nothing but white space is left.
func (p *alloyParser) atEOF() bool { return strings.TrimSpace(p.src[p.tokOff:]) == "" }

// describe names the current token for an error message.
func (p *alloyParser) describe() string {
	switch {
	case p.atEOF():
		return "end of file"
	case p.tok == tokTerminator:
		return "newline"
	case p.tok == tokIdent:
		return "identifier " + p.lit
	case p.tok == tokNumber || p.tok == tokFloat:
		return "number " + p.lit
	case p.tok == tokString:
		return "string " + p.lit
	case p.tok == tokPunct:
		return strconv.Quote(p.lit)
	}
	return p.lit // true, false or null
}

// set makes src[start:end] the current token. Like Alloy's scanner, it
// lets the next newline end the statement only after a token that can end
// one (an identifier, a literal or a closing bracket), so that a statement
// may go on over several lines after an operator, a comma or an opening
// bracket, and a multi-line list needs a comma after its last item.
func (p *alloyParser) set(kind alloyTokKind, start, end int) {
	p.prevOff, p.prevLit = p.tokOff, p.lit
	p.tok, p.lit, p.tokOff, p.off = kind, p.src[start:end], start, end
	switch kind {
	case tokIdent, tokNumber, tokFloat, tokString, tokBool, tokNull:
		p.insertTerm = true
	case tokPunct:
		p.insertTerm = p.lit == ")" || p.lit == "]" || p.lit == "}"
	default:
		p.insertTerm = false
	}
}

// next scans the next token.
//
//	COMMENT = "//" { character } | "/*" { character | newline } "*/"
//	IDENT   = letter { letter | digit }   (but not true, false or null)
//	BOOL    = "true" | "false"
//	NULL    = "null"
//	NUMBER  = digits
//	FLOAT   = ( digits "." [ digits ] | "." digits ) [ exponent ] | digits exponent
//	exponent = ( "e" | "E" ) [ "+" | "-" ] digits
//	STRING  = '"' { character | escape } '"' | "`" { character | newline } "`"
func (p *alloyParser) next() {
	src := p.src
	for p.off < len(src) {
		start := p.off
		rest := src[start:]
		switch {
		case rest[0] == ' ' || rest[0] == '\t' || rest[0] == '\r':
			p.off++
			continue
		case rest[0] == '\n':
			if p.insertTerm {
				p.set(tokTerminator, start, start+1)
				return
			}
			p.off++
			continue
		case strings.HasPrefix(rest, "//"):
			// A line comment ends with a newline, which may end a statement.
			if p.insertTerm {
				p.set(tokTerminator, start, start)
				return
			}
			end := strings.IndexByte(rest, '\n')
			if end < 0 {
				end = len(rest)
			}
			p.off += end
			continue
		case strings.HasPrefix(rest, "/*"):
			end := strings.Index(rest[2:], "*/")
			if end < 0 {
				p.errorf(start, "block comment not terminated")
			}
			end += 4
			if p.insertTerm && strings.Contains(rest[:end], "\n") {
				p.set(tokTerminator, start, start)
				return
			}
			p.off += end
			continue
		}
		break
	}
	start := p.off
	if start == len(src) {
		if p.insertTerm {
			p.set(tokTerminator, start, start)
		} else {
			p.set(tokEOF, start, start)
		}
		return
	}

	rest := src[start:]
	r, size := utf8.DecodeRuneInString(rest)
	switch {
	case isAlloyLetter(r):
		end := size
		for end < len(rest) {
			r, n := utf8.DecodeRuneInString(rest[end:])
			if !isAlloyLetter(r) && !unicode.IsDigit(r) {
				break
			}
			end += n
		}
		kind := tokIdent
		switch rest[:end] {
		case "true", "false":
			kind = tokBool
		case "null":
			kind = tokNull
		}
		p.set(kind, start, start+end)
	case isDecimal(rest, 0) || rest[0] == '.' && isDecimal(rest, 1):
		p.scanNumber(start)
	case r == '"':
		end := 1
		for ; end == len(rest) || rest[end] != '"'; end++ {
			if end == len(rest) || rest[end] == '\n' {
				p.errorf(start, "string literal not terminated")
			}
			if rest[end] == '\\' && end+1 < len(rest) && rest[end+1] != '\n' {
				end++
			}
		}
		// Alloy's escapes are Go's: \a \b \f \n \r \t \v \\ \" and octal,
		// \x, \u and \U sequences.
		if _, err := strconv.Unquote(rest[:end+1]); err != nil {
			p.errorf(start, "invalid escape sequence in string %s", rest[:end+1])
		}
		p.set(tokString, start, start+end+1)
	case r == '`':
		end := strings.IndexByte(rest[1:], '`')
		if end < 0 {
			p.errorf(start, "raw string literal not terminated")
		}
		p.set(tokString, start, start+end+2)
	case r == '\'':
		p.errorf(start, "illegal single-quoted string; use double quotes")
	default:
		for _, op := range []string{"||", "&&", "==", "!=", "<=", ">="} {
			if strings.HasPrefix(rest, op) {
				p.set(tokPunct, start, start+2)
				return
			}
		}
		if r < utf8.RuneSelf && strings.ContainsRune("!=<>+-*/%^{}()[],.", r) {
			p.set(tokPunct, start, start+1)
			return
		}
		if r == '|' || r == '&' {
			p.errorf(start, "missing second %c in %c%c", r, r, r)
		}
		p.errorf(start, "illegal character %#U", r)
	}
}

func (p *alloyParser) scanNumber(start int) {
	src, end, kind := p.src, start, tokNumber
	digits := func() int {
		n := 0
		for isDecimal(src, end) {
			end++
			n++
		}
		return n
	}
	digits()
	if end < len(src) && src[end] == '.' {
		kind = tokFloat
		end++
		digits()
	}
	if end < len(src) && (src[end] == 'e' || src[end] == 'E') {
		kind = tokFloat
		end++
		if end < len(src) && (src[end] == '+' || src[end] == '-') {
			end++
		}
		if digits() == 0 {
			p.errorf(start, "exponent has no digits")
		}
	}
	p.set(kind, start, end)
}

func isDecimal(s string, i int) bool { return i < len(s) && '0' <= s[i] && s[i] <= '9' }

// isAlloyLetter reports whether r may start an identifier.
func isAlloyLetter(r rune) bool { return r == '_' || unicode.IsLetter(r) }

// isAlloyIdent reports whether s is one identifier token, as Alloy requires
// of a block label.
func isAlloyIdent(s string) bool {
	if s == "" || s == "true" || s == "false" || s == "null" {
		return false
	}
	for i, r := range s {
		if !isAlloyLetter(r) && (i == 0 || !unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// ident consumes an identifier and returns it. after says whether it must
// follow the previous token.
func (p *alloyParser) ident(after bool) string {
	switch {
	case p.tok == tokIdent:
	case after:
		p.missing("an identifier")
	default:
		p.errorf(p.tokOff, "expected an attribute or a block name, got %s", p.describe())
	}
	name := p.lit
	p.next()
	return name
}

// missing reports that what should follow the previous token is not there.
// When the line ends after that token, the error names that line rather
// than the next.
func (p *alloyParser) missing(what string) {
	off := p.tokOff
	if p.atEOF() || p.pos(p.tokOff).Line > p.pos(p.prevOff).Line {
		off = p.prevOff
	}
	p.errorf(off, "expected %s after %q, got %s", what, p.prevLit, p.describe())
}

// unclosed reports that the bracket at open is not closed where it should
// be. At the end of the file the error points at the opening bracket, which
// is where the reader must look.
func (p *alloyParser) unclosed(open int, what, want string) {
	if p.atEOF() {
		p.errorf(open, "%s is not closed before the end of the file", what)
	}
	p.errorf(p.tokOff, "expected %s in %s opened at %s, got %s", want, what, p.pos(open), p.describe())
}

// parseBody parses the statements of a block up to its "}", or of the file
// up to its end.
//
//	Body = [ Statement { terminator Statement } ]
func (p *alloyParser) parseBody(inBlock bool) []*alloyStmt {
	var body []*alloyStmt
	for p.tok != tokEOF && !(inBlock && p.is("}")) {
		s := p.parseStatement()
		body = append(body, s)
		switch {
		case p.tok == tokTerminator:
			p.next()
		case !(inBlock && p.is("}")):
			kind := "attribute"
			if s.Value == nil {
				kind = "block"
			}
			p.errorf(p.tokOff, "expected newline after %s %s, got %s", kind, s.Name, p.describe())
		}
	}
	return body
}

// parseStatement parses an attribute or a block. A block label must be a
// double-quoted string holding an identifier (or nothing).
//
//	Statement = Attribute | Block
//	Attribute = identifier "=" Expression
//	Block     = identifier { "." identifier } [ string ] "{" Body "}"
func (p *alloyParser) parseStatement() *alloyStmt {
	if p.is("}") {
		p.errorf(p.tokOff, "unexpected \"}\": no block is open")
	}
	start := p.tokOff
	s := &alloyStmt{Pos: p.pos(start)}
	s.Name = p.ident(false)
	for p.is(".") {
		p.next()
		s.Name += "." + p.ident(true)
	}
	labelOff := -1
	switch {
	case p.tok == tokString:
		if p.lit[0] != '"' {
			p.errorf(p.tokOff, "block label must be a double-quoted string, not %s", p.lit)
		}
		s.Label = p.lit[1 : len(p.lit)-1]
		if s.Label != "" && !isAlloyIdent(s.Label) {
			p.errorf(p.tokOff, "block label %s is not an identifier (letters, digits and underscores, not starting with a digit)", p.lit)
		}
		labelOff = p.tokOff
		p.next()
	case !p.is("=") && !p.is("{"):
		p.errorf(p.tokOff, "expected \"=\", \"{\" or a block label after %s, got %s", s.Name, p.describe())
	}

	switch {
	case p.is("="):
		if strings.Contains(s.Name, ".") {
			p.errorf(start, "attribute name %s must be one identifier, without \".\"", s.Name)
		}
		if labelOff >= 0 {
			p.errorf(labelOff, "attribute %s cannot have a label", s.Name)
		}
		p.next()
		s.Value = p.parseExpr(1)
	case p.is("{"):
		open := p.tokOff
		p.next()
		s.Body = p.parseBody(true)
		if !p.is("}") {
			p.unclosed(open, "block "+s.Name, `"}"`)
		}
		p.next()
	default:
		p.errorf(p.tokOff, "expected \"{\" after block label, got %s", p.describe())
	}
	return s
}

// alloyPrecedence is how tightly each binary operator binds; "^" binds
// tightest and to the right, and parsePow handles it.
var alloyPrecedence = map[string]int{
	"||": 1,
	"&&": 2,
	"==": 3, "!=": 3, "<": 3, "<=": 3, ">": 3, ">=": 3,
	"+": 4, "-": 4,
	"*": 5, "/": 5, "%": 5,
}

// parseExpr parses an expression whose binary operators bind at least as
// tightly as prec, which is 1 for a whole expression.
//
//	Expression = OrExpr
//	OrExpr     = AndExpr { "||" AndExpr }
//	AndExpr    = CmpExpr { "&&" CmpExpr }
//	CmpExpr    = AddExpr { ( "==" | "!=" | "<" | "<=" | ">" | ">=" ) AddExpr }
//	AddExpr    = MulExpr { ( "+" | "-" ) MulExpr }
//	MulExpr    = PowExpr { ( "*" | "/" | "%" ) PowExpr }
func (p *alloyParser) parseExpr(prec int) alloyExpr {
	x := p.parsePow()
	for p.tok == tokPunct && alloyPrecedence[p.lit] >= prec {
		op := p.lit
		p.next()
		x = &alloyBinary{Op: op, X: x, Y: p.parseExpr(alloyPrecedence[op] + 1)}
	}
	return x
}

// parsePow parses a power, which groups to the right.
//
//	PowExpr = UnaryExpr [ "^" PowExpr ]
func (p *alloyParser) parsePow() alloyExpr {
	x := p.parseUnary()
	if p.is("^") {
		p.next()
		return &alloyBinary{Op: "^", X: x, Y: p.parsePow()}
	}
	return x
}

// parseUnary parses a unary expression, with its field accesses, indexes
// and calls.
//
//	UnaryExpr = ( "!" | "-" ) UnaryExpr | OperExpr
//	OperExpr  = PrimaryExpr { "." identifier | "[" Expression "]" | "(" [ ExpressionList ] ")" }
func (p *alloyParser) parseUnary() alloyExpr {
	if p.is("!") || p.is("-") {
		op := p.lit
		p.next()
		return &alloyUnary{Op: op, X: p.parseUnary()}
	}
	x := p.parsePrimary()
	for {
		open := p.tokOff
		switch {
		case p.is("."):
			p.next()
			x = &alloyAccess{X: x, Name: p.ident(true)}
		case p.is("["):
			p.next()
			x = &alloyIndex{X: x, Index: p.parseExpr(1)}
			if !p.is("]") {
				p.unclosed(open, "index", `"]"`)
			}
			p.next()
		case p.is("("):
			p.next()
			call := &alloyCall{Fn: x}
			p.parseList(open, ")", "argument list", func() {
				call.Args = append(call.Args, p.parseExpr(1))
			})
			x = call
		default:
			return x
		}
	}
}

// parsePrimary parses a literal, an identifier, a parenthesized
// expression, an array or an object.
//
//	PrimaryExpr    = identifier | string | number | float | bool | null |
//	                 "(" Expression ")" | "[" [ ExpressionList ] "]" | "{" [ FieldList ] "}"
//	ExpressionList = Expression { "," Expression } [ "," ]
//	FieldList      = Field { "," Field } [ "," ]
//	Field          = ( string | identifier ) "=" Expression
func (p *alloyParser) parsePrimary() alloyExpr {
	open := p.tokOff
	switch {
	case p.tok == tokIdent:
		x := &alloyIdent{Pos: p.pos(p.tokOff), Name: p.lit}
		p.next()
		return x
	case p.tok == tokString || p.tok == tokNumber || p.tok == tokFloat || p.tok == tokBool || p.tok == tokNull:
		x := &alloyLiteral{Pos: p.pos(p.tokOff), Kind: p.tok, Text: p.lit}
		p.next()
		return x
	case p.is("("):
		p.next()
		x := p.parseExpr(1)
		if !p.is(")") {
			p.unclosed(open, "parenthesis", `")"`)
		}
		p.next()
		return x
	case p.is("["):
		p.next()
		var arr alloyArray
		p.parseList(open, "]", "array", func() {
			arr.Elems = append(arr.Elems, p.parseExpr(1))
		})
		return &arr
	case p.is("{"):
		p.next()
		var obj alloyObject
		p.parseList(open, "}", "object", func() {
			f := alloyField{Name: p.lit}
			switch p.tok {
			case tokString:
				f.Name, _ = strconv.Unquote(p.lit)
			case tokIdent:
			default:
				p.errorf(p.tokOff, "expected a field name (identifier or string), got %s", p.describe())
			}
			p.next()
			if !p.is("=") {
				p.errorf(p.tokOff, "expected \"=\" after field name %s, got %s", f.Name, p.describe())
			}
			p.next()
			f.Value = p.parseExpr(1)
			obj.Fields = append(obj.Fields, f)
		})
		return &obj
	}
	p.missing("an expression")
	return nil
}

// parseList parses comma-separated items up to and including the closing
// bracket. A comma may follow the last item, and must where the closing
// bracket is on a line of its own.
func (p *alloyParser) parseList(open int, closer, what string, item func()) {
	for !p.is(closer) {
		if p.atEOF() {
			p.unclosed(open, what, closer)
		}
		item()
		if p.is(",") {
			p.next()
		} else if !p.is(closer) {
			p.unclosed(open, what, fmt.Sprintf("%q or %q", ",", closer))
		}
	}
	p.next()
}

// alloyInspect calls f for e and, where f returns true, for the
// expressions inside e, as go/ast.Inspect does.
func alloyInspect(e alloyExpr, f func(alloyExpr) bool) {
	if !f(e) {
		return
	}
	var inner []alloyExpr
	switch e := e.(type) {
	case *alloyAccess:
		inner = []alloyExpr{e.X}
	case *alloyIndex:
		inner = []alloyExpr{e.X, e.Index}
	case *alloyCall:
		inner = append([]alloyExpr{e.Fn}, e.Args...)
	case *alloyUnary:
		inner = []alloyExpr{e.X}
	case *alloyBinary:
		inner = []alloyExpr{e.X, e.Y}
	case *alloyArray:
		inner = e.Elems
	case *alloyObject:
		for _, f := range e.Fields {
			inner = append(inner, f.Value)
		}
	}
	for _, x := range inner {
		alloyInspect(x, f)
	}
}

// alloyDottedName returns "a.b.c" for the expression a.b.c.
func alloyDottedName(e alloyExpr) (string, bool) {
	switch e := e.(type) {
	case *alloyIdent:
		return e.Name, true
	case *alloyAccess:
		x, ok := alloyDottedName(e.X)
		return x + "." + e.Name, ok
	}
	return "", false
}

// alloyString writes e back with every operation in parentheses, so that a
// test can see how the parser grouped it.
func alloyString(e alloyExpr) string {
	list := func(xs []alloyExpr) string {
		var s []string
		for _, x := range xs {
			s = append(s, alloyString(x))
		}
		return strings.Join(s, ", ")
	}
	switch e := e.(type) {
	case *alloyLiteral:
		return e.Text
	case *alloyIdent:
		return e.Name
	case *alloyAccess:
		return alloyString(e.X) + "." + e.Name
	case *alloyIndex:
		return alloyString(e.X) + "[" + alloyString(e.Index) + "]"
	case *alloyCall:
		return alloyString(e.Fn) + "(" + list(e.Args) + ")"
	case *alloyUnary:
		return "(" + e.Op + alloyString(e.X) + ")"
	case *alloyBinary:
		return "(" + alloyString(e.X) + " " + e.Op + " " + alloyString(e.Y) + ")"
	case *alloyArray:
		return "[" + list(e.Elems) + "]"
	case *alloyObject:
		var s []string
		for _, f := range e.Fields {
			s = append(s, strconv.Quote(f.Name)+" = "+alloyString(f.Value))
		}
		return "{" + strings.Join(s, ", ") + "}"
	}
	return fmt.Sprintf("%T", e)
}

func TestAlloyParserAccepts(t *testing.T) {
	for _, src := range []string{
		"",
		"// only a comment",
		"log_level = \"debug\"",
		"a = 1\r\nb = 2\r\n",
		"rule { }",
		"rule {}\nrule {\n}\n",
		"b { c = 1 }",
		`loki.write "default" {
  endpoint {
    url = "http://loki/push"
    basic_auth {
      username = sys.env("LOKI_USER")
    }
  }
}`,
		`loki.write "" {}`,
		`x "données_2" {}`,
		"café = 1",
		`x = [
  1,
  2.5,
  .5, 1e3, 1.5E-2, 1.,
]`,
		`x = [1, 2]`,
		`x = []`,
		`x = [[1, 2], [], [3,],]`,
		`x = {
  a       = 1,
  "b c"   = "two",
  nested  = { d = [true, false, null] },
}`,
		`x = {a = 1, "b" = 2}`,
		`x = {}`,
		`x = {
}`,
		`x = f()`,
		`x = concat([1], [2,],)`,
		`x = json_decode(local.file.cfg.content)["a"][0].b`,
		`x = sys.env("HOME") + "/logs"`,
		`x = -1 + !true`,
		`x = (1 + 2) * 3 ^ 2 % 4 / 5 - 6`,
		`x = a == b || c != d && e < f || g <= h && i > j || k >= l`,
		"x = 1 +\n  2",
		"x =\n  1",
		"x = f(\n  1,\n  2,\n)",
		"x = `raw \\d+ \"quoted\"\nsecond line`",
		`x = "\t\n\"\\ \u00e9 \x41 \101 \U0001F600"`,
		`a /* c */ = /* c */ 1 // end`,
		"a = 1 /* c */\nb = 2",
		"a = 1 /* a comment\n  over two lines */ b = 2",
		"a = [\n  // first\n  1, /* second */ 2,\n  // after\n]",
		"b { // after the brace\n  c = 1 // after the attribute\n} // after the block",
		"/* before */ b {\n}\n\n\n/* after */",
		"a = 1\n\n// between\n\nb = 2\n",
	} {
		if _, err := parseAlloy(src); err != nil {
			t.Errorf("parseAlloy(%q): %v", src, err)
		}
	}
}

func TestAlloyParserRejects(t *testing.T) {
	for _, tt := range []struct {
		name string
		src  string
		pos  string // line:col of the error
		msg  string // part of the error message
	}{
		{"unclosed block", "loki.write \"default\" {\n  endpoint {\n    url = \"x\"\n  }\n", "1:22", "block loki.write is not closed"},
		{"unclosed nested block", "a {\n  b {\n    c = 1\n}\n", "1:3", "block a is not closed"},
		{"unclosed string", "a {\n  b = \"abc\n}\n", "2:7", "string literal not terminated"},
		{"unclosed raw string", "a = `abc\n", "1:5", "raw string literal not terminated"},
		{"unclosed comment", "a = 1\n/* b = 2\n", "2:1", "block comment not terminated"},
		{"missing value", "a = ", "1:3", `expected an expression after "=", got end of file`},
		{"missing value before next line", "x {\n  a =\n}\n", "2:5", `expected an expression after "=", got "}"`},
		{"two attributes on one line", "a = 1 b = 2\n", "1:7", "expected newline after attribute a, got identifier b"},
		{"two blocks on one line", "a {} b {}\n", "1:6", "expected newline after block a"},
		{"attribute after block on one line", "a {\n  b { } c = 1\n}\n", "2:9", "expected newline after block b"},
		{"label not a string", "loki.write default {\n}\n", "1:12", "got identifier default"},
		{"label in single quotes", "loki.write 'default' {\n}\n", "1:12", "illegal single-quoted string"},
		{"label in backticks", "loki.write `default` {\n}\n", "1:12", "must be a double-quoted string"},
		{"label with a space", "loki.write \"my sink\" {\n}\n", "1:12", "is not an identifier"},
		{"label with a dash", "loki.write \"my-sink\" {\n}\n", "1:12", "is not an identifier"},
		{"label starting with a digit", "loki.write \"1st\" {\n}\n", "1:12", "is not an identifier"},
		{"label that is a keyword", "loki.write \"true\" {\n}\n", "1:12", "is not an identifier"},
		{"two labels", "a \"b\" \"c\" {\n}\n", "1:7", `expected "{" after block label`},
		{"dotted attribute", "a.b = 1\n", "1:1", "must be one identifier"},
		{"labeled attribute", "a \"b\" = 1\n", "1:3", "cannot have a label"},
		{"keyword as a name", "true = 1\n", "1:1", "expected an attribute or a block name, got true"},
		{"unclosed array", "x = [1, 2", "1:5", "array is not closed"},
		{"unclosed array before next line", "x = [1, 2\ny = 3\n", "1:10", `expected "," or "]" in array opened at 1:5, got newline`},
		{"multi-line array without trailing comma", "x = [\n  1,\n  2\n]\n", "3:4", `expected "," or "]" in array`},
		{"missing comma in array", "x = [1 2]\n", "1:8", `expected "," or "]" in array`},
		{"empty array item", "x = [1, , 2]\n", "1:9", `expected an expression after ",", got ","`},
		{"object missing =", "x = { a 1 }\n", "1:9", `expected "=" after field name a, got number 1`},
		{"object missing comma", "x = {\n  a = 1\n  b = 2,\n}\n", "2:8", `expected "," or "}" in object`},
		{"object field not a name", "x = { 1 = 2 }\n", "1:7", "expected a field name"},
		{"unclosed object", "x = {\n  a = 1,\n", "1:5", "object is not closed"},
		{"unclosed call", "x = f(1,\n  2\ny = 1\n", "2:4", `expected "," or ")" in argument list opened at 1:6`},
		{"unclosed parenthesis", "x = (1 + 2\n", "1:5", "parenthesis is not closed"},
		{"unclosed index", "x = a[1\ny = 1\n", "1:8", `expected "]" in index opened at 1:6`},
		{"stray brace", "a = 1\n}\n", "2:1", "no block is open"},
		{"stray brace after block", "a {\n}\n}\n", "3:1", "no block is open"},
		{"invalid operator", "a = 1 +* 2\n", "1:8", `expected an expression after "+", got "*"`},
		{"single pipe", "a = true | false\n", "1:10", "missing second | in ||"},
		{"single ampersand", "a = true & false\n", "1:10", "missing second & in &&"},
		{"operator at the start of a line", "a = 1\n  + 2\n", "2:3", `expected an attribute or a block name, got "+"`},
		{"block as a value", "a = b {\n}\n", "1:7", `expected newline after attribute a, got "{"`},
		{"illegal character", "a = 1\nb = @\n", "2:5", "illegal character U+0040 '@'"},
		{"unknown escape", "a = 1\nb = \"x\\qy\"\n", "2:5", "invalid escape sequence"},
		{"exponent without digits", "a = 1e\n", "1:5", "exponent has no digits"},
		{"dot without a name", "a = b.\n", "1:6", `expected an identifier after ".", got end of file`},
		{"unclosed array at the end", "x = [\n  1,\n", "1:5", "array is not closed"},
		{"block name ending in a dot", "loki. {\n}\n", "1:7", `expected an identifier after ".", got "{"`},
		{"invalid UTF-8", "a = \"\xff\"\n", "1:6", "illegal UTF-8 encoding"},
	} {
		_, err := parseAlloy(tt.src)
		var perr *alloyError
		if !errors.As(err, &perr) {
			t.Errorf("%s: parseAlloy(%q) = %v, want a syntax error at %s", tt.name, tt.src, err, tt.pos)
			continue
		}
		if perr.Pos.String() != tt.pos || !strings.Contains(perr.Msg, tt.msg) {
			t.Errorf("%s: parseAlloy(%q):\n got %v\nwant %s: …%s…", tt.name, tt.src, err, tt.pos, tt.msg)
		}
	}
}

func TestAlloyParserGroups(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"1 + 2 * 3", "(1 + (2 * 3))"},
		{"1 - 2 - 3", "((1 - 2) - 3)"},
		{"2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))"},
		{"2 * 3 ^ 2", "(2 * (3 ^ 2))"},
		{"-2 ^ 2", "((-2) ^ 2)"},
		{"a || b && c", "(a || (b && c))"},
		{"a && b == c", "(a && (b == c))"},
		{"a < b + c", "(a < (b + c))"},
		{"a % b + c", "((a % b) + c)"},
		{"(a + b) * c", "((a + b) * c)"},
		{"!a.b[0](x, y)", "(!a.b[0](x, y))"},
		{"- - a", "(-(-a))"},
		{`{ "a b" = 1, c = [2,] }`, `{"a b" = 1, "c" = [2]}`},
	} {
		body, err := parseAlloy("x = " + tt.src)
		if err != nil {
			t.Errorf("%s: %v", tt.src, err)
			continue
		}
		if got := alloyString(body[0].Value); got != tt.want {
			t.Errorf("%s parsed as %s, want %s", tt.src, got, tt.want)
		}
	}
}
