// Package target derives an entry's target, which the encoders
// print and the filter matches directives against.
package target

import (
	"strings"

	"go.uber.org/zap/zapcore"
)

// Of is the entry's target: the logger's name, or for an unnamed logger the
// import path of the calling function's package, the way Rust's target is
// its module path. Empty when neither is known.
func Of(ent zapcore.Entry) string {
	if ent.LoggerName != "" {
		return ent.LoggerName
	}
	return PackagePath(ent.Caller.Function)
}

// PackagePath cuts a runtime function name ("github.com/acme/router.(*T).M",
// "main.main") down to its package's import path. It does not allocate.
func PackagePath(function string) string {
	slash := strings.LastIndexByte(function, '/')
	dot := strings.IndexByte(function[slash+1:], '.')
	if dot < 0 {
		return function
	}
	return function[:slash+1+dot]
}
