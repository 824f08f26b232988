package encoder

import (
	"strings"

	"go.uber.org/zap/zapcore"
)

// target is the entry's target (DESIGN §2): the logger's name, or for an
// unnamed logger the import path of the calling function's package, the way
// Rust's target is its module path. Empty when neither is known.
func target(ent zapcore.Entry) string {
	if ent.LoggerName != "" {
		return ent.LoggerName
	}
	return packagePath(ent.Caller.Function)
}

// packagePath cuts a runtime function name ("github.com/acme/router.(*T).M",
// "main.main") down to its package's import path. It does not allocate.
func packagePath(function string) string {
	slash := strings.LastIndexByte(function, '/')
	dot := strings.IndexByte(function[slash+1:], '.')
	if dot < 0 {
		return function
	}
	return function[:slash+1+dot]
}
