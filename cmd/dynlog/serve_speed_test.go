//go:build speed

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeSpeed: dynlog serve on one generated 1 GB JSONL file
// (DYNLOG_CLI_MB to change it): the time from the start of the process to
// the first page of lines answered, then of a page under a filter, of a
// rare trace_id's page, of the waterfall; and the process's resident
// memory, now and at its peak. The figures are logged, not asserted:
// make serve-speed prints them.
func TestServeSpeed(t *testing.T) {
	mb := 1024
	if s := os.Getenv("DYNLOG_CLI_MB"); s != "" {
		mb, _ = strconv.Atoi(s)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "dynlog")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	file := filepath.Join(dir, "big.jsonl")
	writeSpeedFile(t, file, mb<<20/405) // about 405 bytes a line
	info, _ := os.Stat(file)

	start := time.Now()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", file)
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	sc := bufio.NewScanner(stderr)
	base := ""
	for sc.Scan() {
		if m := regexp.MustCompile(`serving them at (http://\S+)/`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatal("dynlog serve said nowhere where it serves")
	}
	go io.Copy(io.Discard, stderr)
	timed := func(path string) (time.Duration, map[string]any) {
		t0 := time.Now()
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v map[string]any
		json.NewDecoder(resp.Body).Decode(&v)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s %v", path, resp.Status, v)
		}
		return time.Since(t0), v
	}
	timed("/api/lines?limit=300")
	first := time.Since(start)
	rss := func(key string) string {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
		m := regexp.MustCompile(key + `:\s+(\d+ kB)`).FindSubmatch(b)
		if m == nil {
			return "?"
		}
		return string(m[1])
	}
	t.Logf("%d MB, %d lines: first page %v after the start, RSS %s", info.Size()>>20, mb<<20/405, first.Round(time.Millisecond), rss("VmRSS"))
	d, _ := timed("/api/lines?limit=300&filter=warn")
	t.Logf("a page of filter=warn: %v", d.Round(time.Millisecond))
	// The trace of the file's first request: its lines are at the start,
	// the page looks at 200,000 lines a request.
	trace := "9e3779b97f4a7c150000000000000002" // writeSpeedFile's second request's
	d, v := timed("/api/lines?limit=300&trace=" + trace)
	t.Logf("a page of a trace at the start of the file (looked at %v lines, more: %v): %v", v["looked"], v["more"], d.Round(time.Millisecond))
	d, v = timed("/api/trace/" + trace)
	spans := 0
	if tr, ok := v["trace"].(map[string]any); ok {
		spans = len(tr["spans"].([]any))
	}
	t.Logf("its waterfall (%d spans: the whole file scanned for the trace_id, its lines built into spans as dynlog trace builds them): %v", spans, d.Round(time.Millisecond))
	t.Logf("RSS %s, peak %s", rss("VmRSS"), rss("VmHWM"))
	if !strings.HasPrefix(base, "http://127.0.0.1:") {
		t.Errorf("served at %s, not loopback", base)
	}
}
