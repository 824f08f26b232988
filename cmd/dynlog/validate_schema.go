package main

import (
	"bytes"
	_ "embed"
	"fmt"
	neturl "net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// lineSchema is the JSON Schema (draft-07) of a Dynamo JSONL line (docs/layouts.md).
//
//go:embed schema/line.schema.json
var lineSchema []byte

// compiledSchema is the line schema compiled, with the keys it constrains.
type compiledSchema struct {
	*jsonschema.Schema
	keys schemaKeys
}

// compileLineSchema compiles [lineSchema] and finds the keys it looks at
// ([keysOf]) and which of them are independent.
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

// lineChecker checks lines for one worker. Most lines of a log repeat a
// few shapes, and the library's validation is the costly part, so it
// remembers verdicts by shape: the keys the schema looks at, in order, with
// the values of independent keys (see [schemaKeys]) replaced by
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

// newLineChecker returns a checker with nothing remembered yet.
func newLineChecker(schema *compiledSchema) *lineChecker {
	return &lineChecker{schema: schema, shapes: map[string]string{}, values: map[string]bool{}, keys: map[string]*keyClass{}}
}

// keyClass is what the schema makes of a key: whether it looks at it, and
// the key's subschema if it is independent.
type keyClass struct {
	wanted bool
	sub    *jsonschema.Schema
	quick  func(raw []byte) bool // see [quickCheck]; nil for most
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
// [notJSONVerdict].
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
	// the library (see [quickCheck]).
	quick     map[*jsonschema.Schema]func(raw []byte) bool
	elsewhere map[string]bool
}

// keyPattern is one of the root's patternProperties.
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

// matchesPattern reports whether one of the patternProperties matches key.
func (k *schemaKeys) matchesPattern(key []byte) bool {
	for _, p := range k.patterns {
		if bytes.HasPrefix(key, []byte(p.prefix)) && p.re.Match(key) {
			return true
		}
	}
	return false
}

// wants reports whether the schema looks at key.
func (k *schemaKeys) wants(key []byte) bool {
	return k.names[string(key)] || k.matchesPattern(key)
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
