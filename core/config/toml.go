package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"github.com/dynlog/dynlog/core/internal/env"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/outside"
	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// fileConfig is what the TOML files say, layered. A nil field
// was set by no file. Values are checked and in canonical form: Format,
// ANSI, LogLevel and the LogFilters levels are trimmed and lower-cased (a
// level is any word filter.ParseLevel takes), and the numbers in File are not
// negative, nor is MaxLineBytes.
type fileConfig struct {
	LogLevel   *string `toml:"log_level"`
	Format     *string `toml:"format"` // "readable" or "jsonl"
	LocalTZ    *bool   `toml:"local_tz"`
	SpanEvents *bool   `toml:"span_events"`
	// SpanEventsLayout is "dynamo" (today's) or "2025" (the 2025 guide's).
	SpanEventsLayout *string           `toml:"span_events_layout"`
	EmbedJSON        *bool             `toml:"embed_json_strings"`
	ANSI             *string           `toml:"ansi"` // "auto", "always" or "never"
	MaxLineBytes     *int              `toml:"max_line_bytes"`
	LogFilters       map[string]string `toml:"log_filters"`
	File             *fileSection      `toml:"file"` // non-nil if any file has a [file] table

	// Sources names the file each value came from, by dotted key:
	// "log_level", "file.path", "log_filters." + the target as written.
	Sources map[string]string `toml:"-"`
	// Loaded lists the files that existed and were read, in order.
	Loaded []string `toml:"-"`
}

// fileSection is the [file] table: where to write and how to rotate.
type fileSection struct {
	Path        *string `toml:"path"`
	MaxSizeMB   *int    `toml:"max_size_mb"`
	MaxBackups  *int    `toml:"max_backups"`
	MaxAgeDays  *int    `toml:"max_age_days"`
	Compress    *bool   `toml:"compress"`
	RotateDaily *bool   `toml:"rotate_daily"`
}

// readConfigFile reads a TOML file (env.ReadFile: package core's tests count
// the reads).
func readConfigFile(path string) ([]byte, error) { return env.ReadFile(path) }

// loadConfigFiles reads the TOML files at paths in order and layers them:
// a later file overrides an earlier one key by key, [log_filters] entries
// merge (the later file wins for a target it names), and so do the keys of
// [file]. New passes /opt/dynamo/etc/logging.toml, then
// DYN_LOGGING_CONFIG_PATH when that is set.
//
// A path that does not exist, or is empty, is skipped. Any other problem is
// an error, returned with the zero fileConfig:
//
//   - a file that cannot be read: "core: cannot read PATH: CAUSE" (the cause
//     is wrapped, so errors.Is(err, fs.ErrPermission) works);
//   - invalid TOML: "core: PATH:LINE:COL: invalid TOML: WHAT";
//   - a key the schema does not have, matched exactly, case included:
//     "core: PATH:LINE:COL: unknown key "KEY"" (or "unknown table");
//   - a value of the wrong type: "core: PATH:LINE:COL: KEY: expected a
//     string, got integer";
//   - a value outside its set (format, ansi, a level word, a negative number
//     in [file] or max_line_bytes): "core: PATH:LINE:COL: KEY: WHAT".
//
// KEY is dotted, as in "file.max_size_mb". When a file has several unknown
// keys or bad values, all of them are reported, separated by "; ".
func loadConfigFiles(paths []string) (fileConfig, error) {
	merged := fileConfig{Sources: map[string]string{}}
	for _, path := range paths {
		if path == "" {
			continue
		}
		data, err := readConfigFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			// The path is ours to print; PathError would print it again.
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return fileConfig{}, fmt.Errorf("core: cannot read %s: %w", outside.Text(path), err)
		}
		doc, err := decodeConfigFile(path, data)
		if err != nil {
			return fileConfig{}, err
		}
		merged.merge(doc, path)
	}
	return merged, nil
}

// decodeConfigFile decodes and checks one file's contents.
func decodeConfigFile(path string, data []byte) (fileConfig, error) {
	// Some Windows editors start files with a byte order mark, which
	// go-toml rejects as a key character.
	data = bytes.TrimPrefix(data, []byte("\ufeff"))

	var doc fileConfig
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(&doc)
	if err != nil {
		return fileConfig{}, decodeFailure(path, data, err)
	}
	entries := indexDocument(data)
	// go-toml matches keys without regard to case, so "Log_Level" passes
	// its strict mode; TOML itself is case-sensitive.
	if ps := unknownKeys(entries); len(ps) > 0 {
		return fileConfig{}, fileError(path, ps)
	}
	if ps := doc.normalize(entries); len(ps) > 0 {
		return fileConfig{}, fileError(path, ps)
	}
	return doc, nil
}

// merge lays doc, read from path, over c.
func (c *fileConfig) merge(doc fileConfig, path string) {
	c.Loaded = append(c.Loaded, path)
	overrideFrom(c, &c.LogLevel, doc.LogLevel, "log_level", path)
	overrideFrom(c, &c.Format, doc.Format, "format", path)
	overrideFrom(c, &c.LocalTZ, doc.LocalTZ, "local_tz", path)
	overrideFrom(c, &c.SpanEvents, doc.SpanEvents, "span_events", path)
	overrideFrom(c, &c.SpanEventsLayout, doc.SpanEventsLayout, "span_events_layout", path)
	overrideFrom(c, &c.EmbedJSON, doc.EmbedJSON, "embed_json_strings", path)
	overrideFrom(c, &c.ANSI, doc.ANSI, "ansi", path)
	overrideFrom(c, &c.MaxLineBytes, doc.MaxLineBytes, "max_line_bytes", path)
	for target, level := range doc.LogFilters {
		if c.LogFilters == nil {
			c.LogFilters = map[string]string{}
		}
		c.LogFilters[target] = level
		c.Sources["log_filters."+target] = path
	}
	if f := doc.File; f != nil {
		if c.File == nil {
			c.File = &fileSection{}
		}
		overrideFrom(c, &c.File.Path, f.Path, "file.path", path)
		overrideFrom(c, &c.File.MaxSizeMB, f.MaxSizeMB, "file.max_size_mb", path)
		overrideFrom(c, &c.File.MaxBackups, f.MaxBackups, "file.max_backups", path)
		overrideFrom(c, &c.File.MaxAgeDays, f.MaxAgeDays, "file.max_age_days", path)
		overrideFrom(c, &c.File.Compress, f.Compress, "file.compress", path)
		overrideFrom(c, &c.File.RotateDaily, f.RotateDaily, "file.rotate_daily", path)
	}
}

// overrideFrom sets *dst to v if the file at path set it, and records that
// the file did.
func overrideFrom[T any](c *fileConfig, dst **T, v *T, key, path string) {
	if v != nil {
		*dst = v
		c.Sources[key] = path
	}
}

// normalize checks the values whose set is closed and rewrites the words in
// canonical form. It reports every bad value, placed by entries.
func (c *fileConfig) normalize(entries []tomlEntry) []problem {
	var ps []problem
	bad := func(key []string, format string, args ...any) {
		ps = append(ps, problem{
			at:  valuePosition(entries, key),
			msg: formatKey(key) + ": " + fmt.Sprintf(format, args...),
		})
	}
	level := func(v *string, key ...string) {
		if _, err := filter.ParseLevel(*v); err != nil {
			bad(key, "%s", outside.Text(err.Error()))
			return
		}
		*v = strings.ToLower(strings.TrimSpace(*v))
	}
	word := func(v *string, key, noun string, want ...string) {
		w := strings.ToLower(strings.TrimSpace(*v))
		if !slices.Contains(want, w) {
			bad([]string{key}, "unknown %s %s (want %s)", noun, outside.Quote(*v), wantList(want))
			return
		}
		*v = w
	}
	natural := func(v *int, key ...string) {
		if v != nil && *v < 0 {
			bad(key, "%d is negative (want 0 or more)", *v)
		}
	}

	if c.LogLevel != nil {
		level(c.LogLevel, "log_level")
	}
	if c.Format != nil {
		word(c.Format, "format", "format", "readable", "jsonl")
	}
	if c.ANSI != nil {
		word(c.ANSI, "ansi", "mode", "auto", "always", "never")
	}
	if c.SpanEventsLayout != nil {
		word(c.SpanEventsLayout, "span_events_layout", "layout", spanLayoutDynamo, spanLayout2025)
	}
	for target, v := range c.LogFilters {
		level(&v, "log_filters", target)
		c.LogFilters[target] = v
	}
	if f := c.File; f != nil {
		natural(f.MaxSizeMB, "file", "max_size_mb")
		natural(f.MaxBackups, "file", "max_backups")
		natural(f.MaxAgeDays, "file", "max_age_days")
	}
	natural(c.MaxLineBytes, "max_line_bytes")
	// Map order is random; the document's order is not.
	slices.SortStableFunc(ps, func(a, b problem) int { return a.at.compare(b.at) })
	return ps
}

// wantList spells a closed set the way the rest of dynlog does: "a, b or c".
func wantList(words []string) string {
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// topLevelTypes and fileTypes are the TOML keys and what each
// holds, as error messages name it. [log_filters] takes any key.
var (
	topLevelTypes = map[string]string{
		"log_level":          "a string",
		"format":             "a string",
		"local_tz":           "a boolean",
		"span_events":        "a boolean",
		"span_events_layout": "a string",
		"embed_json_strings": "a boolean",
		"ansi":               "a string",
		"max_line_bytes":     "an integer",
		"log_filters":        "a table",
		"file":               "a table",
	}
	fileTypes = map[string]string{
		"path":         "a string",
		"max_size_mb":  "an integer",
		"max_backups":  "an integer",
		"max_age_days": "an integer",
		"compress":     "a boolean",
		"rotate_daily": "a boolean",
	}
)

// expectedType says what key should hold, or "" for a key that is not in
// the schema. Keys are compared exactly.
func expectedType(key []string) string {
	switch {
	case len(key) == 1:
		return topLevelTypes[key[0]]
	case len(key) == 2 && key[0] == "file":
		return fileTypes[key[1]]
	case len(key) == 2 && key[0] == "log_filters":
		return "a string"
	}
	return ""
}

// unknownKeys reports, once each and in document order, the shortest
// prefixes of the document's keys that the schema does not have.
func unknownKeys(entries []tomlEntry) []problem {
	var ps []problem
	seen := map[string]bool{}
	for _, e := range entries {
		n := 1
		for n <= len(e.key) && expectedType(e.key[:n]) != "" {
			n++
		}
		if n > len(e.key) {
			continue
		}
		key := e.key[:n]
		name := formatKey(key)
		if seen[name] {
			continue
		}
		seen[name] = true
		ps = append(ps, unknownKey(e.keyAt, key, e.table && n == len(e.key)))
	}
	return ps
}

// unknownKey words the problem of a key the schema does not have, with a
// suggestion when only the case is wrong.
func unknownKey(at position, key []string, table bool) problem {
	what := "key"
	if table {
		what = "table"
	}
	msg := fmt.Sprintf("unknown %s %q", what, formatKey(key))
	var siblings map[string]string
	switch {
	case len(key) == 1:
		siblings = topLevelTypes
	case len(key) == 2 && key[0] == "file":
		siblings = fileTypes
	}
	last := key[len(key)-1]
	for name := range siblings {
		if strings.EqualFold(name, last) {
			alt := append(slices.Clone(key[:len(key)-1]), name)
			msg += fmt.Sprintf(" (keys are case-sensitive; did you mean %q?)", formatKey(alt))
			break
		}
	}
	return problem{at: at, msg: msg}
}

// go-toml's words for a value of the wrong type (v2.4.3): "cannot decode
// TOML integer into struct field core.fileConfig.LogLevel of type string",
// "cannot decode TOML integer into string", "cannot store a table in a
// string".
var (
	decodeMismatch = regexp.MustCompile(`^cannot decode TOML (.+?) into `)
	storeMismatch  = regexp.MustCompile(`^cannot store an? (.+?) in `)
)

// decodeFailure turns what go-toml returned into an error naming path, the
// line and column, and the key.
func decodeFailure(path string, data []byte, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		entries := indexDocument(data)
		ps := make([]problem, 0, len(strict.Errors))
		for i := range strict.Errors {
			de := &strict.Errors[i]
			at := decodePosition(de)
			key, table := []string(de.Key()), strings.HasSuffix(de.Error(), "missing table")
			// Inside an inline table go-toml's key lacks the table's name.
			if e, ok := entryAt(entries, at); ok {
				key, table = e.key, e.table
			}
			ps = append(ps, unknownKey(at, key, table))
		}
		return fileError(path, ps)
	}

	var de *toml.DecodeError
	if !errors.As(err, &de) {
		return fmt.Errorf("core: %s: %s", outside.Text(path), outside.Text(strings.TrimPrefix(err.Error(), "toml: ")))
	}
	at := decodePosition(de)
	msg := outside.Text(strings.TrimPrefix(de.Error(), "toml: "))
	key := []string(de.Key())
	if e, ok := entryAt(indexDocument(data), at); ok {
		key = e.key
	}
	var got string
	if m := decodeMismatch.FindStringSubmatch(msg); m != nil {
		got = m[1]
	} else if m := storeMismatch.FindStringSubmatch(msg); m != nil {
		got = strings.Replace(m[1], "array table", "array of tables", 1)
	}
	want := expectedType(key)
	switch {
	case got != "" && want != "":
		msg = fmt.Sprintf("%s: expected %s, got %s", formatKey(key), want, got)
	case len(key) == 0 || strings.Contains(msg, key[len(key)-1]):
		// Syntax, and redefinitions, which name the key themselves.
		msg = "invalid TOML: " + msg
	default:
		msg = formatKey(key) + ": " + msg
	}
	return fileError(path, []problem{{at: at, msg: msg}})
}

func decodePosition(de *toml.DecodeError) position {
	line, col := de.Position()
	return position{line: line, col: col}
}

// problem is one thing wrong in a file, at a place in it if known.
type problem struct {
	at  position
	msg string
}

// fileError reports the problems of the file at path on one line, since
// Init prints it after "Failed to initialize logging: ".
func fileError(path string, ps []problem) error {
	var b strings.Builder
	b.WriteString("core: ")
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(outside.Text(path))
		if p.at.line > 0 {
			fmt.Fprintf(&b, ":%d:%d", p.at.line, p.at.col)
		}
		b.WriteString(": ")
		b.WriteString(p.msg)
	}
	return errors.New(b.String())
}

// position is a place in a document: 1-based line and byte column, or the
// zero value when unknown.
type position struct{ line, col int }

func (p position) compare(q position) int {
	if p.line != q.line {
		return p.line - q.line
	}
	return p.col - q.col
}

// tomlEntry is one key as the document writes it: a [table] header or a
// key-value, possibly inside an inline table. The decoder forgets where
// values were; the entries remember, for the errors found after decoding.
type tomlEntry struct {
	key     []string // the full key, table names first
	table   bool     // a [table] or [[array table]] header
	keyAt   position // the first part of the key as written
	valueAt position // the value; unknown for headers and arrays
}

// indexDocument lists the entries of data as far as it parses.
func indexDocument(data []byte) []tomlEntry {
	var p unstable.Parser
	p.Reset(data)
	var entries []tomlEntry
	var table []string
	for p.NextExpression() {
		expr := p.Expression()
		switch expr.Kind {
		case unstable.Table, unstable.ArrayTable:
			var at position
			table, at = keyParts(&p, expr.Key())
			entries = append(entries, tomlEntry{key: table, table: true, keyAt: at})
		case unstable.KeyValue:
			entries = indexKeyValue(&p, entries, table, expr)
		}
	}
	return entries
}

func indexKeyValue(p *unstable.Parser, entries []tomlEntry, prefix []string, kv *unstable.Node) []tomlEntry {
	parts, at := keyParts(p, kv.Key())
	e := tomlEntry{key: append(slices.Clip(prefix), parts...), keyAt: at}
	v := kv.Value()
	// The parser gives arrays no range.
	if v.Raw.Length > 0 {
		e.valueAt = shapeStart(p, v.Raw)
	}
	entries = append(entries, e)
	if v.Kind == unstable.InlineTable {
		it := v.Children()
		for it.Next() {
			entries = indexKeyValue(p, entries, e.key, it.Node())
		}
	}
	return entries
}

func keyParts(p *unstable.Parser, it unstable.Iterator) (parts []string, at position) {
	for it.Next() {
		n := it.Node()
		if parts == nil {
			at = shapeStart(p, n.Raw)
		}
		parts = append(parts, string(n.Data))
	}
	return parts, at
}

func shapeStart(p *unstable.Parser, r unstable.Range) position {
	s := p.Shape(r).Start
	return position{line: s.Line, col: s.Column}
}

// entryAt finds the entry whose value, or else whose key, starts at at:
// go-toml places type errors at the value and unknown keys at the key.
func entryAt(entries []tomlEntry, at position) (tomlEntry, bool) {
	if at.line == 0 {
		return tomlEntry{}, false
	}
	for _, e := range entries {
		if e.valueAt == at {
			return e, true
		}
	}
	for _, e := range entries {
		if e.keyAt == at {
			return e, true
		}
	}
	return tomlEntry{}, false
}

// valuePosition finds where the value of key is written.
func valuePosition(entries []tomlEntry, key []string) position {
	for _, e := range entries {
		if slices.Equal(e.key, key) {
			return e.valueAt
		}
	}
	return position{}
}

// formatKey writes key as TOML would, quoting the parts that are not bare
// keys: log_filters."dynamo_runtime::http".
func formatKey(key []string) string {
	parts := make([]string, len(key))
	for i, k := range key {
		if isBareKey(k) {
			parts[i] = k
		} else {
			parts[i] = outside.Quote(k)
		}
	}
	return strings.Join(parts, ".")
}

func isBareKey(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
