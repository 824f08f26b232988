package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// yamlDocs decodes every document of a YAML file.
func yamlDocs(t *testing.T, path string) []map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var docs []map[string]any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if doc != nil {
			docs = append(docs, doc)
		}
	}
	if len(docs) == 0 {
		t.Fatalf("%s: no YAML document", path)
	}
	return docs
}

// dig walks nested maps and lists: a string key for a map, an int for a list.
func dig(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func TestEveryYAMLFileParses(t *testing.T) {
	var n int
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ext := filepath.Ext(path); ext == ".yaml" || ext == ".yml" {
			yamlDocs(t, path)
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("found %d YAML files under docs/deploy, want at least 3", n)
	}
}

var varName = regexp.MustCompile("`((?:DYN|VLLM|OTEL)_[A-Z_]+|NO_COLOR|FORCE_COLOR)`")

// documentedVariables is every variable named in the first column of a
// table row in docs/migration.md.
func documentedVariables(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("../migration.md")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]bool{}
	for line := range strings.SplitSeq(string(data), "\n") {
		cells := strings.Split(line, "|")
		if !strings.HasPrefix(line, "|") || len(cells) < 3 {
			continue
		}
		for _, m := range varName.FindAllStringSubmatch(cells[1], -1) {
			vars[m[1]] = true
		}
	}
	return vars
}

// TestMigrationTableIsComplete keeps docs/migration.md honest: every
// variable the presets read (a string literal in core's or dedup's code)
// has a row.
func TestMigrationTableIsComplete(t *testing.T) {
	documented := documentedVariables(t)
	literal := regexp.MustCompile(`"((?:DYN|VLLM|OTEL)_[A-Z_]+|NO_COLOR|FORCE_COLOR)"`)
	var missing []string
	for _, dir := range []string{"../../core", "../../dedup", "../../tracing"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range literal.FindAllStringSubmatch(string(data), -1) {
				if !documented[m[1]] && !slices.Contains(missing, m[1]) {
					missing = append(missing, m[1])
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("docs/migration.md has no table row for %s, which the code reads", strings.Join(missing, ", "))
	}
}

func TestKubernetesEnvNamesAreDynlogVariables(t *testing.T) {
	documented := documentedVariables(t)
	seen := map[string]bool{}
	for _, doc := range yamlDocs(t, "kubernetes/deployment.yaml") {
		if doc["kind"] != "Deployment" {
			t.Errorf("kubernetes/deployment.yaml: kind %v, want Deployment", doc["kind"])
		}
		containers, _ := dig(doc, "spec", "template", "spec", "containers").([]any)
		if len(containers) == 0 {
			t.Errorf("kubernetes/deployment.yaml: Deployment %v has no containers", dig(doc, "metadata", "name"))
		}
		for i := range containers {
			env, _ := dig(containers, i, "env").([]any)
			for j := range env {
				name, _ := dig(env, j, "name").(string)
				if !documented[name] {
					t.Errorf("kubernetes/deployment.yaml: env %q is not a variable dynlog reads (docs/migration.md)", name)
				}
				if _, ok := dig(env, j, "value").(string); !ok {
					t.Errorf("kubernetes/deployment.yaml: env %q: value must be a string", name)
				}
				seen[name] = true
			}
		}
	}
	for _, want := range []string{"DYN_LOGGING_JSONL", "DYN_LOG", "DYN_LOGGING_SPAN_EVENTS", "DYN_LOGGING_FILE",
		"OTEL_EXPORT_ENABLED", "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_SERVICE_NAME"} {
		if !seen[want] {
			t.Errorf("kubernetes/deployment.yaml sets no %s", want)
		}
	}
}

func TestGrafanaLinksResolve(t *testing.T) {
	doc := yamlDocs(t, "grafana/datasources.yaml")[0]
	sources, _ := doc["datasources"].([]any)
	uids := map[string]string{}
	for i := range sources {
		uid, _ := dig(sources, i, "uid").(string)
		typ, _ := dig(sources, i, "type").(string)
		uids[uid] = typ
	}
	if !slices.Contains(mapValues(uids), "loki") || !slices.Contains(mapValues(uids), "tempo") {
		t.Fatalf("grafana/datasources.yaml: want a loki and a tempo data source, have %v", uids)
	}
	var traceLinks int
	for i := range sources {
		fields, _ := dig(sources, i, "jsonData", "derivedFields").([]any)
		for j := range fields {
			uid, _ := dig(fields, j, "datasourceUid").(string)
			if uids[uid] != "tempo" {
				t.Errorf("grafana/datasources.yaml: derived field %v links to %q, not a Tempo data source here", dig(fields, j, "name"), uid)
			}
			if re, _ := dig(fields, j, "matcherRegex").(string); strings.Contains(re, "trace_id") {
				traceLinks++
			}
		}
		if uid, ok := dig(sources, i, "jsonData", "tracesToLogsV2", "datasourceUid").(string); ok && uids[uid] != "loki" {
			t.Errorf("grafana/datasources.yaml: tracesToLogsV2 links to %q, not a Loki data source here", uid)
		}
	}
	if traceLinks == 0 {
		t.Error("grafana/datasources.yaml: no derived field matches trace_id")
	}
}

func mapValues(m map[string]string) []string {
	var vs []string
	for _, v := range m {
		vs = append(vs, v)
	}
	return vs
}

// TestCollectorPipelines is the structural part; `make e2e` runs the
// Collector's own validate on the file.
func TestCollectorPipelines(t *testing.T) {
	doc := yamlDocs(t, "otelcol/config.yaml")[0]
	pipelines, _ := dig(doc, "service", "pipelines").(map[string]any)
	if _, ok := pipelines["traces"]; !ok {
		t.Fatal("otelcol/config.yaml: no traces pipeline")
	}
	for name, p := range pipelines {
		for _, kind := range []string{"receivers", "processors", "exporters"} {
			ids, _ := dig(p, kind).([]any)
			for _, id := range ids {
				if _, ok := dig(doc, kind).(map[string]any)[id.(string)]; !ok {
					t.Errorf("otelcol/config.yaml: pipeline %s uses %s %v, which is not configured", name, kind, id)
				}
			}
		}
	}
}

// alloyComponents are the Alloy components the example may use.
var alloyComponents = []string{
	"discovery.kubernetes", "discovery.relabel", "local.file_match",
	"loki.source.kubernetes", "loki.source.file", "loki.process", "loki.write",
}

// TestAlloyConfigStructure checks config.alloy without Alloy: comments and
// strings are lexed away, braces, brackets and parentheses must balance,
// the top-level blocks must be known components with a label, and each
// reference COMPONENT.LABEL.EXPORT must name a block of the file.
func TestAlloyConfigStructure(t *testing.T) {
	data, err := os.ReadFile("alloy/config.alloy")
	if err != nil {
		t.Fatal(err)
	}
	code, strs, err := lexAlloy(string(data))
	if err != nil {
		t.Fatalf("alloy/config.alloy: %v", err)
	}

	var stack []byte
	pairs := map[byte]byte{'}': '{', ']': '[', ')': '('}
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '{', '[', '(':
			stack = append(stack, c)
		case '}', ']', ')':
			if len(stack) == 0 || stack[len(stack)-1] != pairs[c] {
				t.Fatalf("alloy/config.alloy: unbalanced %q at line %d", c, 1+strings.Count(code[:i], "\n"))
			}
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		t.Fatalf("alloy/config.alloy: %d unclosed brackets", len(stack))
	}

	// Top-level blocks: name "label" { … } at depth 0.
	header := regexp.MustCompile(`^([a-z_]+(?:\.[a-z_]+)+) "(\d+)" \{`) // the label, lexed
	blocks := map[string]bool{}
	depth := 0
	for line := range strings.SplitSeq(code, "\n") {
		trimmed := strings.TrimSpace(line)
		if depth == 0 && trimmed != "" {
			m := header.FindStringSubmatch(trimmed)
			if m == nil {
				t.Errorf("alloy/config.alloy: top level %q is not a component block", trimmed)
			} else {
				if !slices.Contains(alloyComponents, m[1]) {
					t.Errorf("alloy/config.alloy: unknown component %s", m[1])
				}
				n, _ := strconv.Atoi(m[2])
				blocks[m[1]+"."+strs[n]] = true
			}
		}
		depth += strings.Count(line, "{") - strings.Count(line, "}")
	}
	for _, want := range []string{"loki.process", "loki.write"} {
		if !hasPrefixKey(blocks, want+".") {
			t.Errorf("alloy/config.alloy: no %s block", want)
		}
	}

	ref := regexp.MustCompile(`\b((?:discovery|local|loki)\.[a-z_.]+)\.([a-z_0-9]+)\.(receiver|targets|output)\b`)
	refs := ref.FindAllStringSubmatch(code, -1)
	if len(refs) == 0 {
		t.Error("alloy/config.alloy: no component refers to another")
	}
	for _, m := range refs {
		if !blocks[m[1]+"."+m[2]] {
			t.Errorf("alloy/config.alloy: %s refers to no block of the file", m[0])
		}
	}

	// The mapping the example exists for: level, target and trace_id
	// extracted from the JSON line and kept as structured metadata.
	for _, stage := range []string{"stage.json", "stage.structured_metadata"} {
		body := blockBody(code, stage)
		if body == "" {
			t.Errorf("alloy/config.alloy: no %s block", stage)
			continue
		}
		for _, key := range []string{"level", "target", "trace_id"} {
			m := regexp.MustCompile(`\b` + key + `\s*=\s*"(\d+)"`).FindStringSubmatch(body)
			if m == nil {
				t.Errorf("alloy/config.alloy: %s does not map %s", stage, key)
				continue
			}
			if n, _ := strconv.Atoi(m[1]); strs[n] != key {
				t.Errorf("alloy/config.alloy: %s maps %s from %q, want %q", stage, key, strs[n], key)
			}
		}
	}
}

// lexAlloy returns the code with comments removed and every string literal
// replaced by its index among strs ("0", "1", …), so that brackets inside
// strings do not count and keys can be matched by value.
func lexAlloy(src string) (code string, strs []string, err error) {
	var b strings.Builder
	line := 1
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '\n':
			line++
			b.WriteByte(c)
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			i--
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return "", nil, errors.New("unterminated block comment")
			}
			line += strings.Count(src[i:i+2+end+2], "\n")
			i += 2 + end + 1
		case c == '"':
			var s strings.Builder
			j := i + 1
			for ; j < len(src) && src[j] != '"'; j++ {
				if src[j] == '\n' {
					return "", nil, errors.New("string not closed on line " + strconv.Itoa(line))
				}
				if src[j] == '\\' {
					j++
				}
				if j < len(src) {
					s.WriteByte(src[j])
				}
			}
			if j >= len(src) {
				return "", nil, errors.New("string not closed on line " + strconv.Itoa(line))
			}
			b.WriteString(`"` + strconv.Itoa(len(strs)) + `"`)
			strs = append(strs, s.String())
			i = j
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), strs, nil
}

// blockBody is the text between the braces of the first block named name.
func blockBody(code, name string) string {
	i := strings.Index(code, name+" {")
	if i < 0 {
		return ""
	}
	start := i + len(name) + 2
	depth := 1
	for j := start; j < len(code); j++ {
		switch code[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return code[start:j]
			}
		}
	}
	return ""
}

func hasPrefixKey(m map[string]bool, prefix string) bool {
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			return true
		}
	}
	return false
}
