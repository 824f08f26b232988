package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
)

func ptr[T any](v T) *T { return &v }

// writeFiles writes name → content into a fresh directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// inDir turns the file names of a test table into paths under dir; "" stays
// "", and nil stays nil.
func inDir(dir string, names []string) []string {
	if names == nil {
		return nil
	}
	paths := make([]string, len(names))
	for i, n := range names {
		if n != "" {
			paths[i] = filepath.Join(dir, n)
		}
	}
	return paths
}

const fullConfig = `# every key of the schema
log_level = "debug"
format = "jsonl"
local_tz = true
span_events = false
ansi = "never"

[log_filters]
"dynamo_runtime" = "debug"
tonic = "warn"
"dynamo_llm::http" = "trace"
h2 = "0"

[file]
path = "/var/log/dynamo/worker.log"
max_size_mb = 100
max_backups = 5
max_age_days = 7
compress = true
rotate_daily = false
`

func TestLoadConfigFiles(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		paths []string // names in the test's directory; a name not in files does not exist
		// want.Sources and want.Loaded hold names, joined to the directory
		// before comparing.
		want fileConfig
	}{
		{
			name:  "every key",
			files: map[string]string{"a.toml": fullConfig},
			paths: []string{"a.toml"},
			want: fileConfig{
				LogLevel:   ptr("debug"),
				Format:     ptr("jsonl"),
				LocalTZ:    ptr(true),
				SpanEvents: ptr(false),
				ANSI:       ptr("never"),
				LogFilters: map[string]string{
					"dynamo_runtime":   "debug",
					"tonic":            "warn",
					"dynamo_llm::http": "trace",
					"h2":               "0",
				},
				File: &fileSection{
					Path:        ptr("/var/log/dynamo/worker.log"),
					MaxSizeMB:   ptr(100),
					MaxBackups:  ptr(5),
					MaxAgeDays:  ptr(7),
					Compress:    ptr(true),
					RotateDaily: ptr(false),
				},
				Sources: map[string]string{
					"log_level": "a.toml", "format": "a.toml", "local_tz": "a.toml",
					"span_events": "a.toml", "ansi": "a.toml",
					"log_filters.dynamo_runtime": "a.toml", "log_filters.tonic": "a.toml",
					"log_filters.dynamo_llm::http": "a.toml", "log_filters.h2": "a.toml",
					"file.path": "a.toml", "file.max_size_mb": "a.toml", "file.max_backups": "a.toml",
					"file.max_age_days": "a.toml", "file.compress": "a.toml", "file.rotate_daily": "a.toml",
				},
				Loaded: []string{"a.toml"},
			},
		},
		{
			name: "later file overrides key by key and merges tables",
			files: map[string]string{
				"base.toml": `log_level = "info"
format = "readable"
local_tz = true

[log_filters]
dynamo = "debug"
tonic = "warn"

[file]
path = "/var/log/base.log"
max_size_mb = 100
rotate_daily = true
`,
				"override.toml": `log_level = "trace"
ansi = "always"

[log_filters]
tonic = "error"
h2 = "off"

[file]
max_size_mb = 10
compress = true
rotate_daily = false
`,
			},
			paths: []string{"base.toml", "override.toml"},
			want: fileConfig{
				LogLevel:   ptr("trace"),
				Format:     ptr("readable"),
				LocalTZ:    ptr(true),
				ANSI:       ptr("always"),
				LogFilters: map[string]string{"dynamo": "debug", "tonic": "error", "h2": "off"},
				File: &fileSection{
					Path:        ptr("/var/log/base.log"),
					MaxSizeMB:   ptr(10),
					Compress:    ptr(true),
					RotateDaily: ptr(false),
				},
				Sources: map[string]string{
					"log_level": "override.toml", "format": "base.toml", "local_tz": "base.toml",
					"ansi":               "override.toml",
					"log_filters.dynamo": "base.toml", "log_filters.tonic": "override.toml",
					"log_filters.h2": "override.toml",
					"file.path":      "base.toml", "file.max_size_mb": "override.toml",
					"file.compress": "override.toml", "file.rotate_daily": "override.toml",
				},
				Loaded: []string{"base.toml", "override.toml"},
			},
		},
		{
			name:  "missing first file is skipped",
			files: map[string]string{"b.toml": `log_level = "warn"`},
			paths: []string{"missing.toml", "b.toml"},
			want: fileConfig{
				LogLevel: ptr("warn"),
				Sources:  map[string]string{"log_level": "b.toml"},
				Loaded:   []string{"b.toml"},
			},
		},
		{
			name:  "missing second file is skipped",
			files: map[string]string{"a.toml": `log_level = "warn"`},
			paths: []string{"a.toml", "missing.toml"},
			want: fileConfig{
				LogLevel: ptr("warn"),
				Sources:  map[string]string{"log_level": "a.toml"},
				Loaded:   []string{"a.toml"},
			},
		},
		{
			name:  "no file exists",
			paths: []string{"missing.toml", "nodir/missing.toml"},
			want:  fileConfig{Sources: map[string]string{}},
		},
		{
			name: "no paths",
			want: fileConfig{Sources: map[string]string{}},
		},
		{
			name:  "empty path is skipped",
			files: map[string]string{"a.toml": `span_events = true`},
			paths: []string{"a.toml", ""},
			want: fileConfig{
				SpanEvents: ptr(true),
				Sources:    map[string]string{"span_events": "a.toml"},
				Loaded:     []string{"a.toml"},
			},
		},
		{
			name:  "empty file",
			files: map[string]string{"a.toml": ""},
			paths: []string{"a.toml"},
			want:  fileConfig{Sources: map[string]string{}, Loaded: []string{"a.toml"}},
		},
		{
			name:  "comments and an empty [file] table",
			files: map[string]string{"a.toml": "# nothing yet\n\n[file]\n"},
			paths: []string{"a.toml"},
			want: fileConfig{
				File:    &fileSection{},
				Sources: map[string]string{},
				Loaded:  []string{"a.toml"},
			},
		},
		{
			name: "log_filters loads any key (New reads each as a DYN_LOG selector, TestLogFiltersKeys)",
			files: map[string]string{"a.toml": `[log_filters]
"dynamo_runtime::system_status_server" = "trace"
Weird-Target = "warn"
"with space" = "1"
"a.b" = "debug"
`},
			paths: []string{"a.toml"},
			want: fileConfig{
				LogFilters: map[string]string{
					"dynamo_runtime::system_status_server": "trace",
					"Weird-Target":                         "warn",
					"with space":                           "1",
					"a.b":                                  "debug",
				},
				Sources: map[string]string{
					"log_filters.dynamo_runtime::system_status_server": "a.toml",
					"log_filters.Weird-Target":                         "a.toml",
					"log_filters.with space":                           "a.toml",
					"log_filters.a.b":                                  "a.toml",
				},
				Loaded: []string{"a.toml"},
			},
		},
		{
			name: "dotted keys and inline tables",
			files: map[string]string{"a.toml": `log_filters.dynamo = "debug"
file = { path = "/tmp/x.log", rotate_daily = true }
`},
			paths: []string{"a.toml"},
			want: fileConfig{
				LogFilters: map[string]string{"dynamo": "debug"},
				File:       &fileSection{Path: ptr("/tmp/x.log"), RotateDaily: ptr(true)},
				Sources: map[string]string{
					"log_filters.dynamo": "a.toml", "file.path": "a.toml", "file.rotate_daily": "a.toml",
				},
				Loaded: []string{"a.toml"},
			},
		},
		{
			name: "words are trimmed and lower-cased",
			files: map[string]string{"a.toml": `log_level = " WARNING "
format = "JSONL"
ansi = " Always"
[log_filters]
dynamo = "TRACE"
`},
			paths: []string{"a.toml"},
			want: fileConfig{
				LogLevel:   ptr("warning"),
				Format:     ptr("jsonl"),
				ANSI:       ptr("always"),
				LogFilters: map[string]string{"dynamo": "trace"},
				Sources: map[string]string{
					"log_level": "a.toml", "format": "a.toml", "ansi": "a.toml", "log_filters.dynamo": "a.toml",
				},
				Loaded: []string{"a.toml"},
			},
		},
		{
			name:  "byte order mark",
			files: map[string]string{"a.toml": "\ufefflog_level = \"error\"\r\n"},
			paths: []string{"a.toml"},
			want: fileConfig{
				LogLevel: ptr("error"),
				Sources:  map[string]string{"log_level": "a.toml"},
				Loaded:   []string{"a.toml"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			got, err := loadConfigFiles(inDir(dir, tt.paths))
			if err != nil {
				t.Fatalf("loadConfigFiles: %v", err)
			}
			want := tt.want
			want.Loaded = inDir(dir, want.Loaded)
			want.Sources = map[string]string{}
			for k, v := range tt.want.Sources {
				want.Sources[k] = filepath.Join(dir, v)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("loadConfigFiles:\n got %s\nwant %s", describeConfig(got), describeConfig(want))
			}
		})
	}
}

// describeConfig prints c with its pointers followed, for failure messages.
func describeConfig(c fileConfig) string {
	var b strings.Builder
	field := func(name string, v any) {
		if rv := reflect.ValueOf(v); !rv.IsNil() {
			fmt.Fprintf(&b, "%s=%#v ", name, rv.Elem().Interface())
		}
	}
	field("log_level", c.LogLevel)
	field("format", c.Format)
	field("local_tz", c.LocalTZ)
	field("span_events", c.SpanEvents)
	field("ansi", c.ANSI)
	if c.LogFilters != nil {
		fmt.Fprintf(&b, "log_filters=%v ", c.LogFilters)
	}
	if f := c.File; f != nil {
		b.WriteString("file={ ")
		field("path", f.Path)
		field("max_size_mb", f.MaxSizeMB)
		field("max_backups", f.MaxBackups)
		field("max_age_days", f.MaxAgeDays)
		field("compress", f.Compress)
		field("rotate_daily", f.RotateDaily)
		b.WriteString("} ")
	}
	fmt.Fprintf(&b, "sources=%v loaded=%q", c.Sources, c.Loaded)
	return b.String()
}

func TestLoadConfigFilesErrors(t *testing.T) {
	// P stands for the path of a.toml in the test's directory.
	tests := []struct {
		name    string
		content string
		want    string
	}{
		// Keys that the schema does not have.
		{"unknown top-level key", "log_level = \"info\"\nlevle = \"debug\"\n",
			`core: P:2:1: unknown key "levle"`},
		{"unknown key in [file]", "[file]\npath = \"x\"\nsise = 3\n",
			`core: P:3:1: unknown key "file.sise"`},
		{"unknown dotted key", "file.sise = 3\n",
			`core: P:1:1: unknown key "file.sise"`},
		{"unknown key in an inline table", "file = { path = \"a\", sise = 1 }\n",
			`core: P:1:22: unknown key "file.sise"`},
		{"unknown table", "[colours]\nreadable = \"blue\"\n",
			`core: P:1:2: unknown table "colours"`},
		{"several unknown keys", "levle = 1\n[file]\nsise = 3\n[colours]\nx = 1\n",
			`core: P:1:1: unknown key "levle"; P:3:1: unknown key "file.sise"; P:4:2: unknown table "colours"`},
		{"key in the wrong case", "Log_Level = \"info\"\n",
			`core: P:1:1: unknown key "Log_Level" (keys are case-sensitive; did you mean "log_level"?)`},
		{"table in the wrong case", "[File]\npath = \"x\"\n",
			`core: P:1:2: unknown table "File" (keys are case-sensitive; did you mean "file"?)`},
		{"key in [file] in the wrong case", "[file]\nPATH = \"x\"\n",
			`core: P:2:1: unknown key "file.PATH" (keys are case-sensitive; did you mean "file.path"?)`},

		// Values of the wrong type.
		{"log_level integer", "log_level = 3\n",
			`core: P:1:13: log_level: expected a string, got integer`},
		{"local_tz string", "\nlocal_tz = \"yes\"\n",
			`core: P:2:12: local_tz: expected a boolean, got string`},
		{"max_size_mb string", "[file]\nmax_size_mb = \"big\"\n",
			`core: P:2:15: file.max_size_mb: expected an integer, got string`},
		{"max_age_days float", "[file]\nmax_age_days = 1.5\n",
			`core: P:2:16: file.max_age_days: expected an integer, got float`},
		{"log_filters value integer", "[log_filters]\ndynamo = 5\n",
			`core: P:2:10: log_filters.dynamo: expected a string, got integer`},
		{"log_filters quoted target integer", "[log_filters]\n\"dynamo::http\" = 5\n",
			`core: P:2:18: log_filters."dynamo::http": expected a string, got integer`},
		{"rotate_daily string", "[file]\nrotate_daily = \"yes\"\n",
			`core: P:2:16: file.rotate_daily: expected a boolean, got string`},
		{"key rotate_daily in the wrong case", "[file]\nRotate_Daily = true\n",
			`core: P:2:1: unknown key "file.Rotate_Daily" (keys are case-sensitive; did you mean "file.rotate_daily"?)`},
		{"inline table value", "file = { path = \"a\", compress = 1 }\n",
			`core: P:1:33: file.compress: expected a boolean, got integer`},
		{"file not a table", "file = 3\n",
			`core: P:1:8: file: expected a table, got integer`},
		{"log_filters not a table", "log_filters = \"debug\"\n",
			`core: P:1:15: log_filters: expected a table, got string`},
		{"table where a string belongs", "[log_level]\nx = 1\n",
			`core: P:1:2: log_level: expected a string, got table`},
		{"array of tables", "[[file]]\npath = \"x\"\n",
			`core: P:1:3: file: expected a table, got array of tables`},
		{"array", "span_events = [true]\n",
			`core: P:1:15: span_events: expected a boolean, got array`},
		{"integer too large", "[file]\nmax_backups = 99999999999999999999\n",
			`core: P:2:15: file.max_backups: decimal number is too large to fit in a 64-bit signed integer`},

		// Invalid TOML.
		{"unterminated string", "log_level = \"info\nformat = \"jsonl\"\n",
			`core: P:1:18: invalid TOML: basic strings cannot have new lines`},
		{"unterminated string at the end", "log_level = \"info",
			`core: P:1:17: invalid TOML: unterminated basic string`},
		{"missing =", "format = \"jsonl\"\nlog_level \"info\"\n",
			`core: P:2:11: invalid TOML: expected '=' after key`},
		{"missing value", "log_level =\n",
			`core: P:1:12: invalid TOML: unexpected character U+000A at start of value`},
		{"junk after value", "log_level = \"info\" please\n",
			`core: P:1:20: invalid TOML: expected newline but got U+0070 'p'`},
		{"key defined twice", "log_level = \"info\"\nlog_level = \"debug\"\n",
			`core: P:2:1: invalid TOML: key log_level is already defined`},
		{"table defined twice", "[file]\npath = \"a\"\n[file]\n",
			`core: P:3:2: invalid TOML: table file already exists`},

		// Values outside their set.
		{"bad format", "format = \"xml\"\n",
			`core: P:1:10: format: unknown format "xml" (want readable or jsonl)`},
		{"bad ansi", "ansi = \"sometimes\"\n",
			`core: P:1:8: ansi: unknown mode "sometimes" (want auto, always or never)`},
		{"bad log_level", "log_level = \"loud\"\n",
			`core: P:1:13: log_level: unknown level "loud" (want off, error, warn, info, debug, trace or 0-5)`},
		{"level out of range", "log_level = \"6\"\n",
			`core: P:1:13: log_level: unknown level "6" (want off, error, warn, info, debug, trace or 0-5)`},
		{"bad level in log_filters", "[log_filters]\ndynamo = \"info\"\n\"dynamo_llm::http\" = \"verbose\"\n",
			`core: P:3:22: log_filters."dynamo_llm::http": unknown level "verbose" (want off, error, warn, info, debug, trace or 0-5)`},
		{"negative max_size_mb", "[file]\nmax_size_mb = -1\n",
			`core: P:2:15: file.max_size_mb: -1 is negative (want 0 or more)`},
		{"negative max_line_bytes", "max_line_bytes = -1\n",
			`core: P:1:18: max_line_bytes: -1 is negative (want 0 or more)`},
		{"max_line_bytes not an integer", "max_line_bytes = \"1MB\"\n",
			`core: P:1:18: max_line_bytes: expected an integer, got string`},
		{"negative in an inline table", "file = { max_backups = -2 }\n",
			`core: P:1:24: file.max_backups: -2 is negative (want 0 or more)`},
		{"every bad value, in document order", `[file]
max_age_days = -7
max_size_mb = -100

[log_filters]
b = "loud"
a = "quiet"
`, `core: P:2:16: file.max_age_days: -7 is negative (want 0 or more); ` +
			`P:3:15: file.max_size_mb: -100 is negative (want 0 or more); ` +
			`P:6:5: log_filters.b: unknown level "loud" (want off, error, warn, info, debug, trace or 0-5); ` +
			`P:7:5: log_filters.a: unknown level "quiet" (want off, error, warn, info, debug, trace or 0-5)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"a.toml": tt.content})
			path := filepath.Join(dir, "a.toml")
			got, err := loadConfigFiles([]string{path})
			want := strings.ReplaceAll(tt.want, "P:", path+":")
			if err == nil {
				t.Fatalf("loadConfigFiles = %s, want error %q", describeConfig(got), want)
			}
			if err.Error() != want {
				t.Errorf("error:\n got %q\nwant %q", err, want)
			}
			if !reflect.DeepEqual(got, fileConfig{}) {
				t.Errorf("config with the error = %s, want the zero value", describeConfig(got))
			}
		})
	}
}

// An error in the second file names the second file, and nothing of the
// first is returned.
func TestLoadConfigFilesErrorInSecondFile(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a.toml": "format = \"jsonl\"\n",
		"b.toml": "log_level = \"info\"\nformat = \"json\"\n",
	})
	got, err := loadConfigFiles(inDir(dir, []string{"a.toml", "b.toml"}))
	want := `core: ` + filepath.Join(dir, "b.toml") + `:2:10: format: unknown format "json" (want readable or jsonl)`
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	if !reflect.DeepEqual(got, fileConfig{}) {
		t.Errorf("config with the error = %s, want the zero value", describeConfig(got))
	}
}

func TestLoadConfigFilesDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := loadConfigFiles([]string{dir})
	want := "core: cannot read " + dir + ": is a directory"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
}

// TestLoadConfigFilesUnreadable: a file the process may not read is an
// error that says so. Root reads any file whatever its mode, so as root the
// test runs again in a child process under the unprivileged uid 65534
// (nobody), from a copy of the test binary that user can execute.
func TestLoadConfigFilesUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		runAsNobody(t, "TestLoadConfigFilesUnreadable")
		return
	}
	dir := writeFiles(t, map[string]string{"a.toml": "log_level = \"info\"\n"})
	path := filepath.Join(dir, "a.toml")
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	_, err := loadConfigFiles([]string{path})
	want := "core: cannot read " + path + ": permission denied"
	if err == nil || err.Error() != want {
		t.Fatalf("error = %v, want %q", err, want)
	}
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("errors.Is(%v, fs.ErrPermission) = false, want true", err)
	}
}

// runAsNobody runs the test named test in a child process as uid and gid
// 65534, with TMPDIR in a directory that user may write, and fails t with
// the child's output if the child fails.
func runAsNobody(t *testing.T, test string) {
	t.Helper()
	dir, err := os.MkdirTemp("", "dynlog-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	bin, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, "core.test")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run", "^"+test+"$", "-test.count", "1", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TMPDIR="+dir, "HOME="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s as uid 65534: %v\n%s", test, err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+test) {
		t.Fatalf("%s as uid 65534 did not run:\n%s", test, out)
	}
}
