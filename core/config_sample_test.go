package core

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/pelletier/go-toml/v2"
	"go.uber.org/zap/zapcore"
)

const samplePath = "../docs/examples/logging.toml"

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

	guide, err := os.ReadFile("../docs/configuration.md")
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
	for _, dir := range []string{".", "../dedup", "../tracing"} {
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

// TestSampleConfigLoads: core.New takes the sample as it is, and its keys
// act: JSONL, the filter's levels, span events.
func TestSampleConfigLoads(t *testing.T) {
	var out, errOut bytes.Buffer
	log, err := New(
		WithSystemConfig(""),
		WithEnv(func(k string) (string, bool) {
			if k == "DYN_LOGGING_CONFIG_PATH" {
				return samplePath, true
			}
			return "", false
		}),
		WithOutput(zapcore.AddSync(&out)),
		WithErrorOutput(zapcore.AddSync(&errOut)))
	if err != nil {
		t.Fatalf("core.New with %s: %v", samplePath, err)
	}
	log.Named("dynamo_llm::kv_router").Log(TraceLevel, "trace passes for the router")
	log.Named("dynamo_llm::http").Debug("debug does not pass at the default info")
	log.Named("tonic").Info("info does not pass for tonic (warn)")
	log.Named("dynamo_runtime::pipeline").Debug("debug passes for dynamo_runtime")
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var msgs []string
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSONL line (format = \"jsonl\"): %q", l)
		}
		msgs = append(msgs, m["message"].(string))
	}
	want := []string{"trace passes for the router", "debug passes for dynamo_runtime"}
	if strings.Join(msgs, "|") != strings.Join(want, "|") {
		t.Errorf("lines %q, want %q", msgs, want)
	}
	if errOut.Len() != 0 {
		t.Errorf("complaints about the sample: %s", errOut.String())
	}
}
