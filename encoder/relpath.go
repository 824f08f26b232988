package encoder

import (
	"runtime/debug"
	"strings"
	"sync"

	"github.com/dynlog/dynlog/internal/target"
	"go.uber.org/zap/zapcore"
)

// modulePaths are the module paths of this binary, main module first, read
// once from its build information.
var modulePaths = sync.OnceValue(func() []string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	paths := []string{info.Main.Path}
	for _, d := range info.Deps {
		paths = append(paths, d.Path)
	}
	return paths
})

// relativePaths caches relativePath per call site (program counter).
var relativePaths sync.Map // uintptr -> string

// relativePath is vLLM's DEBUG-mode FILEINFO for a Go caller: the file's path
// relative to the root of the module that holds it, shortened as vLLM's
// shrink_path does. The module comes from the caller's function name and
// the binary's build information, which works for absolute and -trimpath
// paths alike; a caller in no known module (the standard library, a file
// run with "go run x.go") gets its base name.
func relativePath(c zapcore.EntryCaller) string {
	if v, ok := relativePaths.Load(c.PC); ok {
		return v.(string)
	}
	rel := baseName(c.File)
	// An external test package (x_test) lives in its package's directory.
	pkg := strings.TrimSuffix(target.PackagePath(c.Function), "_test")
	best := ""
	for _, m := range modulePaths() {
		if len(m) > len(best) && (pkg == m || strings.HasPrefix(pkg, m+"/")) {
			best = m
		}
	}
	if best != "" {
		if dir := strings.TrimPrefix(pkg[len(best):], "/"); dir != "" {
			rel = dir + "/" + rel
		}
		rel = shrinkPath(rel)
	}
	if c.PC != 0 {
		relativePaths.Store(c.PC, rel)
	}
	return rel
}

// shrinkPath keeps the first component (the first two if it is "v1") and,
// when more than two remain, writes "..." and the last two:
// model_executor/layers/quantization/utils/fp8_utils.py becomes
// model_executor/.../utils/fp8_utils.py.
func shrinkPath(rel string) string {
	parts := strings.Split(rel, "/")
	keep := 1
	if parts[0] == "v1" {
		keep = 2
	}
	if len(parts) <= keep+2 {
		return rel
	}
	out := append(parts[:keep:keep], "...")
	return strings.Join(append(out, parts[len(parts)-2:]...), "/")
}
