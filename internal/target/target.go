// Package target derives an entry's target, which the encoders
// print and the filter matches directives against.
package target

import (
	"strings"

	"github.com/dynlog/dynlog/encoder/vocab"
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

// Fixed returns a core that sends entries on to c under target (as their
// logger name), whatever the logger's own name: zap's Named can only append
// to it. It says what it wraps through Unwrap ([vocab.Unwrapper]).
func Fixed(c zapcore.Core, target string) zapcore.Core {
	return fixedCore{Core: c, target: target}
}

// fixedCore is Fixed's core.
type fixedCore struct {
	zapcore.Core
	target string
}

var _ vocab.Unwrapper = fixedCore{}

// Unwrap is the core inside ([vocab.Unwrapper]).
func (c fixedCore) Unwrap() zapcore.Core { return c.Core }

// Enabled lets every level through to Check, which decides with the right
// target: a logger bound to another name may be quieter than the target.
func (fixedCore) Enabled(zapcore.Level) bool { return true }

func (c fixedCore) With(fields []zapcore.Field) zapcore.Core {
	return fixedCore{Core: c.Core.With(fields), target: c.target}
}

func (c fixedCore) Check(ent zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	ent.LoggerName = c.target
	return c.Core.Check(ent, ce)
}
