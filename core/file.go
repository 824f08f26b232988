package core

// How file output works: see package output, which does the work. Here
// New opens the file its settings name (settings.go) through files
// (openFile), and carries the handle among the logger's cores (fileCore),
// where Close finds it.

import (
	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

var _ zapcore.Core = (*fileCore)(nil)

// fileCore carries a logger's log file among its cores, so that Close
// finds it through the Unwrap methods of the cores around it. It writes
// nothing itself: the core it wraps does.
type fileCore struct {
	zapcore.Core
	file *output.File
}

func (c *fileCore) With(fields []zapcore.Field) zapcore.Core {
	return &fileCore{Core: c.Core.With(fields), file: c.file}
}

var _ vocab.Unwrapper = (*fileCore)(nil)

// Unwrap is the core inside.
func (c *fileCore) Unwrap() zapcore.Core { return c.Core }

// Level is the level of the core inside.
func (c *fileCore) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

// Close closes the log file that [New] opened for log (DYN_LOGGING_FILE or
// [file].path), for log and every logger derived from it: their later lines
// go to stderr. Loggers of the process that name the same file share it, and
// the file is closed, with the goroutines that rotate it, when the last of
// them is closed (or garbage collected). Close returns nil when log has no
// file of its own: New wrote to stderr, stdout or [WithOutput]'s writer, or a
// core the unwrap walk cannot see into was put around it ([zap.Hooks], zap's
// sampler and tees it sees into, as
// [github.com/dynlog/dynlog/filter.AtomicOf] does). Closing twice is
// harmless.
func Close(log *zap.Logger) error {
	if fc, ok := unwrap.As[*fileCore](log.Core()); ok {
		return fc.file.Close()
	}
	return nil
}

// files holds the log files of every logger core builds ([New],
// [NewSlog], [Init]), so that loggers built independently of one another
// (Init's in main and a library's New, say) that name one file write
// through one writer, which alone rotates it. It is core's one table of
// open files; output keeps none (see [output.Files]). SIGHUP reopens its
// files ([ReloadOnSIGHUP]).
var files output.Files

// openFile opens the log file cfg (New's settings: DYN_LOGGING_FILE and
// [file]) configures, through files, its failures and recoveries
// reported as lines of the logger's layout, as dynlog's other reports are.
// The file falls back to stderr by itself when it fails, so there is no
// error to return; a configuration files.Open refuses is reported on the
// error output, and openFile returns nil: the logger writes to stderr.
// Close(log) lets go of the file.
func (c config) openFile(cfg output.Config) *output.File {
	cfg.ErrorOutput = c.diag.writer()
	f, _, err := files.Open(cfg)
	if err != nil {
		c.warn(err.Error() + "; logging to stderr")
		return nil
	}
	return f
}
