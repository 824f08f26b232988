package config

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
)

const samplePath = "../../docs/examples/logging.toml"

// TestSampleConfigIsComplete: the sample names every key the TOML schema
// has, and docs/configuration.md lists every key and every variable the
// code reads.
func TestSampleConfigIsComplete(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := toml.Unmarshal(data, &doc); err != nil {
		t.Fatalf("%s: %v", samplePath, err)
	}
	for key := range topLevelTypes {
		if _, ok := doc[key]; !ok {
			t.Errorf("%s lacks the key %q", samplePath, key)
		}
	}
	file, _ := doc["file"].(map[string]any)
	for key := range fileTypes {
		if _, ok := file[key]; !ok {
			t.Errorf("%s lacks the key file.%s", samplePath, key)
		}
	}

	guide, err := os.ReadFile("../../docs/configuration.md")
	if err != nil {
		t.Fatal(err)
	}
	for key := range topLevelTypes {
		if !strings.Contains(string(guide), "`"+key+"`") && !strings.Contains(string(guide), "`["+key+"]`") {
			t.Errorf("docs/configuration.md does not list the TOML key %q", key)
		}
	}
	for key := range fileTypes {
		if !strings.Contains(string(guide), "`[file] "+key+"`") {
			t.Errorf("docs/configuration.md does not list the TOML key file.%s", key)
		}
	}
	literal := regexp.MustCompile(`"((?:DYN|VLLM|OTEL)_[A-Z_]+|NO_COLOR|FORCE_COLOR)"`)
	for _, dir := range []string{".", "..", "../../dedup", "../../tracing"} {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
				continue
			}
			src, err := os.ReadFile(dir + "/" + name)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
				if !strings.Contains(string(guide), "`"+m[1]+"`") {
					t.Errorf("docs/configuration.md does not list %s, which %s/%s reads", m[1], dir, name)
				}
			}
		}
	}
}
