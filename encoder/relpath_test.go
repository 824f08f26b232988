package encoder

import (
	"testing"

	"go.uber.org/zap/zapcore"
)

// TestShrinkPath: vLLM's shrink_path rule, with the examples of its own
// docstring (module-relative, so without the leading "vllm").
func TestShrinkPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"model_executor/layers/quantization/utils/fp8_utils.py", "model_executor/.../utils/fp8_utils.py"},
		{"model_executor/layers/quantization/awq.py", "model_executor/.../quantization/awq.py"},
		{"model_executor/layers/awq.py", "model_executor/layers/awq.py"},
		{"v1/attention/backends/mla/common.py", "v1/attention/.../mla/common.py"},
		{"v1/attention/backends/common.py", "v1/attention/backends/common.py"},
		{"v1/core.py", "v1/core.py"},
		{"v1", "v1"},
		{"main.go", "main.go"},
		{"core/core.go", "core/core.go"},
	} {
		if got := shrinkPath(tc.in); got != tc.want {
			t.Errorf("shrinkPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestRelativePath: the module root comes from the caller's package and the
// binary's build information, for absolute and -trimpath file names alike.
func TestRelativePath(t *testing.T) {
	for _, tc := range []struct {
		file, function, want string
	}{
		{"/home/u/dynlog/encoder/vllm.go", "github.com/dynlog/dynlog/encoder.NewVLLM", "encoder/vllm.go"},
		{"github.com/dynlog/dynlog/encoder/vllm.go", "github.com/dynlog/dynlog/encoder.(*vllmEncoder).EncodeEntry", "encoder/vllm.go"},
		{"/src/dynlog/core/output/file.go", "github.com/dynlog/dynlog/core/output.(*sink).Write", "core/output/file.go"},
		{"/src/dynlog/internal/tools/benchreport/main.go", "github.com/dynlog/dynlog/internal/tools/benchreport.main", "internal/.../benchreport/main.go"},
		{"/src/dynlog/core/core_test.go", "github.com/dynlog/dynlog/core_test.TestX", "core/core_test.go"},
		{"/src/dynlog/doc.go", "github.com/dynlog/dynlog.F", "doc.go"},
		{"/usr/local/go/src/net/http/server.go", "net/http.(*conn).serve", "server.go"},
		{"/src/app/main.go", "main.main", "main.go"},
	} {
		c := zapcore.EntryCaller{Defined: true, File: tc.file, Function: tc.function}
		if got := relativePath(c); got != tc.want {
			t.Errorf("relativePath(%s, %s) = %q, want %q", tc.file, tc.function, got, tc.want)
		}
	}
}
