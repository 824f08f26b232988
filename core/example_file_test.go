package core_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/dynlog/dynlog/core"
	"go.uber.org/zap"
)

// Lines to a file, rotated: the TOML [file] table sets the size (here 1 MB)
// and how many rotated files to keep. A rotated file keeps the name with
// the rotation time inserted (worker-2026-01-02T03-04-05.656.log); a line
// never straddles two files. Close the logger to close the file.
func Example_fileRotation() {
	dir, err := os.MkdirTemp("", "dynlog-rotation-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	conf := filepath.Join(dir, "logging.toml")
	path := filepath.Join(dir, "worker.log")
	os.WriteFile(conf, []byte(fmt.Sprintf("format = \"jsonl\"\n[file]\npath = %q\nmax_size_mb = 1\n", path)), 0o644)

	vars := map[string]string{"DYN_LOGGING_CONFIG_PATH": conf}
	log, err := core.New(
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
		core.WithSystemConfig(""))
	if err != nil {
		panic(err)
	}
	payload := strings.Repeat("x", 900)
	for i := range 2500 { // about 2.5 MB of lines
		log.Info("token batch", zap.Int("i", i), zap.String("payload", payload))
	}
	if err := core.Close(log); err != nil {
		panic(err)
	}

	files, _ := filepath.Glob(filepath.Join(dir, "worker*.log"))
	lines := 0
	for _, f := range files {
		data, _ := os.ReadFile(f)
		lines += bytes.Count(data, []byte("\n"))
		if len(data) > 1<<20 || !bytes.HasSuffix(data, []byte("\n")) {
			fmt.Println("a file over 1 MB, or ending inside a line:", f)
		}
	}
	fmt.Printf("%d files, %d lines\n", len(files), lines)
	// Output:
	// 3 files, 2500 lines
}
