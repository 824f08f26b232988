package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	neturl "net/url"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/dynlog/dynlog/internal/logfile"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// lineSchema is the JSON Schema (draft-07) of a Dynamo JSONL line (docs/layouts.md).
//
//go:embed schema/line.schema.json
var lineSchema []byte

const validateUsage = `Usage: dynlog validate [--strict] [FILE...]

Checks every line of each FILE (stdin if none, or "-") against the line
schema of the Dynamo JSONL layout (cmd/dynlog/schema/line.schema.json):
time (RFC 3339), level (TRACE, DEBUG, INFO, WARN or ERROR), target and
message required; file and line together, and neither when target is "log";
span_id and parent_id 16 and trace_id 32 lowercase hex digits; time.*_us
integers; other keys allowed.

On stdout, one line per line that fails, in input order:
  FILE:LINE: what is wrong
then the summary:
  N lines: V valid, I invalid, J not JSON
A line that does not start with "{" and is not JSON at all (a plain text
line, a blank line) is counted as not JSON and is not a failure unless
--strict is given; a line that starts with "{" but does not parse is invalid.

Exit status: 0 every line passed, 1 a line failed or a file could not be
read, 2 a usage error.

Speed against jq on a generated 1,000,000-line file (goal: 2x faster):
  make validate-speed
and with view and trace on a generated 1 GB file (goal: 3x faster):
  make bench-cli

Flags:
`

// parseFlags parses a command's flags. On --help it prints the usage to
// stdout; on a mistake, one line to stderr. ok is false when the command
// should return code at once.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0, false
	}
	if err != nil {
		fmt.Fprintf(stderr, "dynlog %s: %v (try dynlog %s --help)\n", fs.Name(), err, fs.Name())
		return 2, false
	}
	return 0, true
}

func validate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	strict := fs.Bool("strict", false, "count lines that are not JSON as failures")
	if code, ok := parseFlags(fs, validateUsage, args, stdout, stderr); !ok {
		return code
	}
	schema, err := compileLineSchema()
	if err != nil {
		fmt.Fprintf(stderr, "dynlog validate: %v\n", err)
		return 1
	}
	// Validating allocates many short-lived maps; collecting less often
	// is a fifth of the run time on a large file.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	r := logfile.Open(context.Background(), fs.Args(), stdin, logfile.WithErrorFunc(func(err error) {
		fmt.Fprintf(stderr, "dynlog validate: %v; skipped\n", err)
	}))
	sum := validateLines(r, schema, *strict, stdout)
	fmt.Fprintf(stdout, "%d lines: %d valid, %d invalid, %d not JSON\n",
		sum.valid+sum.invalid+sum.notJSON, sum.valid, sum.invalid, sum.notJSON)
	if sum.invalid > 0 || (*strict && sum.notJSON > 0) || r.Err() != nil {
		return 1
	}
	return 0
}

func display(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func displayAll(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = display(v)
	}
	return strings.Join(parts, ", ")
}

// compiledSchema is the line schema compiled, with the keys it constrains.
type compiledSchema struct {
	*jsonschema.Schema
	keys schemaKeys
}

func compileLineSchema() (*compiledSchema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(lineSchema))
	if err != nil {
		return nil, fmt.Errorf("line schema: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	const url = "line.schema.json"
	if err := c.AddResource(url, doc); err != nil {
		return nil, fmt.Errorf("line schema: %w", err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		return nil, fmt.Errorf("line schema: %w", err)
	}
	keys := keysOf(doc)
	keys.findIndependent(c, url, doc)
	return &compiledSchema{Schema: sch, keys: keys}, nil
}

// validateSummary counts lines by outcome.
type validateSummary struct{ valid, invalid, notJSON int }

// A validateBatch is a run of lines checked by one worker. Lines are
// batched so that the channel traffic stays small against the work; the
// batches are printed in the order they were read.
type validateBatch struct {
	data    []byte // the lines, back to back
	lines   []batchLine
	verdict []string // per line: "" valid, notJSONVerdict, or what is wrong
	done    chan struct{}
}

type batchLine struct {
	file    string
	number  int
	end     int // data[previous end:end] is the line
	tooLong bool
}

const notJSONVerdict = "\x00not JSON"

const batchSize = 512

func validateLines(r *logfile.Reader, schema *compiledSchema, strict bool, out io.Writer) validateSummary {
	workers := runtime.GOMAXPROCS(0)
	work := make(chan *validateBatch, 2*workers)
	ordered := make(chan *validateBatch, 2*workers)
	for range workers {
		go func() {
			c := newLineChecker(schema)
			for b := range work {
				b.check(c)
				close(b.done)
			}
		}()
	}
	go func() {
		defer close(work)
		defer close(ordered)
		b := newValidateBatch()
		for r.Next() {
			l := r.Line()
			b.data = append(b.data, l.Bytes...)
			b.lines = append(b.lines, batchLine{l.File, l.Number, len(b.data), l.TooLong})
			if len(b.lines) == batchSize || len(b.data) >= 1<<20 {
				work <- b
				ordered <- b
				b = newValidateBatch()
			}
		}
		if len(b.lines) > 0 {
			work <- b
			ordered <- b
		}
	}()

	var sum validateSummary
	var buf []byte
	for b := range ordered {
		<-b.done
		for i, v := range b.verdict {
			switch {
			case v == "":
				sum.valid++
				continue
			case v == notJSONVerdict:
				sum.notJSON++
				if !strict {
					continue
				}
				v = "not JSON"
			default:
				sum.invalid++
			}
			l := b.lines[i]
			buf = fmt.Appendf(buf[:0], "%s:%d: %s\n", l.file, l.number, v)
			out.Write(buf)
		}
	}
	return sum
}

func newValidateBatch() *validateBatch {
	return &validateBatch{lines: make([]batchLine, 0, batchSize), done: make(chan struct{})}
}

func (b *validateBatch) check(c *lineChecker) {
	b.verdict = make([]string, len(b.lines))
	start := 0
	for i, l := range b.lines {
		b.verdict[i] = c.check(b.data[start:l.end], l.tooLong)
		start = l.end
	}
}

// lineChecker checks lines for one worker. Most lines of a log repeat a
// few shapes, and the library's validation is the costly part, so it
// remembers verdicts by shape: the keys the schema looks at, in order, with
// the values of independent keys (schemaKeys.independent) replaced by
// "valid" once their own subschema, through the library, says so, and
// every other value as written. Two lines of one shape get the same
// verdict and the same errors.
type lineChecker struct {
	schema *compiledSchema
	shapes map[string]string // shape → verdict
	keys   map[string]*keyClass
	values map[string]bool // key NUL raw value → valid under its subschema
	shape  []byte
	value  []byte
}

// cacheLimit bounds each of the checker's maps; a full map is dropped.
const cacheLimit = 1 << 16

func newLineChecker(schema *compiledSchema) *lineChecker {
	return &lineChecker{schema: schema, shapes: map[string]string{}, values: map[string]bool{}, keys: map[string]*keyClass{}}
}

// keyClass is what the schema makes of a key: whether it looks at it, and
// the key's subschema if it is independent.
type keyClass struct {
	wanted bool
	sub    *jsonschema.Schema
	quick  func(raw []byte) bool // see schemaKeys.quick; nil for most
	// How often the key's values were looked up among the remembered
	// ones, and found: a key whose values hardly repeat (a timestamp) is
	// not worth remembering.
	lookups, hits int
}

// worthRemembering reports whether the key's values repeat enough for
// the values cache to pay.
func (k *keyClass) worthRemembering() bool {
	return k.lookups < 256 || k.hits*4 >= k.lookups
}

// classOf classifies key, remembering the answer: a log has few keys, and
// the patterns are regular expressions.
func (c *lineChecker) classOf(key []byte) *keyClass {
	if class, ok := c.keys[string(key)]; ok {
		return class
	}
	k := &c.schema.keys
	class := &keyClass{wanted: k.wants(key)}
	if class.wanted {
		class.sub = k.subschema(key)
		class.quick = k.quick[class.sub]
	}
	if len(c.keys) >= cacheLimit {
		clear(c.keys)
	}
	c.keys[string(key)] = class
	return class
}

// check returns what is wrong with one line, "" if nothing, or
// notJSONVerdict.
func (c *lineChecker) check(line []byte, tooLong bool) string {
	if tooLong {
		return fmt.Sprintf("line longer than %d MiB; not checked", logfile.MaxLineSize>>20)
	}
	trimmed := bytes.TrimLeft(line, " \t\r")
	if len(trimmed) == 0 || trimmed[0] != '{' {
		if logfile.Valid(line) {
			return "JSON but not an object"
		}
		return notJSONVerdict
	}
	if !utf8.Valid(line) {
		return "invalid UTF-8"
	}
	if !logfile.Valid(line) {
		return "malformed JSON: " + jsonErrorText(line)
	}
	keys := &c.schema.keys
	if keys.all {
		return c.validate(line)
	}
	s, err := newKeyScanner(line)
	if err != nil {
		return "malformed JSON: " + err.Error()
	}
	c.shape = c.shape[:0]
	independentValid := true
	for {
		key, raw, ok, err := s.next()
		if err != nil {
			return "malformed JSON: " + err.Error()
		}
		if !ok {
			break
		}
		class := c.classOf(key)
		if !class.wanted {
			continue
		}
		c.shape = append(c.shape, key...)
		c.shape = append(c.shape, 0)
		if sub := class.sub; sub != nil {
			if !c.valid(key, raw, class) {
				independentValid = false
			}
			c.shape = append(c.shape, 1)
		} else {
			c.shape = append(c.shape, raw...)
		}
		c.shape = append(c.shape, 0)
	}
	if !independentValid {
		return c.validate(line) // the errors name the values: no caching
	}
	if v, ok := c.shapes[string(c.shape)]; ok {
		return v
	}
	v := c.validate(line)
	if len(c.shapes) >= cacheLimit {
		clear(c.shapes)
	}
	c.shapes[string(c.shape)] = v
	return v
}

// valid reports whether raw, the value of key, passes key's subschema.
func (c *lineChecker) valid(key, raw []byte, class *keyClass) bool {
	if class.quick != nil && class.quick(raw) {
		return true
	}
	remember := class.worthRemembering()
	if remember {
		class.lookups++
		c.value = append(append(append(c.value[:0], key...), 0), raw...)
		if ok, seen := c.values[string(c.value)]; seen {
			class.hits++
			return ok
		}
	}
	v, err := decodeValue(raw)
	ok := err == nil && class.sub.Validate(v) == nil
	if remember {
		if len(c.values) >= cacheLimit {
			clear(c.values)
		}
		c.values[string(c.value)] = ok
	}
	return ok
}

// validate runs the library on the line's object of the keys the schema
// looks at.
func (c *lineChecker) validate(line []byte) string {
	v, err := c.schema.keys.object(line)
	if err != nil {
		return "malformed JSON: " + err.Error()
	}
	if err := c.schema.Validate(v); err != nil {
		return schemaErrorText(err)
	}
	return ""
}

// jsonErrorText says why line, which is not valid JSON, does not parse.
func jsonErrorText(line []byte) string {
	var v any
	err := json.Unmarshal(line, &v)
	if err == nil || errors.Is(err, io.ErrUnexpectedEOF) || strings.Contains(err.Error(), "unexpected end of JSON input") {
		return "the line ends inside the object (truncated?)"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

var printer = message.NewPrinter(language.English)

// schemaErrorText reduces the library's error tree to its leaves, one
// clause each: `"level": value must be one of …`.
func schemaErrorText(err error) string {
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err.Error()
	}
	var clauses []string
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) > 0 {
			for _, c := range e.Causes {
				walk(c)
			}
			return
		}
		clauses = append(clauses, leafText(e))
	}
	walk(ve)
	// The library walks the object's keys in map order.
	slices.Sort(clauses)
	return strings.Join(slices.Compact(clauses), "; ")
}

func leafText(e *jsonschema.ValidationError) string {
	where := ""
	if len(e.InstanceLocation) > 0 {
		where = fmt.Sprintf("%q: ", strings.Join(e.InstanceLocation, "/"))
	}
	switch k := e.ErrorKind.(type) {
	case *kind.FalseSchema:
		return where + `not allowed when target is "log"`
	case *kind.Enum:
		return fmt.Sprintf("%s%s is not one of %s", where, display(k.Got), displayAll(k.Want))
	case *kind.Format:
		return fmt.Sprintf("%s%q is not a valid %s", where, fmt.Sprint(k.Got), k.Want)
	case *kind.Pattern:
		return fmt.Sprintf("%s%q does not match %s", where, fmt.Sprint(k.Got), k.Want)
	}
	return where + e.ErrorKind.LocalizedString(printer)
}

// schemaKeys are the top-level keys the line schema looks at. An object of
// those keys alone gets the same verdict and the same errors as the whole
// line, because the schema lets every other key through unseen (it has no
// additionalProperties, propertyNames or min/maxProperties): so validate
// decodes those keys only, which is most of its speed.
type schemaKeys struct {
	all      bool // the schema looks at every key: decode them all
	names    map[string]bool
	patterns []keyPattern
	// independent are the keys of the root's properties whose values only
	// their own subschema judges (no other keyword but required names
	// them), with that subschema compiled, nil for the others: a valid value
	// of one of them can stand for any other. elsewhere are the keys other
	// keywords name.
	independent map[string]*jsonschema.Schema
	// quick holds, for the subschemas of independent keys that have a
	// common simple shape, a check that passes most valid values without
	// the library (see quickCheck).
	quick     map[*jsonschema.Schema]func(raw []byte) bool
	elsewhere map[string]bool
}

type keyPattern struct {
	prefix string // the regexp's literal prefix, a cheap first test
	re     *regexp.Regexp
	sub    *jsonschema.Schema // its subschema compiled, for independent keys
}

// keysOf finds the keys the schema document doc constrains, or sets all
// when it cannot tell.
func keysOf(doc any) schemaKeys {
	k := schemaKeys{names: map[string]bool{}}
	if !k.collect(doc) {
		return schemaKeys{all: true}
	}
	return k
}

// collect adds the keys of one schema that applies to the whole line; false
// if the schema uses a keyword that could look at any key.
func (k *schemaKeys) collect(s any) bool {
	switch s := s.(type) {
	case bool:
		return true
	case map[string]any:
		for kw, v := range s {
			switch kw {
			case "$schema", "$id", "$comment", "title", "description", "type":
			case "properties", "dependencies":
				m, ok := v.(map[string]any)
				if !ok {
					return false
				}
				for name, dep := range m {
					k.names[name] = true
					if deps, ok := dep.([]any); ok {
						for _, d := range deps {
							n, ok := d.(string)
							if !ok {
								return false
							}
							k.names[n] = true
						}
					} else if kw == "dependencies" && !k.collect(dep) {
						return false
					}
				}
			case "required":
				names, ok := v.([]any)
				if !ok {
					return false
				}
				for _, n := range names {
					name, ok := n.(string)
					if !ok {
						return false
					}
					k.names[name] = true
				}
			case "patternProperties":
				m, ok := v.(map[string]any)
				if !ok {
					return false
				}
				for expr := range m {
					re, err := regexp.Compile(expr)
					if err != nil {
						return false
					}
					// Anchored, the pattern's leading literal is a
					// prefix every match starts with.
					prefix := ""
					if rest, ok := strings.CutPrefix(expr, "^"); ok {
						if re, err := regexp.Compile(rest); err == nil {
							prefix, _ = re.LiteralPrefix()
						}
					}
					k.patterns = append(k.patterns, keyPattern{prefix: prefix, re: re})
				}
			case "if", "then", "else", "not":
				if !k.collect(v) {
					return false
				}
			case "allOf", "anyOf", "oneOf":
				subs, ok := v.([]any)
				if !ok {
					return false
				}
				for _, sub := range subs {
					if !k.collect(sub) {
						return false
					}
				}
			default:
				return false
			}
		}
		return true
	}
	return false
}

// findIndependent fills in k's independent keys: those of the root's
// properties, and those only one of the root's patternProperties matches,
// that no other keyword names but required, with their subschemas
// compiled from c.
func (k *schemaKeys) findIndependent(c *jsonschema.Compiler, url string, doc any) {
	root, ok := doc.(map[string]any)
	if k.all || !ok {
		return
	}
	elsewhere := schemaKeys{names: map[string]bool{}}
	for kw, v := range root {
		switch kw {
		case "properties", "patternProperties", "required":
		default:
			if !elsewhere.collect(map[string]any{kw: v}) {
				return
			}
		}
	}
	if len(elsewhere.patterns) > 0 {
		return
	}
	k.elsewhere = elsewhere.names
	sub := func(kw, name string) *jsonschema.Schema {
		ptr := strings.NewReplacer("~", "~0", "/", "~1").Replace(name)
		s, err := c.Compile(url + "#/" + kw + "/" + (&neturl.URL{Fragment: ptr}).EscapedFragment())
		if err != nil {
			return nil
		}
		return s
	}
	props, _ := root["properties"].(map[string]any)
	k.independent = map[string]*jsonschema.Schema{}
	k.quick = map[*jsonschema.Schema]func([]byte) bool{}
	addQuick := func(s *jsonschema.Schema, doc any) {
		if q := quickCheck(doc); s != nil && q != nil {
			k.quick[s] = q
		}
	}
	for name := range props {
		if !k.elsewhere[name] && !k.matchesPattern([]byte(name)) {
			k.independent[name] = sub("properties", name)
			addQuick(k.independent[name], props[name])
		}
	}
	pats, _ := root["patternProperties"].(map[string]any)
	for i := range k.patterns {
		if doc, ok := pats[k.patterns[i].re.String()]; ok {
			k.patterns[i].sub = sub("patternProperties", k.patterns[i].re.String())
			addQuick(k.patterns[i].sub, doc)
		}
	}
}

// subschema returns the subschema of an independent key, nil for another.
func (k *schemaKeys) subschema(key []byte) *jsonschema.Schema {
	if s, ok := k.independent[string(key)]; ok {
		return s
	}
	if k.elsewhere[string(key)] || k.names[string(key)] && !k.matchesPattern(key) {
		return nil
	}
	var found *jsonschema.Schema
	for _, p := range k.patterns {
		if bytes.HasPrefix(key, []byte(p.prefix)) && p.re.Match(key) {
			if found != nil || p.sub == nil {
				return nil
			}
			found = p.sub
		}
	}
	return found
}

func (k *schemaKeys) matchesPattern(key []byte) bool {
	for _, p := range k.patterns {
		if bytes.HasPrefix(key, []byte(p.prefix)) && p.re.Match(key) {
			return true
		}
	}
	return false
}

func (k *schemaKeys) wants(key []byte) bool {
	return k.names[string(key)] || k.matchesPattern(key)
}

var errScan = errors.New("cannot read the object")

// keyScanner walks the top-level keys of one JSON object already checked
// by json.Valid.
type keyScanner struct {
	b []byte
	i int
}

func newKeyScanner(line []byte) (keyScanner, error) {
	i := skipSpace(line, 0)
	if i >= len(line) || line[i] != '{' {
		return keyScanner{}, errScan
	}
	return keyScanner{line, i + 1}, nil
}

// next returns the next key, unquoted, and its raw value; ok is false at
// the end of the object.
func (s *keyScanner) next() (key, raw []byte, ok bool, err error) {
	b := s.b
	i := skipSpace(b, s.i)
	if i < len(b) && b[i] == ',' {
		i = skipSpace(b, i+1)
	}
	if i >= len(b) {
		return nil, nil, false, errScan
	}
	if b[i] == '}' {
		return nil, nil, false, nil
	}
	keyEnd := endOfValue(b, i)
	if keyEnd < 0 {
		return nil, nil, false, errScan
	}
	colon := skipSpace(b, keyEnd)
	if colon >= len(b) || b[colon] != ':' {
		return nil, nil, false, errScan
	}
	start := skipSpace(b, colon+1)
	end := endOfValue(b, start)
	if end < 0 {
		return nil, nil, false, errScan
	}
	key, ok = unquote(b[i:keyEnd])
	if !ok {
		return nil, nil, false, errScan
	}
	s.i = end
	return key, b[start:end], true, nil
}

// object decodes the keys of line, one JSON object already checked by
// json.Valid, that the schema looks at, as the library's own decoder would:
// numbers as json.Number, a later duplicate key replacing an earlier one.
func (k *schemaKeys) object(line []byte) (any, error) {
	if k.all {
		return jsonschema.UnmarshalJSON(bytes.NewReader(line))
	}
	obj := make(map[string]any, 8)
	s, err := newKeyScanner(line)
	if err != nil {
		return nil, err
	}
	for {
		key, raw, ok, err := s.next()
		if err != nil {
			return nil, err
		}
		if !ok {
			return obj, nil
		}
		if k.wants(key) {
			v, err := decodeValue(raw)
			if err != nil {
				return nil, err
			}
			obj[string(key)] = v
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// endOfValue returns the index just past the JSON value that starts at i,
// or -1.
func endOfValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		for j := i + 1; j < len(b); j++ {
			switch b[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return -1
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end := endOfValue(b, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(b) && !bytes.ContainsRune([]byte(",}] \t\r\n"), rune(b[j])) {
		j++
	}
	return j
}

// unquote returns the text of a JSON string without allocating when it has
// no escapes.
func unquote(raw []byte) ([]byte, bool) {
	if len(raw) < 2 || raw[0] != '"' {
		return nil, false
	}
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, false
	}
	return []byte(s), true
}

func decodeValue(raw []byte) (any, error) {
	switch raw[0] {
	case '"':
		s, ok := unquote(raw)
		if !ok {
			return nil, errScan
		}
		return string(s), nil
	case 't':
		return true, nil
	case 'f':
		return false, nil
	case 'n':
		return nil, nil
	case '{', '[':
		return jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	}
	return json.Number(raw), nil
}
