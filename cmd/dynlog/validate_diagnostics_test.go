package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap/zapcore"
)

// TestValidateDiagnostics: in JSONL, what a misconfigured start writes on
// the error output is JSONL that `dynlog validate --strict` accepts, and so
// is the audit line of a filter change.
func TestValidateDiagnostics(t *testing.T) {
	vars := map[string]string{
		"DYN_LOGGING_JSONL":              "1",
		"DYN_LOG":                        "dbug,info=loud",
		"DYN_LOGGING_EMBED_JSON_STRINGS": "maybe",
		"DYN_LOGGING_SPAN_EVENTS_LAYOUT": "2024",
		"DYN_LOG_USE_LOCAL_TZ":           "y",
	}
	var stderr bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := vars[k]; return v, ok }
	opts := []core.Option{core.WithEnv(lookup), core.WithSystemConfig(""),
		core.WithOutput(zapcore.AddSync(&stderr)), core.WithErrorOutput(zapcore.AddSync(&stderr))}
	log, err := core.New(opts...)
	if err != nil {
		t.Fatal(err)
	}
	vars["DYN_LOG"] = "off"
	if err := core.Reload(log, opts...); err != nil {
		t.Fatal(err)
	}
	lines := strings.Count(stderr.String(), "\n")
	if lines != 7 {
		// DYN_LOG's skipped directive and typo, the boolean, the layout,
		// the other boolean; then the reload's all-off warning and audit.
		t.Errorf("%d lines on the error output, want 7:\n%s", lines, stderr.String())
	}
	var vout, verr bytes.Buffer
	if code := validate([]string{"--strict"}, strings.NewReader(stderr.String()), &vout, &verr); code != 0 {
		t.Errorf("validate --strict: exit %d\n%s%s\ninput:\n%s", code, vout.String(), verr.String(), stderr.String())
	}
}
