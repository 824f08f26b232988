package core

// How file output works: see package output, which does the work. Here
// New opens the file its Config names through files (openFile); the
// logger's state holds its Close, which Close calls.

import (
	"os"
	"sync"

	"github.com/dynlog/dynlog/core/output"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Close closes the log file that [New] opened for log (DYN_LOGGING_FILE or
// [file].path), or the files a VLLM_LOGGING_CONFIG_PATH file named as
// outputs of [NewVLLM], for log and every logger derived from it: their
// later lines go to stderr. Loggers of the process that name the same file
// share it, and the file is closed, with the goroutines that rotate it, when
// the last of them is closed (or garbage collected). With OTEL_LOGS_EXPORTER=otlp
// it also stops the logger's own log export, sending what it holds (waiting
// at most five seconds). Close returns nil when log has no file of its own
// (it writes to stderr, stdout or [WithOutput]'s writer) or was not built
// by this package. The logger's state is found on its own core; under a
// core of someone else's ([zap.Hooks], zap's sampler, a tee) by a walk
// through the cores that say what they wrap. Closing twice is harmless.
// [CloseSlog] does the same for [NewSlog] and [NewVLLMSlog].
func Close(log *zap.Logger) error {
	if st := stateOf(log.Core()); st != nil {
		return st.close()
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
// through one writer, which alone rotates it. It is the one process-wide
// table of this package, and must be: a file is the process's, whichever
// logger names it, and two writers rotating one file would tear it.
// Package output keeps none (see [output.Files]). SIGHUP reopens its files
// ([ReloadOnSIGHUP]).
var files output.Files

// openFile opens the log file cfg (New's Config: DYN_LOGGING_FILE and
// [file]) configures, through files, its failures and recoveries
// reported as lines of the logger's layout, as dynlog's other reports are.
// The file falls back to stderr by itself when it fails, so there is no
// error to return; a configuration files.Open refuses is reported on the
// error output, and openFile returns nil: the logger writes to stderr.
// Close(log) lets go of the file.
func (b *builder) openFile(cfg output.Config) *output.File {
	cfg.ErrorOutput = b.diag.writer()
	f, _, err := files.Open(cfg)
	if err != nil {
		b.warn(err.Error() + "; logging to stderr")
		return nil
	}
	return f
}
