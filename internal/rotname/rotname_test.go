package rotname

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

var at = time.Date(2025, 9, 2, 16, 38, 6, 656_503_000, time.UTC)

func TestName(t *testing.T) {
	for _, tc := range []struct {
		path string
		t    time.Time
		want string
	}{
		{"/var/log/worker.log", at, "/var/log/worker-2025-09-02T16-38-06.656.log"},
		{"worker.jsonl", at, "worker-2025-09-02T16-38-06.656.jsonl"},
		{"/var/log/worker", at, "/var/log/worker-2025-09-02T16-38-06.656"},
		{"/var/log/a.b.log", at, "/var/log/a.b-2025-09-02T16-38-06.656.log"},
		{"/var/log/worker.log", at.In(time.FixedZone("X", 2*3600)), "/var/log/worker-2025-09-02T16-38-06.656.log"}, // UTC
	} {
		if got := Name(tc.path, tc.t, false); got != tc.want {
			t.Errorf("Name(%q, %v, false) = %q, want %q", tc.path, tc.t, got, tc.want)
		}
	}
	local := at.In(time.FixedZone("X", 2*3600))
	if got, want := Name("/l/w.log", local, true), "/l/w-2025-09-02T18-38-06.656.log"; got != want {
		t.Errorf("Name(local) = %q, want %q", got, want)
	}
}

func TestParse(t *testing.T) {
	const path = "/var/log/worker.log"
	rotated := at.Truncate(time.Millisecond)
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"worker-2025-09-02T16-38-06.656.log", true},
		{"worker-2025-09-02T16-38-06.656.log.gz", true},
		{"worker.log", false},
		{"worker-debug.log", false},
		{"worker-9999.log.gz", false},
		{"worker-2025-13-02T16-38-06.656.log", false}, // month 13
		{"worker-2025-09-02T16-38-06.log", false},     // no milliseconds
		{"worker-2025-09-02T16-38-06.656.jsonl", false},
		{"worker-2025-09-02T16-38-06.656.log.gz.gz", false},
		{"worker-2025-09-02T16-38-06.656.log.bak", false},
		{"other-2025-09-02T16-38-06.656.log", false},
		{"xworker-2025-09-02T16-38-06.656.log", false},
	} {
		b, ok := Parse(path, tc.name, time.UTC)
		if ok != tc.ok {
			t.Errorf("Parse(%q) ok = %v, want %v", tc.name, ok, tc.ok)
			continue
		}
		if ok && (b.Name != tc.name || !b.Rotated.Equal(rotated)) {
			t.Errorf("Parse(%q) = %+v, want the name and %v", tc.name, b, rotated)
		}
	}
	if b, _ := Parse(path, "worker-2025-09-02T16-38-06.656.log.gz", time.UTC); !b.Compressed() {
		t.Error("a .gz backup is not Compressed")
	}
	if b, _ := Parse(path, "worker-2025-09-02T16-38-06.656.log", time.UTC); b.Compressed() {
		t.Error("a plain backup is Compressed")
	}
	zone := time.FixedZone("X", 2*3600)
	if b, _ := Parse(path, "worker-2025-09-02T18-38-06.656.log", zone); !b.Rotated.Equal(rotated) {
		t.Errorf("a local-time name read in its zone: %v, want %v", b.Rotated, rotated)
	}
}

// TestList: backups oldest first (written in another order), the plain
// form of a backup before its .gz; look-alikes, the live file, other logs
// and directories left out.
func TestList(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	files := []string{
		"app.log", "app-debug.log", "app-9999.log.gz", "app.log.1", "other-2025-09-02T16-38-06.656.log",
		"app-2025-09-02T16-38-06.656.log.gz",
		"app-2025-09-02T16-38-06.656.log",
		"app-2025-09-02T16-38-06.657.log.gz",
		"app-2025-09-01T23-59-59.999.log",
		"app-2026-01-01T00-00-00.000.log",
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "app-2027-01-01T00-00-00.000.log"), 0o700); err != nil {
		t.Fatal(err)
	}
	found, err := List(path, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range found {
		got = append(got, b.Name)
	}
	want := []string{
		"app-2025-09-01T23-59-59.999.log",
		"app-2025-09-02T16-38-06.656.log",
		"app-2025-09-02T16-38-06.656.log.gz",
		"app-2025-09-02T16-38-06.657.log.gz",
		"app-2026-01-01T00-00-00.000.log",
	}
	if !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
	if _, err := List(filepath.Join(dir, "gone", "app.log"), time.UTC); err == nil {
		t.Error("List of a missing directory: no error")
	}
}
