package core

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strings"
	"syscall"

	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/clock"
	"github.com/dynlog/dynlog/internal/outside"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

// SystemConfigPath is the TOML file [New] reads first, as Dynamo does;
// $DYN_LOGGING_CONFIG_PATH is layered over it.
const SystemConfigPath = "/opt/dynamo/etc/logging.toml"

// New returns a logger in Dynamo's layouts, configured as docs/configuration.md says:
// built-in defaults, then the TOML files ([SystemConfigPath], then
// $DYN_LOGGING_CONFIG_PATH), then the environment. DYN_LOGGING_CONSOLE_FORMAT
// or DYN_LOGGING_JSONL choose JSONL or readable, DYN_LOG_USE_LOCAL_TZ the
// time zone, the colour variables the colour, and DYN_LOG the
// per-target levels; each wins over the TOML key for the same thing. It
// writes to stderr unless [WithOutput] says otherwise, and annotates every
// line with the caller.
//
// The error is for configuration that cannot be honoured at all: a TOML
// file that exists but does not parse, has an unknown key or a value of the
// wrong type (the error names file, line and column). Problems a logger can
// live with (an unknown format name, a DYN_LOG directive it skips) are
// reported on the error output, one line each, and the logger is built.
func New(opts ...Option) (*zap.Logger, error) {
	c := newConfig(opts)
	c.site = callSite(1)
	defer c.diag.flush()
	s, err := resolveDynamo(c)
	if err != nil {
		return nil, err
	}
	return c.newDynamo(s), nil
}

// newDynamo is New's logger, built from s.
func (c config) newDynamo(s *settings) *zap.Logger {
	var file *output.File
	if s.output.file != nil {
		file = c.openFile(*s.output.file) // nil if refused: stderr
	}
	out, stream := c.output, c.output
	switch {
	case s.output.option:
	case s.output.stream != nil:
		out, stream = zapcore.Lock(s.output.stream), s.output.stream
	case file != nil:
		out, stream = file, file
	default:
		out, stream = zapcore.Lock(os.Stderr), os.Stderr
	}

	encOpts := []encoder.Option{encoder.WithMaxLineBytes(s.maxLineBytes.v)}
	if s.localTZ.v {
		encOpts = append(encOpts, encoder.WithLocation(c.local()))
	}
	var enc zapcore.Encoder
	if s.jsonl.v {
		encOpts = append(encOpts, encoder.WithEmbeddedJSON(s.embedJSON.v))
		enc = encoder.NewJSONL(encOpts...)
	} else {
		encOpts = append(encOpts, encoder.WithColor(s.colour.v.on(stream)))
		enc = encoder.NewReadable(encOpts...)
	}
	return c.build(s, enc, out, file)
}

// Reload recomputes the filter of a logger that [New] built, from the TOML
// files and DYN_LOG as they are now, and makes it the configured filter of
// the logger and everything derived from it; a runtime override set
// through the HTTP handler stays in force above it until it is deleted.
// The logger's filter is found through the cores that wrap it, as
// [filter.AtomicOf] finds it. opts are New's options ([WithEnv],
// [WithSystemConfig], [WithErrorOutput] matter here); the filter's warnings
// are reported on the error output in the logger's layout, and the change
// writes one INFO audit line of target "dynlog" to the logger, both pointing
// at the call that built the logger, as its other reports do. On an error
// the filter in force stays.
func Reload(log *zap.Logger, opts ...Option) error {
	return reload(log, "core.Reload", opts)
}

// reload is Reload, the change reported as made by by.
func reload(log *zap.Logger, by string, opts []Option) (err error) {
	c := newConfig(opts)
	defer c.diag.flush()
	if by == "SIGHUP" {
		// Nobody receives what a signal's reload returns: say it.
		defer func() {
			if err != nil {
				c.warn("dynlog: SIGHUP: reload failed, keeping the filter in force: " + err.Error())
			}
		}()
	}
	a := filter.AtomicOf(log.Core())
	if a == nil {
		return fmt.Errorf("core: Reload: %w; nothing reloaded", filter.ErrNoFilter)
	}
	if b := builtFrom(a); b.layout != nil {
		// The reports point where the logger's own do: at the call that
		// built it (a signal's reload has no call of its own).
		c.diag.useLayout(b.layout, b.site)
	}
	f, err := resolveReload(c)
	if err != nil {
		return err
	}
	a.Configure(f, by)
	return nil
}

// ReloadOnSIGHUP calls [Reload] each time the process receives SIGHUP, and
// reopens the log files [New] opened (after logrotate moved them, or to
// return to a file that failed), until ctx is done. A failed reload is
// reported on the error output and the filter in force stays; a runtime
// override stays in force either way. Each reload writes one INFO line of
// target "dynlog" saying it was made by SIGHUP. It returns at once; the
// watching goroutine ends with ctx.
func ReloadOnSIGHUP(ctx context.Context, log *zap.Logger, opts ...Option) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				_ = reload(log, "SIGHUP", opts) // reports its own failure
				files.ReopenAll()               // after logrotate moved them, or to leave stderr
			}
		}
	}()
}

// isTerminal reports whether ws is the process's stdout or stderr and that
// stream is a terminal.
func isTerminal(ws zapcore.WriteSyncer) bool {
	f, ok := ws.(*os.File)
	if !ok || (f != os.Stdout && f != os.Stderr) {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// build is a preset's logger from s: the encoder and sink, with around's
// cores, and the caller on every line. file, if not nil, is the log file
// out writes to, which Close finds among the cores. The logger's filter
// keeps enc's layout and whether it is JSONL (remember).
func (c config) build(s *settings, enc zapcore.Encoder, out zapcore.WriteSyncer, file *output.File) *zap.Logger {
	a := filter.NewAtomic(s.filter)
	core := c.aroundFile(s, a, file)(zapcore.NewCore(enc, out, zapcore.Level(math.MinInt8)))
	log := zap.New(core, append(c.zapOptions(), zap.AddCaller())...)
	remember(a, builtWith{layout: enc.Clone(), jsonl: s.jsonl.v, site: c.site})
	c.diag.useLayout(enc.Clone(), c.site)
	c.auditChanges(a, core.(vocab.Unwrapper).Unwrap())
	c.reportRanks(log, s.rankErrs)
	return log
}

// auditChanges writes one INFO line of target "dynlog" for each later change
// of a's filters from outside the program (filter.Change.Outside: the HTTP
// handler, SIGHUP, Reload) to inner: the cores beneath the filter gate, so
// that a filter that turns every line off does not hide the line that says
// so. The program's own Store writes none, as zap's AtomicLevel.SetLevel
// writes none. The message is the change's String: who made it and which
// directives it added and removed, bounded and escaped; the fields say
// whether a runtime override is in force and where the directives put in
// place came from. The caller is c.site, the call that built the logger,
// as for the logger's reports: a change from outside has no call of its
// own in the program, and the vLLM layout would print [unknown:0].
func (c config) auditChanges(a *filter.Atomic, inner zapcore.Core) {
	clk := c.clock
	if clk == nil {
		clk = clock.Default
	}
	a.OnChange(func(ch filter.Change) {
		if !ch.Outside {
			return
		}
		// from is the filter just put in place, whose directives' sources
		// (the settings' for a reload) the line names: the configured
		// filter when only the layer beneath an override changed.
		from := ch.New
		if ch.Overridden && ch.Old == ch.New {
			from = ch.Configured
		}
		ent := zapcore.Entry{LoggerName: diagnosticsTarget, Level: zapcore.InfoLevel, Time: clk.Now(), Message: ch.String(), Caller: c.site}
		var fields []zapcore.Field
		if ch.Overridden {
			fields = append(fields, zap.Bool("override", true))
		}
		if src := directiveSources(from); src != "" {
			fields = append(fields, zap.String("from", src))
		}
		if ce := inner.Check(ent, nil); ce != nil {
			ce.ErrorOutput = c.errorOutput
			ce.Write(fields...)
		}
	})
}

// directiveSources lists the sources of f's directives, each once, in the
// order the directives name them: "built-in, /etc/app.toml, env DYN_LOG".
func directiveSources(f *filter.Filter) string {
	if f == nil {
		return ""
	}
	var seen []string
	for _, d := range f.Directives() {
		// A TOML file's path is text from outside: escaped, as the
		// change's String escapes what it names.
		if src := outside.Text(d.Source); src != "" && !slices.Contains(seen, src) {
			seen = append(seen, src)
		}
	}
	return strings.Join(seen, ", ")
}

// around returns what every preset puts around its sink core, as s says:
// the OTLP log export beside it when OTEL_LOGS_EXPORTER=otlp, then the
// tracing core, the once-only core with ranks and a's filter gate
// outermost.
func (c config) around(s *settings, a *filter.Atomic) func(zapcore.Core) zapcore.Core {
	return c.aroundFile(s, a, nil)
}

// aroundFile is around, with the log file's fileCore outside the export
// tee (which has no Unwrap) and inside the rest, so that Close finds it and
// a filtered-out call never meets it.
func (c config) aroundFile(s *settings, a *filter.Atomic, file *output.File) func(zapcore.Core) zapcore.Core {
	return func(sink zapcore.Core) zapcore.Core {
		if s.logsExport.v {
			sink = zapcore.NewTee(sink, logExportCore())
		}
		if file != nil {
			sink = &fileCore{Core: sink, close: file.Close}
		}
		traced := tracing.NewCore(sink, tracing.WithSpanEvents(s.spanEvents.v), tracing.WithServiceName(s.export.cfg.ServiceName))
		return filter.NewAtomicCore(dedup.NewCore(traced, dedup.WithRanks(s.ranks)), a)
	}
}

// rankReporter is the logger name of the lines that report a rank variable
// that does not parse.
const rankReporter = "dynlog.dedup"

// reportRanks writes each problem with the rank variables as one WARN line
// of log itself, in its layout, under the name "dynlog.dedup", pointing at
// the call that built the logger. The filter applies as to any line.
func (c config) reportRanks(log *zap.Logger, errs []error) {
	clk := c.clock
	if clk == nil {
		clk = clock.Default
	}
	for _, err := range errs {
		ent := zapcore.Entry{LoggerName: rankReporter, Level: zapcore.WarnLevel, Time: clk.Now(), Message: err.Error(), Caller: c.site}
		if ce := log.Core().Check(ent, nil); ce != nil {
			ce.ErrorOutput = c.errorOutput
			ce.Write()
		}
	}
}

// callSite is the caller skip frames above callSite's caller: the user's
// call of New or NewVLLM.
func callSite(skip int) zapcore.EntryCaller {
	pc, file, line, ok := runtime.Caller(skip + 1)
	if !ok {
		return zapcore.EntryCaller{}
	}
	c := zapcore.NewEntryCaller(pc, file, line, true)
	if fn := runtime.FuncForPC(pc); fn != nil {
		c.Function = fn.Name()
	}
	return c
}

// zapOptions are the logger options every preset takes from the config.
func (c config) zapOptions() []zap.Option {
	clk := c.clock
	if clk == nil {
		clk = clock.Default
	}
	return []zap.Option{zap.ErrorOutput(c.errorOutput), zap.WithClock(clk)}
}
