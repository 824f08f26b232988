package core_test

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/internal/logtest"
)

// TestCloseSlogFinishesTheFile: NewSlog writing to a rotated, compressed
// file, with lines enough for three rotations, then CloseSlog: when it
// returns, every backup is a whole gzip file with no plain twin, the lock
// is let go (PATH.lock removed), and every line is in the files once.
// Without CloseSlog a program's exit cut the last compression short.
func TestCloseSlogFinishesTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	opts := append(fileLoggerOptions(t, path, "max_size_mb = 1", "compress = true"), core.WithErrorOutput(&logtest.Buffer{}))
	slg, err := core.NewSlog(opts...)
	if err != nil {
		t.Fatal(err)
	}
	const lines = 30_000 // about 3.5 MB of JSONL: three rotations
	pad := strings.Repeat("x", 40)
	derived := slg.With("pad", pad) // closed with slg: they share the file
	for i := range lines {
		derived.Info("line", "i", i)
	}
	if err := core.CloseSlog(slg); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Fatalf("PATH.lock still there after CloseSlog (err %v): the file was not closed", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var gz []string
	for _, e := range entries {
		switch name := e.Name(); {
		case name == "app.log":
		case strings.HasSuffix(name, ".log.gz"):
			gz = append(gz, name)
		default:
			t.Errorf("%s left in the log directory after CloseSlog", name)
		}
	}
	if len(gz) < 3 {
		t.Fatalf("%d compressed backups, want at least 3: %v", len(gz), gz)
	}
	var text strings.Builder
	for _, name := range gz {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err == nil {
			_, err = io.Copy(&text, zr)
		}
		f.Close()
		if err != nil {
			t.Fatalf("%s is not a whole gzip file: %v", name, err)
		}
	}
	live, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	text.Write(live)
	var seen []int
	for _, l := range parseJSONLines(t, "the files", text.String()) {
		if l.I != nil {
			seen = append(seen, *l.I)
		}
	}
	slices.Sort(seen)
	if len(seen) != lines || seen[0] != 0 || seen[len(seen)-1] != lines-1 || len(slices.Compact(seen)) != lines {
		t.Errorf("the files hold %d lines, want each of 0..%d once", len(seen), lines-1)
	}
	if err := core.CloseSlog(slg); err != nil {
		t.Errorf("second CloseSlog: %v", err)
	}
}

// TestCloseVLLMOutputs: the files a VLLM_LOGGING_CONFIG_PATH file names as
// outputs are closed by Close (NewVLLM) and CloseSlog (NewVLLMSlog): no
// descriptor of the process names them afterwards, and the lines written
// before are in them.
func TestCloseVLLMOutputs(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, opts []core.Option)
	}{
		{"NewVLLM and Close", func(t *testing.T, opts []core.Option) {
			log, err := core.NewVLLM(opts...)
			if err != nil {
				t.Fatal(err)
			}
			log.Info("before close")
			if err := core.Close(log); err != nil {
				t.Fatal(err)
			}
		}},
		{"NewVLLMSlog and CloseSlog", func(t *testing.T, opts []core.Option) {
			log, err := core.NewVLLMSlog(opts...)
			if err != nil {
				t.Fatal(err)
			}
			log.Info("before close")
			if err := core.CloseSlog(log); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "vllm.log")
			cfg := filepath.Join(dir, "logging.json")
			if err := os.WriteFile(cfg, []byte(`{"encoding": "vllm", "outputPaths": ["`+out+`"]}`), 0o644); err != nil {
				t.Fatal(err)
			}
			tc.run(t, []core.Option{core.WithSystemConfig(""), core.WithEnv(coretest.Env(map[string]string{"VLLM_LOGGING_CONFIG_PATH": cfg}))})
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasSuffix(string(data), "] before close\n") || strings.Count(string(data), "\n") != 1 {
				t.Errorf("%s holds %q, want the one line", out, data)
			}
			if fd := openDescriptorOf(t, out); fd != "" {
				t.Errorf("descriptor %s still names %s after closing", fd, out)
			}
		})
	}
}

// openDescriptorOf is a descriptor of the process open on path, "" if none.
func openDescriptorOf(t *testing.T, path string) string {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("no /proc/self/fd to look for open descriptors: %v", err)
	}
	for _, e := range entries {
		if target, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && target == path {
			return e.Name()
		}
	}
	return ""
}

// TestVLLMOutputsClosedOnError: when NewVLLM fails after opening the
// outputs a VLLM_LOGGING_CONFIG_PATH file names (here an errorOutputPaths
// entry cannot be opened), it closes them: no descriptor is left on them.
func TestVLLMOutputsClosedOnError(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "vllm.log")
	cfg := filepath.Join(dir, "logging.json")
	errPath := filepath.Join(dir, "missing", "errors.log")
	if err := os.WriteFile(cfg, []byte(`{"encoding": "vllm", "outputPaths": ["`+out+`"], "errorOutputPaths": ["`+errPath+`"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := core.NewVLLM(core.WithSystemConfig(""), core.WithEnv(coretest.Env(map[string]string{"VLLM_LOGGING_CONFIG_PATH": cfg})))
	if err == nil || !strings.HasPrefix(err.Error(), "VLLM_LOGGING_CONFIG_PATH: "+cfg+": ") {
		t.Fatalf("NewVLLM with an errorOutputPaths entry in a missing directory: %v, want an error naming %s", err, cfg)
	}
	if fd := openDescriptorOf(t, out); fd != "" {
		t.Errorf("descriptor %s still names %s after NewVLLM failed", fd, out)
	}
}
