//go:build speed

package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// jq programs that print the readable and vLLM layouts of the generated
// lines, byte for byte as dynlog view does (TZ=UTC for vLLM's local time):
// the same text, for a fair comparison.
const (
	jqKnown = `def known: ["time","level","target","message","file","line","span_id","parent_id","trace_id","span_name","tracestate","x_request_id","request_id","log.file","log.line","log.target"];
def fields: [to_entries[] | select(.key as $k | known | index([$k]) | not) | " \(.key)=\(.value | if type == "string" then tojson else tostring end)"] | join("");
`
	jqReadable = jqKnown + `"\(.time) \({"TRACE":"TRACE","DEBUG":"DEBUG","INFO":" INFO","WARN":" WARN","ERROR":"ERROR"}[.level]) \(if .span_name then .span_name + ": " else "" end)\(if .target == "log" then ."log.target" else .target end): \(.message)\(fields)"`
	jqVLLM     = jqKnown + `"\({"TRACE":"DEBUG","DEBUG":"DEBUG","INFO":"INFO","WARN":"WARNING","ERROR":"ERROR"}[.level]) \(.time[5:10]) \(.time[11:19]) [\((.file // ."log.file") | split("/") | last):\(.line // ."log.line")] \(.message)\(fields)"`
)

// cliRun is one timed command.
type cliRun struct {
	name    string
	seconds float64
	maxRSS  int64 // KiB
	input   int64 // bytes read
}

// dynlogBinary is the dynlog command TestCLISpeed built.
var dynlogBinary string

// runTimed runs dynlog (dynlogBinary, when prog is "") or jq on input, output to /dev/null, and returns its wall time and peak
// memory, which /usr/bin/time measures: the rusage of a child forked from
// this process would count the memory it had before exec.
func runTimed(t *testing.T, name string, oneCore bool, input string, prog string, args ...string) cliRun {
	t.Helper()
	if prog == "" {
		prog = dynlogBinary
	}
	info, err := os.Stat(input)
	if err != nil {
		t.Fatal(err)
	}
	args = append(args, input)
	timeFile := filepath.Join(t.TempDir(), "time")
	timed := exec.Command(prog, args...)
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		timed = exec.Command("/usr/bin/time", append([]string{"-o", timeFile, "-f", "%M", prog}, args...)...)
	}
	cmd := timed
	cmd.Env = append(os.Environ(), "TZ=UTC", "NO_COLOR=1")
	if oneCore {
		cmd.Env = append(cmd.Env, "GOMAXPROCS=1")
	}
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	start := time.Now()
	err = cmd.Run()
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("%s: %v: %s", name, err, errOut.String())
	}
	r := cliRun{name: name, seconds: elapsed.Seconds(), input: info.Size()}
	if out, err := os.ReadFile(timeFile); err == nil {
		r.maxRSS, _ = strconv.ParseInt(string(bytes.TrimSpace(out)), 10, 64)
	} else {
		r.maxRSS = cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss
	}
	// The line benchreport -cli reads.
	fmt.Printf("cli: %s seconds=%.3f maxrss_kib=%d input_bytes=%d one_core=%v\n", r.name, r.seconds, r.maxRSS, r.input, oneCore)
	return r
}

// TestCLISpeed times dynlog validate, view and trace beside jq on one
// generated file (DYNLOG_CLI_MB, 1024 MB unless set), and view beside jq -r
// printing the same text on its first DYNLOG_CLI_JQ_MB (100 MB unless set:
// jq -r runs at a few MB/s), and prints one "cli:" line per run for
// benchreport -cli. view and trace run on one core (GOMAXPROCS=1);
// validate and jq as they come. Not part of make test (build tag speed;
// make bench-cli).
func TestCLISpeed(t *testing.T) {
	jq, err := exec.LookPath("jq")
	if err != nil {
		t.Fatal("jq not found: install it (Debian: apt-get install jq) for this comparison")
	}
	size := func(env string, mb int) int {
		if s := os.Getenv(env); s != "" {
			if mb, err = strconv.Atoi(s); err != nil {
				t.Fatalf("%s=%q: %v", env, s, err)
			}
		}
		return mb << 20 / 406 // the generator's lines average 406 bytes
	}
	dir := t.TempDir()
	dynlogBinary = filepath.Join(dir, "dynlog")
	if out, err := exec.Command("go", "build", "-o", dynlogBinary, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	path := filepath.Join(dir, "cli.jsonl")
	lines := size("DYNLOG_CLI_MB", 1024)
	writeSpeedFile(t, path, lines)
	slice := filepath.Join(dir, "slice.jsonl")
	writeSpeedFile(t, slice, size("DYNLOG_CLI_JQ_MB", 100))

	// The jq programs print what view prints: checked on the first lines.
	sample := filepath.Join(dir, "sample.jsonl")
	writeSpeedFile(t, sample, 20_000)
	for _, l := range []struct{ format, prog string }{{"readable", jqReadable}, {"vllm", jqVLLM}} {
		cmd := exec.Command(jq, "-r", l.prog, sample)
		want, err := cmd.Output()
		if err != nil {
			t.Fatalf("jq -r (%s): %v", l.format, err)
		}
		var got bytes.Buffer
		t.Setenv("TZ", "UTC")
		if code := view([]string{"--format", l.format, "--color", "never", sample}, nil, &got, os.Stderr); code != 0 || !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("view --format %s and its jq program differ (exit %d)", l.format, code)
		}
	}

	req := uint64(lines / 5 / 2) // a request in the middle of the file
	traceID := fmt.Sprintf("%016x%016x", req*0x9e3779b97f4a7c15, req+1)
	requestID := fmt.Sprintf("8372eac7-5f43-4d76-beca-%012x", req)
	runs := []cliRun{
		runTimed(t, "jq-empty", false, path, jq, "empty"),
		runTimed(t, "validate", false, path, "", "validate"),
		runTimed(t, "view-readable", true, path, "", "view", "--format", "readable"),
		runTimed(t, "view-vllm", true, path, "", "view", "--format", "vllm"),
		runTimed(t, "view-raw", true, path, "", "view", "--raw"),
		runTimed(t, "trace", true, path, "", "trace"),
		runTimed(t, "trace-trace", true, path, "", "trace", "--trace", traceID),
		runTimed(t, "trace-request-id", true, path, "", "trace", "--request-id", requestID),
		runTimed(t, "slice-jq-readable", false, slice, jq, "-r", jqReadable),
		runTimed(t, "slice-view-readable", true, slice, "", "view", "--format", "readable"),
		runTimed(t, "slice-jq-vllm", false, slice, jq, "-r", jqVLLM),
		runTimed(t, "slice-view-vllm", true, slice, "", "view", "--format", "vllm"),
	}
	byName := map[string]cliRun{}
	for _, r := range runs {
		byName[r.name] = r
	}
	mbps := func(name string) float64 { return float64(byName[name].input) / 1e6 / byName[name].seconds }
	for _, name := range []string{"view-readable", "view-vllm", "trace"} {
		if mbps(name) < 100 {
			t.Errorf("%s: %.0f MB/s, want at least 100", name, mbps(name))
		}
	}
	if r := byName["jq-empty"].seconds / byName["validate"].seconds; r < 3 {
		t.Errorf("validate: %.2fx jq empty's speed, want at least 3x", r)
	}
	if rss := byName["trace"].maxRSS; rss > 300<<10 {
		t.Errorf("trace: max RSS %d KiB, want under 300 MiB", rss)
	}
	if rss := byName["trace-trace"].maxRSS; rss > 100<<10 {
		t.Errorf("trace --trace: max RSS %d KiB, want under 100 MiB", rss)
	}
}
