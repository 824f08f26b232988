package core

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/core/internal/link"
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

// New returns a logger in Dynamo's layouts, configured as docs/configuration.md says:
// built-in defaults, then the TOML files ([config.SystemConfigPath], then
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
//
// New is [config.Load] followed by [Build].
func New(opts ...Option) (*zap.Logger, error) {
	cfg, err := config.Load(opts...)
	return build(cfg, err, callSite(1))
}

// Build returns the logger cfg describes: Dynamo's ([New]'s) or vLLM's
// ([NewVLLM]'s), as cfg.Preset says. cfg comes from [config.Load] or
// [config.LoadVLLM], read or changed by the program in between; Build
// reads neither the environment nor a file (but a VLLM_LOGGING_CONFIG_PATH
// configuration's outputs, which it opens). It writes cfg.Reports on
// cfg.ErrorOutput in the logger's layout, pointing at Build's caller. The
// error is a vLLM configuration file's that cannot be built.
func Build(cfg *config.Config) (*zap.Logger, error) {
	if cfg == nil {
		return nil, errors.New("core: Build: a nil Config; make one with config.Load or config.LoadVLLM")
	}
	return build(cfg, nil, callSite(1))
}

// build is New's, NewVLLM's and Build's logger for cfg, its reports
// pointing at site; with loadErr, the reports cfg holds are written and
// loadErr returned.
func build(cfg *config.Config, loadErr error, site zapcore.EntryCaller) (*zap.Logger, error) {
	b := newBuilder(cfg, site)
	defer b.diag.flush()
	if loadErr != nil {
		return nil, loadErr
	}
	if cfg.Preset == config.VLLM {
		return b.newVLLMTraced()
	}
	return b.newDynamo(), nil
}

// builder builds one logger from a Config: its reports go through diag,
// pointing at site, the call that asked for the logger.
type builder struct {
	cfg    *config.Config
	site   zapcore.EntryCaller
	diag   *diagnostics
	errOut zapcore.WriteSyncer // cfg.ErrorOutput, stderr if nil
}

// newBuilder is a builder of cfg, with cfg's reports waiting for the
// logger's layout.
func newBuilder(cfg *config.Config, site zapcore.EntryCaller) *builder {
	errOut := cfg.ErrorOutput
	if errOut == nil {
		errOut = zapcore.Lock(os.Stderr)
	}
	b := &builder{cfg: cfg, site: site, diag: newDiagnostics(errOut, cfg.Clock), errOut: errOut}
	for _, r := range cfg.Reports {
		b.diag.report(r)
	}
	return b
}

// warn reports one problem on the error output, in the logger's layout.
func (b *builder) warn(line string) { b.diag.report(line) }

// local is the zone of local time.
func (b *builder) local() *time.Location {
	if b.cfg.Location != nil {
		return b.cfg.Location
	}
	return time.Local
}

// colourOn decides colour in mode for stream: auto colours a terminal
// only.
func colourOn(mode config.Colour, stream zapcore.WriteSyncer) bool {
	switch mode {
	case config.ColourAlways:
		return true
	case config.ColourNever:
		return false
	}
	return isTerminal(stream)
}

// newDynamo is New's logger, built from the builder's Config.
func (b *builder) newDynamo() *zap.Logger {
	s := b.cfg
	var file *output.File
	if s.Output.File != nil {
		file = b.openFile(*s.Output.File) // nil if refused: stderr
	}
	out, stream := s.Output.Writer, s.Output.Writer
	switch {
	case s.Output.Writer != nil:
	case s.Output.Stream != nil:
		out, stream = zapcore.Lock(s.Output.Stream), s.Output.Stream
	case file != nil:
		out, stream = file, file
	default:
		out, stream = zapcore.Lock(os.Stderr), os.Stderr
	}

	encOpts := []encoder.Option{encoder.WithMaxLineBytes(s.MaxLineBytes.Value)}
	if s.LocalTZ.Value {
		encOpts = append(encOpts, encoder.WithLocation(b.local()))
	}
	var enc zapcore.Encoder
	if s.JSONL.Value {
		encOpts = append(encOpts, encoder.WithEmbeddedJSON(s.EmbedJSON.Value))
		enc = encoder.NewJSONL(encOpts...)
	} else {
		encOpts = append(encOpts, encoder.WithColor(colourOn(s.Colour.Value, stream)))
		enc = encoder.NewReadable(encOpts...)
	}
	var closeFile func() error
	if file != nil {
		closeFile = file.Close
	}
	return b.logger(enc, out, closeFile)
}

// Reload recomputes the filter of a logger that [New] built, from the TOML
// files and DYN_LOG as they are now (for one [NewVLLM] built, from
// VLLM_LOGGING_LEVEL and DYN_LOG, as NewVLLM reads them), and makes it the configured filter of
// the logger and everything derived from it; a runtime override set
// through the HTTP handler stays in force above it until it is deleted.
// The logger's filter is the one it holds (see [Close] for loggers wrapped
// in cores of someone else's). opts are New's options ([WithEnv],
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
	// The logger's filter first: a logger with none is not reloaded, and
	// has no files read for it.
	st := stateOf(log.Core())
	var a *filter.Atomic
	var noFilter error
	if st != nil {
		a = st.filter
	} else if a = filter.AtomicOf(log.Core()); a == nil {
		noFilter = filter.ErrNoFilter
	}
	var cfg *config.Config
	var loadErr error
	switch {
	case noFilter == nil && st != nil && st.vllm:
		cfg, loadErr = config.LoadVLLMFilter(opts...)
	case noFilter == nil:
		cfg, loadErr = config.LoadFilter(opts...)
	default:
		cfg = config.LoadExport(opts...) // the error output alone
	}
	b := newBuilder(cfg, zapcore.EntryCaller{})
	defer b.diag.flush()
	if by == "SIGHUP" {
		// Nobody receives what a signal's reload returns: say it.
		defer func() {
			if err != nil {
				b.warn("dynlog: SIGHUP: reload failed, keeping the filter in force: " + err.Error())
			}
		}()
	}
	if noFilter != nil {
		return fmt.Errorf("core: Reload: %w; nothing reloaded", noFilter)
	}
	if enc := st.reportLayout(); enc != nil {
		// The reports point where the logger's own do: at the call that
		// built it (a signal's reload has no call of its own).
		b.diag.useLayout(enc, st.site)
	}
	if loadErr != nil {
		return loadErr
	}
	a.Configure(cfg.Filter, by)
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

// logger is a preset's logger from the Config: the encoder and sink, with
// around's cores and the caller on every line. Its state keeps enc's
// layout, whether it is JSONL, and closeFile, the log file's Close (nil for
// none), for Reload, Close and StartTracing.
func (b *builder) logger(enc zapcore.Encoder, out zapcore.WriteSyncer, closeFile func() error) *zap.Logger {
	st := &state{filter: filter.NewAtomic(b.cfg.Filter), layout: enc.Clone(), jsonl: b.cfg.JSONL.Value,
		vllm: b.cfg.Preset == config.VLLM, site: b.site, closeFile: closeFile}
	b.diag.useLayout(enc.Clone(), b.site)
	gate := b.around(st)(newSinkCore(enc, out, openLevel))
	log := zap.New(gate, append(b.zapOptions(), zap.AddCaller())...)
	b.auditChanges(st.filter, gate.(vocab.Unwrapper).Unwrap())
	b.reportRanks(log, b.cfg.RankProblems)
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
// place came from. The caller is b.site, the call that built the logger,
// as for the logger's reports: a change from outside has no call of its
// own in the program, and the vLLM layout would print [unknown:0].
func (b *builder) auditChanges(a *filter.Atomic, inner zapcore.Core) {
	clk := b.cfg.Clock
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
		ent := zapcore.Entry{LoggerName: diagnosticsTarget, Level: zapcore.InfoLevel, Time: clk.Now(), Message: ch.String(), Caller: b.site}
		var fields []zapcore.Field
		if ch.Overridden {
			fields = append(fields, zap.Bool("override", true))
		}
		if src := directiveSources(from); src != "" {
			fields = append(fields, zap.String("from", src))
		}
		if ce := inner.Check(ent, nil); ce != nil {
			ce.ErrorOutput = b.errOut
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

// around returns what every preset puts around its sink core: the
// logger's own OTLP log export beside it when OTEL_LOGS_EXPORTER=otlp
// (logExport), the core that holds st around both (heldCore: outside the
// tee, which has no Unwrap, and inside the rest, so that a line the filter
// drops never meets it), then the tracing core, the once-only core with
// ranks, and st's filter gate outermost.
func (b *builder) around(st *state) func(zapcore.Core) zapcore.Core {
	return func(sink zapcore.Core) zapcore.Core {
		if b.cfg.LogsExport.Value {
			if exp := b.logExport(st); exp != nil {
				sink = zapcore.NewTee(sink, exp)
			}
		}
		held := newHeldCore(sink, st)
		once := dedup.NewCore(tracing.NewCore(held, tracing.WithSpanEvents(b.cfg.SpanEvents.Value), tracing.WithServiceName(b.cfg.Export.ServiceName)), dedup.WithRanks(b.cfg.Ranks))
		return filter.NewAtomicCore(once, st.filter)
	}
}

// logExport starts the logger's own OTLP log export, which st holds and
// Close stops, and returns its sink core; nil, said on the error output,
// when the program does not link the exporter (package core/service) or
// it cannot start. Logging goes on either way.
func (b *builder) logExport(st *state) zapcore.Core {
	svc := link.Linked()
	if svc == nil {
		b.warn(notLinked("OTEL_LOGS_EXPORTER=otlp asks for OTLP log export", "lines are not exported"))
		return nil
	}
	core, exp, err := svc.LogExport(b.cfg.Export, b.errOut)
	if err != nil {
		b.warn("dynlog: OTEL_LOGS_EXPORTER=otlp: OTLP log export not started: " + err.Error() + "; lines are not exported")
		return nil
	}
	st.logs = exp
	return core
}

// notLinked is the report of a configuration that asks for what the
// program does not link: what asks, what to import, and what happens
// instead.
func notLinked(what, instead string) string {
	return "dynlog: " + what + ", which this program does not link: import github.com/dynlog/dynlog/core/service (its Init, or a blank import before core.Init) to have it; " + instead
}

// rankReporter is the logger name of the lines that report a rank variable
// that does not parse.
const rankReporter = "dynlog.dedup"

// reportRanks writes each problem with the rank variables as one WARN line
// of log itself, in its layout, under the name "dynlog.dedup", pointing at
// the call that built the logger. The filter applies as to any line.
func (b *builder) reportRanks(log *zap.Logger, errs []error) {
	clk := b.cfg.Clock
	if clk == nil {
		clk = clock.Default
	}
	for _, err := range errs {
		ent := zapcore.Entry{LoggerName: rankReporter, Level: zapcore.WarnLevel, Time: clk.Now(), Message: err.Error(), Caller: b.site}
		if ce := log.Core().Check(ent, nil); ce != nil {
			ce.ErrorOutput = b.errOut
			ce.Write()
		}
	}
}

// callSite is the caller skip frames above callSite's caller: the user's
// call of New or NewVLLM.
func callSite(skip int) zapcore.EntryCaller { return link.CallSite(skip + 1) }

// zapOptions are the logger options every preset takes from the config.
func (b *builder) zapOptions() []zap.Option {
	clk := b.cfg.Clock
	if clk == nil {
		clk = clock.Default
	}
	return []zap.Option{zap.ErrorOutput(b.errOut), zap.WithClock(clk)}
}

// Named is [filter.Named]: l.Named(name) with the filter's level for the new
// name bound in, so a call the filter rejects costs what zap's disabled call
// costs. Prefer it to l.Named for loggers made once and used often.
func Named(l *zap.Logger, name string) *zap.Logger { return filter.Named(l, name) }
