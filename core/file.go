package core

// How file output works: see package output, which does the work. Here
// New finds the file in its configuration (fileOutput), opens it through
// output.Open (openFile), and carries the handle among the logger's cores
// (fileCore), where Close finds it.

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/dynlog/dynlog/core/output"
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

// Unwrap is the core inside.
func (c *fileCore) Unwrap() zapcore.Core { return c.Core }

// Level is the level of the core inside.
func (c *fileCore) Level() zapcore.Level { return zapcore.LevelOf(c.Core) }

// Close closes the log file that New opened for log (DYN_LOGGING_FILE or
// [file].path), for log and every logger derived from it: their later lines
// go to stderr. Loggers of the process that name the same file share it,
// and the file is closed, with the goroutines that rotate it, when the last
// of them is closed (or garbage collected). Close returns nil when log has
// no file of its own: New wrote to stderr, stdout or WithOutput's writer,
// or a core the unwrap walk cannot see into was put around it (zap.Hooks,
// zap's sampler and tees it sees into, as filter.AtomicOf does). Closing
// twice is harmless.
func Close(log *zap.Logger) error {
	if fc, ok := unwrap.As[*fileCore](log.Core()); ok {
		return fc.file.Close()
	}
	return nil
}

// openFile opens the file output that DYN_LOGGING_FILE and [file]
// configure (output.Open), or returns nil when they configure none. The
// file falls back to stderr by itself when it fails, so there is no error
// to return; a configuration output.Open refuses is reported on the error
// output, and the logger writes to stderr. Close(log) lets go of it.
func (c config) openFile(fc fileConfig) *output.File {
	cfg, ok := c.fileOutput(fc)
	if !ok {
		return nil
	}
	f, _, err := output.Open(cfg)
	if err != nil {
		c.warn(err.Error() + "; logging to stderr")
		return nil
	}
	return f
}

// fileOutput resolves the file output of New: the path from
// DYN_LOGGING_FILE, or else [file].path, and the rotation settings from
// [file]. ok is false when neither gives a path; rotation settings in [file]
// without a path are reported on the error output then, since they go
// unused.
func (c config) fileOutput(fc fileConfig) (cfg output.Config, ok bool) {
	var sec fileSection
	if fc.File != nil {
		sec = *fc.File
	}
	cfg.Path = c.getenv("DYN_LOGGING_FILE")
	if cfg.Path == "" && sec.Path != nil {
		cfg.Path = *sec.Path
	}
	if cfg.Path == "" {
		if from := fileSectionSource(fc); from != "" {
			c.warn(fmt.Sprintf("dynlog: [file] (from %s) has no path and DYN_LOGGING_FILE is not set; logging to stderr", from))
		}
		return output.Config{}, false
	}
	if sec.MaxSizeMB != nil {
		cfg.MaxBytes = min(int64(*sec.MaxSizeMB), 1<<40) << 20 // 1 EiB: no overflow
	}
	if sec.MaxBackups != nil {
		cfg.MaxBackups = *sec.MaxBackups
	}
	if sec.MaxAgeDays != nil {
		cfg.MaxAgeDays = *sec.MaxAgeDays
	}
	cfg.Compress = sec.Compress != nil && *sec.Compress
	cfg.RotateDaily = sec.RotateDaily != nil && *sec.RotateDaily
	cfg.LocalTime = c.localTZ(fc)
	// The file's reports (a failure, a recovery, a file made again) are
	// lines of the logger's layout, as dynlog's other reports are.
	cfg.ErrorOutput = c.diag.writer()
	return cfg, true
}

// standardStream is the process's stdout or stderr when DYN_LOGGING_FILE
// (or else [file].path) names one of them: "stdout", "/dev/stdout",
// "stderr" or "/dev/stderr". Those are streams, not files to rotate (the
// file sink would refuse them as not regular files). nil otherwise.
func (c config) standardStream(fc fileConfig) *os.File {
	path := c.getenv("DYN_LOGGING_FILE")
	if path == "" && fc.File != nil && fc.File.Path != nil {
		path = *fc.File.Path
	}
	switch path {
	case "stdout", "/dev/stdout":
		return os.Stdout
	case "stderr", "/dev/stderr":
		return os.Stderr
	}
	return nil
}

// fileSectionSource names the first file, in key order, that set a key of
// [file]; "" if none did.
func fileSectionSource(fc fileConfig) string {
	var keys []string
	for k := range fc.Sources {
		if strings.HasPrefix(k, "file.") {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return ""
	}
	slices.Sort(keys)
	return fc.Sources[keys[0]]
}
