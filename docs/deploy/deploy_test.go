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
