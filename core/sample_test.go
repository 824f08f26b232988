package core_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap/zapcore"
)

const samplePath = "../docs/examples/logging.toml"

// TestSampleConfigLoads: core.New takes the sample as it is, and its keys
// act: JSONL, the filter's levels, span events.
func TestSampleConfigLoads(t *testing.T) {
	var out, errOut bytes.Buffer
	log, err := core.New(
		core.WithSystemConfig(""),
		core.WithEnv(func(k string) (string, bool) {
			if k == "DYN_LOGGING_CONFIG_PATH" {
				return samplePath, true
			}
			return "", false
		}),
		core.WithOutput(zapcore.AddSync(&out)),
		core.WithErrorOutput(zapcore.AddSync(&errOut)))
	if err != nil {
		t.Fatalf("core.New with %s: %v", samplePath, err)
	}
	log.Named("dynamo_llm::kv_router").Log(core.TraceLevel, "trace passes for the router")
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
