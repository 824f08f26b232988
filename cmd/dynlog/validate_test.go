package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const goldenJSONL = "internal/logfile/testdata/golden.jsonl"

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const okLine = `{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"m"}`

func TestValidate(t *testing.T) {
	bad := writeFile(t, "bad.jsonl", strings.Join([]string{
		`{"time":"2025-09-02T16:38:06.656503Z","level":"info","target":"x","message":"m"}`,
		`{"time":"yesterday","level":"INFO","target":"x","message":"m","span_id":"XYZ"}`,
		`{"level":"INFO","target":"x"}`,
		`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"log","message":"m","file":"a.go","line":3}`,
		`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"m","file":"a.go"}`,
		`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"m","time.busy_us":1.5}`,
		`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"m"`,
		`plain text`,
		`42`,
		``,
		okLine + ` trailing`,
		"{\"time\":\"2025-09-02T16:38:06.656503Z\",\"level\":\"INFO\",\"target\":\"x\",\"message\":\"\xff\"}",
		`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"m","trace_id":"425EF761CA5B44C795B4C912F1D84B39"}`,
		okLine,
	}, "\n")+"\n")
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stdout string
	}{
		{"golden", []string{"validate", goldenJSONL}, 0, "8 lines: 8 valid, 0 invalid, 0 not JSON\n"},
		{"bad lines", []string{"validate", bad}, 1, bad + `:1: "level": "info" is not one of "TRACE", "DEBUG", "INFO", "WARN", "ERROR"
` + bad + `:2: "span_id": "XYZ" does not match ^[a-f0-9]{16}$; "time": "yesterday" is not a valid date-time
` + bad + `:3: missing properties 'time', 'message'
` + bad + `:4: "file": not allowed when target is "log"; "line": not allowed when target is "log"
` + bad + `:5: properties 'line' required, if 'file' exists
` + bad + `:6: "time.busy_us": got number, want integer
` + bad + `:7: malformed JSON: the line ends inside the object (truncated?)
` + bad + `:9: JSON but not an object
` + bad + `:11: malformed JSON: invalid character 't' after top-level value
` + bad + `:12: invalid UTF-8
` + bad + `:13: "trace_id": "425EF761CA5B44C795B4C912F1D84B39" does not match ^[a-f0-9]{32}$
14 lines: 1 valid, 11 invalid, 2 not JSON
`},
		{"strict", []string{"validate", "--strict", bad}, 1, ""},
		{"help", []string{"validate", "--help"}, 0, "Usage: dynlog validate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(tc.args, &out, &errOut)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, errOut.String())
			}
			if tc.name == "help" || tc.name == "strict" {
				if !strings.Contains(out.String(), tc.stdout) {
					t.Errorf("stdout %q lacks %q", out.String(), tc.stdout)
				}
				return
			}
			if out.String() != tc.stdout {
				t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), tc.stdout)
			}
		})
	}
}

func TestValidateStrictCountsNotJSON(t *testing.T) {
	path := writeFile(t, "mixed.jsonl", okLine+"\nplain\n")
	var out, errOut bytes.Buffer
	if code := run([]string{"validate", path}, &out, &errOut); code != 0 {
		t.Errorf("without --strict: exit %d", code)
	}
	out.Reset()
	if code := run([]string{"validate", "--strict", path}, &out, &errOut); code != 1 {
		t.Errorf("with --strict: exit %d", code)
	}
	if want := path + ":2: not JSON\n2 lines: 1 valid, 0 invalid, 1 not JSON\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
}

// TestValidateOneBadLineAmongMany is the check of one bad line: 10,000 lines, one
// of them bad, named by its number.
func TestValidateOneBadLineAmongMany(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 10000; i++ {
		if i == 7321 {
			b.WriteString(`{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"m","span_id":"6959a1b2d1ee41a"}` + "\n")
			continue
		}
		fmt.Fprintf(&b, `{"time":"2025-09-02T16:38:%02d.%06dZ","level":"INFO","target":"x","message":"m %d","span_id":"%016x"}`+"\n", i%60, i, i, i)
	}
	path := writeFile(t, "many.jsonl", b.String())
	var out, errOut bytes.Buffer
	if code := run([]string{"validate", path}, &out, &errOut); code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	want := path + `:7321: "span_id": "6959a1b2d1ee41a" does not match ^[a-f0-9]{16}$` + "\n10000 lines: 9999 valid, 1 invalid, 0 not JSON\n"
	if out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
}

func TestValidateStdinAndUsageErrors(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := validate(nil, strings.NewReader(okLine), &out, &errOut); code != 0 || out.String() != "1 lines: 1 valid, 0 invalid, 0 not JSON\n" {
		t.Errorf("stdin: exit %d, stdout %q", code, out.String())
	}
	for _, tc := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"validate", "--nope"}, 2, "dynlog validate: flag provided but not defined: -nope (try dynlog validate --help)\n"},
		{[]string{"validate", "/nonexistent/x.jsonl"}, 1, "dynlog validate: open /nonexistent/x.jsonl: no such file or directory; skipped\n"},
	} {
		out.Reset()
		errOut.Reset()
		if code := run(tc.args, &out, &errOut); code != tc.code || errOut.String() != tc.stderr {
			t.Errorf("%v: exit %d, stderr %q; want %d, %q", tc.args, code, errOut.String(), tc.code, tc.stderr)
		}
	}
}

// TestValidateHostileInput: nothing panics and every line is accounted for.
func TestValidateHostileInput(t *testing.T) {
	garbage := make([]byte, 4096)
	for i := range garbage {
		garbage[i] = byte(i * 7919)
	}
	for _, tc := range []struct {
		name, content string
		verdict       string // in the output, or the summary's counts
	}{
		{"1 MB line", `{"time":"2025-09-02T16:38:06.656503Z","level":"INFO","target":"x","message":"` + strings.Repeat("a", 1<<20) + `"}` + "\n", "1 lines: 1 valid"},
		{"1 MB garbage line", strings.Repeat("\x00\xff", 1<<19) + "\n", "1 not JSON"},
		{"binary garbage", string(garbage), "not JSON"},
		{"truncated", okLine[:40], ":1: malformed JSON: the line ends inside the object (truncated?)"},
		{"invalid UTF-8 key", "{\"\xc3\x28\":1}", ":1: invalid UTF-8"},
		{"deep nesting", strings.Repeat("[", 100000), "not JSON"},
		{"deep object", `{"a":` + strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20001), ":1: malformed JSON: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, "hostile", tc.content)
			var out, errOut bytes.Buffer
			run([]string{"validate", path}, &out, &errOut)
			if !strings.Contains(out.String(), tc.verdict) {
				t.Errorf("stdout %q lacks %q", out.String(), tc.verdict)
			}
		})
	}
}
