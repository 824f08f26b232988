package vocab

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The vocabulary is a leaf: besides the standard library it imports zapcore
// and the encoders' slot (internal/spancache, itself a leaf) only, so that
// naming a span key pulls in nothing else.
func TestLeaf(t *testing.T) {
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path != "go.uber.org/zap/zapcore" && path != "github.com/dynlog/dynlog/internal/spancache" && strings.Contains(strings.Split(path, "/")[0], ".") {
				t.Errorf("%s imports %s: the vocabulary imports zapcore, internal/spancache and the standard library only", name, path)
			}
		}
	}
}
