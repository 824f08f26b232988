package output

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoPackageState: the package keeps no state of its own. Its only
// package-level variables are the ErrClosed sentinel and compile-time
// interface checks; sharing a file's writer goes through a Files value its
// user holds. A table of open files declared at package level fails this.
func TestNoPackageState(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	checked := 0
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				for _, id := range spec.(*ast.ValueSpec).Names {
					if id.Name != "_" && id.Name != "ErrClosed" {
						t.Errorf("%s: package-level variable %s", fset.Position(id.Pos()), id.Name)
					}
				}
			}
		}
	}
	if checked == 0 {
		t.Fatal("no source file found")
	}
}
