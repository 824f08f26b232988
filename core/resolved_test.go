package core

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestSettingsResolvedInOnePlace: outside settings.go (and options.go,
// where WithEnv sets it) no code of the package reads the environment,
// through the options' lookup or package os, or calls the parsers of the
// TOML files, the OTLP variables or the rank variables: the builders take
// settings.
func TestSettingsResolvedInOnePlace(t *testing.T) {
	readers := map[string]bool{"loadConfigFiles": true, "exportConfig": true, "logsExporter": true, "RanksFromEnv": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") || name == "settings.go" {
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
					t.Errorf("%s: reads the environment outside settings.go", fset.Position(n.Pos()))
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
					t.Errorf("%s: calls %s outside settings.go", fset.Position(n.Pos()), fn)
				}
				// Nor the process environment behind WithEnv's back; gRPC's
				// own variables, which RedirectGRPC's default logger reads
				// as gRPC does, are not settings.
				if sel, ok := n.Fun.(*ast.SelectorExpr); ok && isIdent(sel.X, "os") &&
					(fn == "Getenv" || fn == "LookupEnv" || fn == "Environ") && !grpcVariable(n) {
					t.Errorf("%s: calls os.%s outside settings.go", fset.Position(n.Pos()), fn)
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

// grpcVariable reports whether call's first argument is a literal naming one
// of gRPC's GRPC_* variables.
func grpcVariable(call *ast.CallExpr) bool {
	if len(call.Args) == 0 {
		return false
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	return ok && lit.Kind == token.STRING && strings.HasPrefix(lit.Value, `"GRPC_`)
}
