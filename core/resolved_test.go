package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestSettingsResolvedInOnePlace: no code of package core, its bridges or
// its service setup reads the environment, through the options' lookup or
// package os, or calls the parsers of the TOML files, the OTLP variables
// or the rank variables: package config does, and the builders take its
// Config.
func TestSettingsResolvedInOnePlace(t *testing.T) {
	readers := map[string]bool{"loadConfigFiles": true, "exportConfig": true, "logsExporter": true, "RanksFromEnv": true}
	var files []string
	for _, dir := range []string{".", "bridge", "service", "internal/bridge", "internal/link"} {
		matched, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matched...)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if n.Sel.Name == "lookup" && name != "options.go" {
					t.Errorf("%s: reads the environment outside package config", fset.Position(n.Pos()))
				}
			case *ast.CallExpr:
				var fn string
				switch f := n.Fun.(type) {
				case *ast.Ident:
					fn = f.Name
				case *ast.SelectorExpr:
					fn = f.Sel.Name
				}
				if readers[fn] && !(fn == "logsExporter" && name == "otelenv.go") { // exportConfig's own
					t.Errorf("%s: calls %s outside package config", fset.Position(n.Pos()), fn)
				}
				// Nor the process environment behind WithEnv's back (gRPC's
				// own variables included: config reads them for the bridge).
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && isIdent(sel.X, "os") &&
					(fn == "Getenv" || fn == "LookupEnv" || fn == "Environ") {
					t.Errorf("%s: calls os.%s outside package config", fset.Position(n.Pos()), fn)
				}
			}
			return true
		})
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
