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
// Collector's own validate on otelcol/config.yaml, and runs the
// VictoriaLogs and Jaeger files (a collector and Jaeger v2, whose config
// has the collector's shape).
func TestCollectorPipelines(t *testing.T) {
	for _, file := range []string{"otelcol/config.yaml", "otelcol/victorialogs-jaeger.yaml", "jaeger/config.yaml"} {
		doc := yamlDocs(t, file)[0]
		pipelines, _ := dig(doc, "service", "pipelines").(map[string]any)
		if _, ok := pipelines["traces"]; !ok {
			t.Errorf("%s: no traces pipeline", file)
		}
		for name, p := range pipelines {
			for _, kind := range []string{"receivers", "processors", "exporters"} {
				ids, _ := dig(p, kind).([]any)
				for _, id := range ids {
					if _, ok := dig(doc, kind).(map[string]any)[id.(string)]; !ok {
						t.Errorf("%s: pipeline %s uses %s %v, which is not configured", file, name, kind, id)
					}
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

// TestAlloyConfigStructure checks the Alloy files without Alloy
// (config.alloy, to Loki, and victorialogs.alloy, to VictoriaLogs' Loki
// push endpoint): each must
// parse (alloy_syntax_test.go has the parser), the top-level blocks must be
// known components with a label, and each reference COMPONENT.LABEL.EXPORT
// must name a block of the file.
func TestAlloyConfigStructure(t *testing.T) {
	for _, file := range []string{"alloy/config.alloy", "alloy/victorialogs.alloy"} {
		// VictoriaLogs parses the JSON line itself: its file maps no fields.
		mapsFields := file == "alloy/config.alloy"
		t.Run(filepath.Base(file), func(t *testing.T) { checkAlloyConfig(t, file, mapsFields) })
	}
}

func checkAlloyConfig(t *testing.T, file string, mapsFields bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	body, err := parseAlloy(string(data))
	if err != nil {
		t.Fatalf("%s:%v", file, err)
	}

	// Top-level blocks: name "label" { … }.
	blocks := map[string]bool{}
	for _, s := range body {
		if s.Value != nil || s.Label == "" {
			t.Errorf("%s:%s: top level %s is not a component block with a label", file, s.Pos, s.Name)
			continue
		}
		if !slices.Contains(alloyComponents, s.Name) {
			t.Errorf("%s:%s: unknown component %s", file, s.Pos, s.Name)
		}
		blocks[s.Name+"."+s.Label] = true
	}
	for _, want := range []string{"loki.process", "loki.write"} {
		if !slices.ContainsFunc(body, func(s *alloyStmt) bool { return s.Name == want && s.Value == nil }) {
			t.Errorf("%s: no %s block", file, want)
		}
	}

	// A dotted name that starts like a component (discovery.…, local.…,
	// loki.…) is a reference: the block COMPONENT.LABEL, then one export.
	namespaces := map[string]bool{}
	for _, c := range alloyComponents {
		namespaces[strings.Split(c, ".")[0]] = true
	}
	var refs int
	for _, a := range alloyAttributes(body) {
		alloyInspect(a.Value, func(e alloyExpr) bool {
			name, ok := alloyDottedName(e)
			if !ok {
				return true
			}
			if namespaces[strings.Split(name, ".")[0]] {
				refs++
				if i := strings.LastIndex(name, "."); !blocks[name[:i]] {
					t.Errorf("%s:%s: %s refers to no block of the file", file, a.Pos, name)
				}
			}
			return false
		})
	}
	if refs == 0 {
		t.Errorf("%s: no component refers to another", file)
	}

	// The mapping the Loki example exists for: level, target and trace_id
	// extracted from the JSON line and kept as structured metadata.
	if !mapsFields {
		return
	}
	for _, stage := range []struct{ block, attr string }{
		{"stage.json", "expressions"},
		{"stage.structured_metadata", "values"},
	} {
		b := alloyFindBlock(body, stage.block)
		if b == nil {
			t.Errorf("%s: no %s block", file, stage.block)
			continue
		}
		var fields []alloyField
		for _, s := range b.Body {
			if obj, ok := s.Value.(*alloyObject); ok && s.Name == stage.attr {
				fields = obj.Fields
			}
		}
		for _, key := range []string{"level", "target", "trace_id"} {
			i := slices.IndexFunc(fields, func(f alloyField) bool { return f.Name == key })
			if i < 0 {
				t.Errorf("%s: %s does not map %s", file, stage.block, key)
				continue
			}
			lit, _ := fields[i].Value.(*alloyLiteral)
			if lit == nil {
				t.Errorf("%s: %s maps %s from %s, want %q", file, stage.block, key, alloyString(fields[i].Value), key)
			} else if v, _ := lit.stringValue(); v != key {
				t.Errorf("%s:%s: %s maps %s from %s, want %q", file, lit.Pos, stage.block, key, lit.Text, key)
			}
		}
	}
}

// alloyAttributes returns the attributes of body and of the blocks in it,
// at any depth.
func alloyAttributes(body []*alloyStmt) []*alloyStmt {
	var attrs []*alloyStmt
	for _, s := range body {
		if s.Value != nil {
			attrs = append(attrs, s)
		}
		attrs = append(attrs, alloyAttributes(s.Body)...)
	}
	return attrs
}

// alloyFindBlock returns the first block named name in body, at any depth.
func alloyFindBlock(body []*alloyStmt, name string) *alloyStmt {
	for _, s := range body {
		if s.Value == nil && s.Name == name {
			return s
		}
		if b := alloyFindBlock(s.Body, name); b != nil {
			return b
		}
	}
	return nil
}
