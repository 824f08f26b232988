package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"time"
)

// The command-line section of BENCHMARKS.md lies between these markers:
// `make bench-cli` (benchreport -cli) rewrites only what is between them,
// and the other modes keep it as it stands.
const (
	cliBegin = "<!-- bench-cli:begin (written by make bench-cli) -->"
	cliEnd   = "<!-- bench-cli:end -->"
)

// cliRun is one "cli:" line of cmd/dynlog's TestCLISpeed: a command timed
// on a file.
type cliRun struct {
	name    string
	seconds float64
	maxRSS  int64 // KiB
	input   int64 // bytes
	oneCore bool
}

func (r cliRun) mbps() float64 { return float64(r.input) / 1e6 / r.seconds }

// parseCLI reads the "cli:" lines of TestCLISpeed's output, e.g.
//
//	cli: view-vllm seconds=9.810 maxrss_kib=41200 input_bytes=1073741824 one_core=true
func parseCLI(r io.Reader) (map[string]cliRun, error) {
	runs := map[string]cliRun{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 6 || f[0] != "cli:" {
			continue
		}
		run := cliRun{name: f[1]}
		for _, kv := range f[2:] {
			k, v, _ := strings.Cut(kv, "=")
			var err error
			switch k {
			case "seconds":
				run.seconds, err = strconv.ParseFloat(v, 64)
			case "maxrss_kib":
				run.maxRSS, err = strconv.ParseInt(v, 10, 64)
			case "input_bytes":
				run.input, err = strconv.ParseInt(v, 10, 64)
			case "one_core":
				run.oneCore, err = strconv.ParseBool(v)
			default:
				err = fmt.Errorf("unknown key %q", k)
			}
			if err != nil {
				return nil, fmt.Errorf("line %q: %v", sc.Text(), err)
			}
		}
		if run.seconds <= 0 {
			return nil, fmt.Errorf("line %q: no time", sc.Text())
		}
		runs[run.name] = run
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(runs) == 0 {
		return nil, errors.New(`no "cli:" lines: is this the output of make bench-cli's TestCLISpeed?`)
	}
	return runs, nil
}

// cliTarget is one of the command line's goals.
type cliTarget struct {
	what string
	got  string
	met  bool
}

// cliTargets checks runs against the command line's goals; a goal whose runs are
// missing is left out.
func cliTargets(runs map[string]cliRun) []cliTarget {
	var out []cliTarget
	for _, name := range []string{"view-readable", "view-vllm", "view-raw", "trace"} {
		if r, ok := runs[name]; ok {
			out = append(out, cliTarget{name + " at ≥ 100 MB/s on one core", fmt.Sprintf("%.0f MB/s", r.mbps()), r.mbps() >= 100})
		}
	}
	if v, ok := runs["validate"]; ok {
		if jq, ok := runs["jq-empty"]; ok {
			ratio := jq.seconds / v.seconds
			out = append(out, cliTarget{"validate ≥ 3× faster than jq empty", fmt.Sprintf("%.2f×", ratio), ratio >= 3})
		}
	}
	for _, m := range []struct {
		name  string
		limit int64
	}{{"trace", 300}, {"trace-trace", 100}} {
		if r, ok := runs[m.name]; ok {
			mib := float64(r.maxRSS) / 1024
			out = append(out, cliTarget{fmt.Sprintf("%s max RSS < %d MiB", m.name, m.limit), fmt.Sprintf("%.0f MiB", mib), mib < float64(m.limit)})
		}
	}
	return out
}

// writeCLI writes the command-line section, markers included.
func writeCLI(w io.Writer, runs map[string]cliRun, m machine) {
	fmt.Fprintln(w, cliBegin)
	fmt.Fprintln(w, "## Command line")
	fmt.Fprintln(w)
	writeWrapped(w, "Written by `make bench-cli` (internal/tools/benchreport -cli) from "+
		"cmd/dynlog/cli_speed_test.go (build tag speed), which generates a JSONL file of "+
		"traced services' lines (five lines a request, two spans) and times the dynlog "+
		"binary and jq on it, output to /dev/null, peak memory by /usr/bin/time. "+
		"`make bench` and `make bench-peers` keep this section as it stands.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- Date: %s (UTC)\n", m.date.UTC().Format(time.DateOnly))
	fmt.Fprintf(w, "- %d CPUs (runtime.NumCPU); view and trace with GOMAXPROCS=1, validate and jq as they come\n", m.numCPU)
	fmt.Fprintf(w, "- Go: %s\n", m.goVersion)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Command | Input | Seconds | MB/s | Max RSS | Cores |")
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|---|")
	for _, name := range []string{"jq-empty", "validate", "view-readable", "view-vllm", "view-raw",
		"trace", "trace-trace", "trace-request-id",
		"slice-jq-readable", "slice-view-readable", "slice-jq-vllm", "slice-view-vllm"} {
		r, ok := runs[name]
		if !ok {
			continue
		}
		cores := "all"
		if r.oneCore {
			cores = "1"
		}
		fmt.Fprintf(w, "| %s | %.0f MB | %.2f | %.0f | %.0f MiB | %s |\n", cliCommand(name), float64(r.input)/1e6,
			r.seconds, r.mbps(), float64(r.maxRSS)/1024, cores)
	}
	fmt.Fprintln(w)
	for _, pair := range [][2]string{{"jq-empty", "validate"}, {"slice-jq-readable", "slice-view-readable"}, {"slice-jq-vllm", "slice-view-vllm"}} {
		jq, ok1 := runs[pair[0]]
		ours, ok2 := runs[pair[1]]
		if ok1 && ok2 {
			fmt.Fprintf(w, "- %s: %.1f× the speed of %s on the same file\n", cliCommand(pair[1]), jq.seconds/ours.seconds, cliCommand(pair[0]))
		}
	}
	fmt.Fprintln(w)
	writeWrapped(w, "The jq -r programs (in cli_speed_test.go) print the readable and vLLM "+
		"layouts of these lines byte for byte as dynlog view does, checked on 20,000 "+
		"lines before the timing; jq -r runs at a few MB/s, so the side-by-side runs "+
		"read a slice of the file of its own (DYNLOG_CLI_JQ_MB). trace (no filter) "+
		"reads more spans than it holds and prints its summary; --trace and "+
		"--request-id name one request in the middle of the file.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Target | Measured | Met |")
	fmt.Fprintln(w, "|---|--:|---|")
	for _, t := range cliTargets(runs) {
		met := "yes"
		if !t.met {
			met = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", t.what, t.got, met)
	}
	fmt.Fprintln(w, cliEnd)
}

// cliCommand is the command line a run name stands for.
func cliCommand(name string) string {
	name = strings.TrimPrefix(name, "slice-")
	switch name {
	case "jq-empty":
		return "`jq empty`"
	case "jq-readable":
		return "`jq -r` (readable)"
	case "jq-vllm":
		return "`jq -r` (vLLM)"
	case "validate":
		return "`dynlog validate`"
	case "view-readable":
		return "`dynlog view`"
	case "view-vllm":
		return "`dynlog view --format vllm`"
	case "view-raw":
		return "`dynlog view --raw`"
	case "trace":
		return "`dynlog trace`"
	case "trace-trace":
		return "`dynlog trace --trace ID`"
	case "trace-request-id":
		return "`dynlog trace --request-id ID`"
	}
	return name
}

// markedBlock is the part of doc from begin to end, markers and the
// newline after end included, or "" when doc has no begin.
func markedBlock(doc, begin, end string) string {
	i := strings.Index(doc, begin)
	if i < 0 {
		return ""
	}
	j := strings.Index(doc[i:], end)
	if j < 0 {
		return doc[i:]
	}
	stop := i + j + len(end)
	if stop < len(doc) && doc[stop] == '\n' {
		stop++
	}
	return doc[i:stop]
}

// withMarkedBlock is doc with its block between begin and end replaced by
// block, or block appended after a blank line when doc has none.
func withMarkedBlock(doc, begin, end, block string) string {
	if old := markedBlock(doc, begin, end); old != "" {
		return strings.Replace(doc, old, block, 1)
	}
	if doc == "" {
		return block
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + block
}

// rewriteMarkedBlock replaces the block between begin and end of the file
// at path with block (see withMarkedBlock), keeping the rest of the file;
// a file that does not exist yet is written with block alone.
func rewriteMarkedBlock(path, begin, end, block string) error {
	previous, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return os.WriteFile(path, []byte(withMarkedBlock(string(previous), begin, end, block)), 0o644)
}
