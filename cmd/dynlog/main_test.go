package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRunHelpAndUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		stdoutHas  string
		stderrLine string
	}{
		{[]string{"--help"}, 0, "Usage:", ""},
		{[]string{"-h"}, 0, "Usage:", ""},
		{[]string{"frobnicate"}, 2, "", "dynlog: unknown command \"frobnicate\" (try dynlog --help)\n"},
		{[]string{"view", "--nope"}, 2, "", "dynlog view: flag provided but not defined: -nope (try dynlog view --help)\n"},
		{[]string{"demo", "--nope"}, 2, "", ""},
	} {
		var out, errOut bytes.Buffer
		if code := run(tc.args, &out, &errOut); code != tc.code {
			t.Errorf("%v: exit %d, want %d", tc.args, code, tc.code)
		}
		if !strings.Contains(out.String(), tc.stdoutHas) {
			t.Errorf("%v: stdout %q lacks %q", tc.args, out.String(), tc.stdoutHas)
		}
		if tc.stderrLine != "" && errOut.String() != tc.stderrLine {
			t.Errorf("%v: stderr %q, want %q", tc.args, errOut.String(), tc.stderrLine)
		}
	}
}

// TestDemoLayoutsPrintsEveryLayout checks demo --layouts, the sample lines
// the demo printed before the traced services (the traced demo itself is
// tested in demo_test.go).
func TestDemoLayoutsPrintsEveryLayout(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"demo", "--layouts"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	s := out.String()
	for _, want := range []string{
		"  INFO dynamo_llm::kv_router: selected worker worker=\"decode-0\" overlap_blocks=12 load=0.75\n",
		`"level":"WARN",`,
		`"target":"dynamo_runtime::system_status_server","message":"health check failed","error":"connection refused"}`,
		"[node-0] WARNING ",
		"prefill queue is deep\r\n[node-0] WARNING ",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("demo output lacks %q:\n%s", want, s)
		}
	}
	if errOut.Len() != 0 {
		t.Errorf("demo wrote to stderr: %q", errOut.String())
	}
}
