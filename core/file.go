package core

// How file output works: see package output, which does the work. Here
// New opens the file its settings name (settings.go) through files
// (openFile), and carries the handle among the logger's cores (fileCore),
// where Close finds it.

import (
	"os"
	"sync"

	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

var _ zapcore.Core = (*fileCore)(nil)

// fileCore carries what closes a logger's files among its cores (its log
// file's Close, or the outputs of a VLLM_LOGGING_CONFIG_PATH file), so that
// Close finds it through the Unwrap methods of the cores around it. It
// writes nothing itself: the core it wraps does.
type fileCore struct {
	zapcore.Core
	close func() error
}

func (c *fileCore) With(fields []zapcore.Field) zapcore.Core {
	return &fileCore{Core: c.Core.With(fields), close: c.close}
}

var _ vocab.Unwrapper = (*fileCore)(nil)

// Unwrap is the core inside.
func (c *fileCore) Unwrap() zapcore.Core { return c.Core }

// Level is the level of the core inside.
func (c *fileCore) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

// Close closes the log file that [New] opened for log (DYN_LOGGING_FILE or
// [file].path), or the files a VLLM_LOGGING_CONFIG_PATH file named as
// outputs of [NewVLLM], for log and every logger derived from it: their
// later lines go to stderr. Loggers of the process that name the same file
// share it, and the file is closed, with the goroutines that rotate it, when
// the last of them is closed (or garbage collected). Close returns nil when
// log has no file of its own: it writes to stderr, stdout or [WithOutput]'s
// writer, or a core the unwrap walk cannot see into was put around it
// ([zap.Hooks], zap's sampler and tees it sees into, as
// [github.com/dynlog/dynlog/filter.AtomicOf] does). Closing twice is
// harmless. [CloseSlog] does the same for [NewSlog] and [NewVLLMSlog].
func Close(log *zap.Logger) error {
	if fc, ok := unwrap.As[*fileCore](log.Core()); ok {
		return fc.close()
	}
	return nil
}

// closableOutput is the outputs zap.Open opened for the "outputPaths" of a
// VLLM_LOGGING_CONFIG_PATH file, which zap's Config.Build would open and
// never let anyone close: Close closes them, and later lines go to stderr,
// as a closed log file's do, rather than to a closed descriptor.
type closableOutput struct {
	mu     sync.RWMutex
	out    zapcore.WriteSyncer // zap.Open's: safe for concurrent use
	closeO func()
	closed bool
}

func (o *closableOutput) Write(p []byte) (int, error) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.closed {
		return os.Stderr.Write(p)
	}
	return o.out.Write(p)
}

func (o *closableOutput) Sync() error {
	o.mu.RLock()
	defer o.mu.RUnlock()
	if o.closed {
		return nil
	}
	return o.out.Sync()
}

// Close closes the outputs once; zap.Open's close reports no error.
func (o *closableOutput) Close() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.closed {
		o.closed = true
		o.closeO()
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
