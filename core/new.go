package core

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/filter"
	"github.com/dynlog/dynlog/internal/clock"
	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

// SystemConfigPath is the TOML file New reads first, as Dynamo does;
// $DYN_LOGGING_CONFIG_PATH is layered over it.
const SystemConfigPath = "/opt/dynamo/etc/logging.toml"

// New returns a logger in Dynamo's layouts, configured as docs/configuration.md says:
// built-in defaults, then the TOML files (SystemConfigPath, then
// $DYN_LOGGING_CONFIG_PATH), then the environment. DYN_LOGGING_CONSOLE_FORMAT
// or DYN_LOGGING_JSONL choose JSONL or readable, DYN_LOG_USE_LOCAL_TZ the
// time zone, the colour variables the colour, and DYN_LOG the
// per-target levels; each wins over the TOML key for the same thing. It
// writes to stderr unless WithOutput says otherwise, and annotates every
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
	return c.newDynamo()
}

// newDynamo is New's logger for the configuration c.
func (c config) newDynamo() (*zap.Logger, error) {
	fc, err := c.loadTOML()
	if err != nil {
		return nil, err
	}
	out, stream := c.output, c.output
	var file *output.File
	if out == nil {
		if std := c.standardStream(fc); std != nil {
			out, stream = zapcore.Lock(std), std
		} else if file = c.openFile(fc); file != nil {
			out, stream = file, file
		} else {
			out, stream = zapcore.Lock(os.Stderr), os.Stderr
		}
	}

	encOpts := []encoder.Option{encoder.WithMaxLineBytes(c.maxLineBytes(fc))}
	if c.localTZ(fc) {
		encOpts = append(encOpts, encoder.WithLocation(c.local()))
	}
	var enc zapcore.Encoder
	jsonl := c.dynamoJSONL(fc)
	if jsonl {
		encOpts = append(encOpts, encoder.WithEmbeddedJSON(c.embedJSON(fc)))
		enc = encoder.NewJSONL(encOpts...)
	} else {
		encOpts = append(encOpts, encoder.WithColor(c.dynamoColor(fc, stream)))
		enc = encoder.NewReadable(encOpts...)
	}
	log := c.build(enc, out, filter.NewAtomic(c.dynamoFilter(fc)), c.spanEvents(fc, jsonl), file)
	return log, nil
}

// The values of DYN_LOGGING_SPAN_EVENTS_LAYOUT and the TOML
// span_events_layout: which generation of Dynamo's span events to print.
const (
	spanLayoutDynamo = "dynamo" // today's: SPAN_FIRST_ENTRY, off unless asked for
	spanLayout2025   = "2025"   // the 2025 guide's: SPAN_CREATED, on in JSONL
)

// spanEvents decides which span events the loggers of New print.
//
// Today's Dynamo (the default) prints them only when DYN_LOGGING_SPAN_EVENTS
// (else the TOML span_events) is true: SPAN_FIRST_ENTRY and SPAN_CLOSED in
// JSONL; in the readable layout tracing-subscriber's own events, and only
// while trace context is on, as Dynamo decides it: DYN_LOGGING_JSONL true
// (with DYN_LOGGING_CONSOLE_FORMAT=readable), the TOML format "jsonl", or
// OTLP export (OTEL_EXPORT_ENABLED).
//
// DYN_LOGGING_SPAN_EVENTS_LAYOUT=2025 (else the TOML span_events_layout)
// brings back the 2025 guide's layout: SPAN_CREATED and SPAN_CLOSED in both
// layouts, on by default in JSONL and off in readable, the switch as above.
func (c config) spanEvents(fc fileConfig, jsonl bool) tracing.SpanEvents {
	on, set := false, false
	if v, ok := c.flag("DYN_LOGGING_SPAN_EVENTS"); ok {
		on, set = v, true
	} else if fc.SpanEvents != nil {
		on, set = *fc.SpanEvents, true
	}
	if c.spanLayout(fc) == spanLayout2025 {
		if on || (!set && jsonl) {
			return tracing.Events2025
		}
		return tracing.EventsOff
	}
	switch {
	case !on:
		return tracing.EventsOff
	case jsonl:
		return tracing.EventsDynamo
	case c.on("DYN_LOGGING_JSONL"),
		fc.Format != nil && *fc.Format == "jsonl",
		c.on("OTEL_EXPORT_ENABLED"):
		return tracing.EventsReadable
	}
	return tracing.EventsOff
}

// vllmSpanEvents is the span events of NewVLLM: off unless
// DYN_LOGGING_SPAN_EVENTS is true, then Dynamo's JSONL events (or the 2025
// guide's, as New's layout setting says), their fields appended as the vLLM
// layout appends any.
func (c config) vllmSpanEvents() tracing.SpanEvents {
	switch {
	case !c.on("DYN_LOGGING_SPAN_EVENTS"):
		return tracing.EventsOff
	case c.spanLayout(fileConfig{}) == spanLayout2025:
		return tracing.Events2025
	}
	return tracing.EventsDynamo
}

// spanLayout is DYN_LOGGING_SPAN_EVENTS_LAYOUT when it is set, else the TOML
// span_events_layout, else today's. A value that is neither is reported and
// today's layout used.
func (c config) spanLayout(fc fileConfig) string {
	if v, ok := c.env("DYN_LOGGING_SPAN_EVENTS_LAYOUT"); ok {
		switch w := strings.ToLower(strings.TrimSpace(v)); w {
		case spanLayoutDynamo, spanLayout2025:
			return w
		}
		c.warn(fmt.Sprintf("dynlog: DYN_LOGGING_SPAN_EVENTS_LAYOUT=%q is neither %q nor %q; using %q", v, spanLayoutDynamo, spanLayout2025, spanLayoutDynamo))
		return spanLayoutDynamo
	}
	if fc.SpanEventsLayout != nil {
		return *fc.SpanEventsLayout
	}
	return spanLayoutDynamo
}

// loadTOML reads the TOML layers New uses. The system file is optional; a
// file that DYN_LOGGING_CONFIG_PATH names must exist.
func (c config) loadTOML() (fileConfig, error) {
	user := c.getenv("DYN_LOGGING_CONFIG_PATH")
	if user != "" {
		if _, err := os.Stat(user); errors.Is(err, fs.ErrNotExist) {
			return fileConfig{}, fmt.Errorf("core: DYN_LOGGING_CONFIG_PATH=%q names a file that does not exist; point it at a TOML file or unset it", user)
		}
	}
	return loadConfigFiles([]string{c.systemConfig, user})
}

// dynamoFilter composes the filter of New from fc and DYN_LOG.
func (c config) dynamoFilter(fc fileConfig) *filter.Filter {
	fallback, source := zapcore.InfoLevel, filter.SourceBuiltin
	if fc.LogLevel != nil {
		fallback, _ = filter.ParseLevel(*fc.LogLevel) // checked by loadConfigFiles
		source = fc.Sources["log_level"]
	}
	return composeFilter(c.getenv("DYN_LOG"), fc, fallback, source, c.warn)
}

// Reload recomputes the filter of a logger that New built, from the TOML
// files and DYN_LOG as they are now, and makes it the configured filter of
// the logger and everything derived from it; a runtime override set
// through the HTTP handler stays in force above it until it is deleted.
// The logger's filter is found through the cores that wrap it, as
// filter.AtomicOf finds it. opts are New's options (WithEnv,
// WithSystemConfig, WithErrorOutput matter here); the filter's warnings
// are reported on the error output in the logger's layout, and the change
// writes one INFO line of target "dynlog" to the logger. On an error the
// filter in force stays.
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
	a, err := filter.AtomicOfCore(log.Core())
	if err != nil {
		return fmt.Errorf("core: Reload: %w; nothing reloaded", err)
	}
	if enc := layoutOf(a); enc != nil {
		c.diag.useLayout(enc, zapcore.EntryCaller{})
	}
	fc, err := c.loadTOML()
	if err != nil {
		return err
	}
	a.Configure(c.dynamoFilter(fc), by)
	return nil
}

// ReloadOnSIGHUP calls Reload each time the process receives SIGHUP, and
// reopens the log files New opened (after logrotate moved them, or to
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
				output.ReopenAll()              // after logrotate moved them, or to leave stderr
			}
		}
	}()
}

// embedJSON: DYN_LOGGING_EMBED_JSON_STRINGS when set, else the TOML
// embed_json_strings, else on (Dynamo embeds a string field's JSON text).
func (c config) embedJSON(fc fileConfig) bool {
	if v, ok := c.flag("DYN_LOGGING_EMBED_JSON_STRINGS"); ok {
		return v
	}
	return fc.EmbedJSON == nil || *fc.EmbedJSON
}

// maxLineBytes is the line cap: WithMaxLineBytes if given, else
// DYN_LOGGING_MAX_LINE_BYTES when it is set and an integer ≥ 0 (another
// value is reported and ignored), else the TOML max_line_bytes, else 0, no
// cap.
func (c config) maxLineBytes(fc fileConfig) int {
	if c.maxLineSet {
		return c.maxLine
	}
	if v, ok := c.env("DYN_LOGGING_MAX_LINE_BYTES"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err == nil && n >= 0 {
			return n
		}
		c.warn(fmt.Sprintf("dynlog: DYN_LOGGING_MAX_LINE_BYTES=%q is not an integer ≥ 0 (a byte count, 0 for no cap); ignoring it", v))
	}
	if fc.MaxLineBytes != nil {
		return *fc.MaxLineBytes
	}
	return 0
}

// localTZ: DYN_LOG_USE_LOCAL_TZ when set, else the TOML local_tz.
func (c config) localTZ(fc fileConfig) bool {
	if v, ok := c.flag("DYN_LOG_USE_LOCAL_TZ"); ok {
		return v
	}
	return fc.LocalTZ != nil && *fc.LocalTZ
}

// dynamoJSONL applies DYN_LOGGING_CONSOLE_FORMAT, which wins, then
// DYN_LOGGING_JSONL, then the TOML format.
func (c config) dynamoJSONL(fc fileConfig) bool {
	if f, ok := c.env("DYN_LOGGING_CONSOLE_FORMAT"); ok {
		switch strings.ToLower(strings.TrimSpace(f)) {
		case "jsonl":
			return true
		case "readable":
			return false
		}
		c.warn(fmt.Sprintf("dynlog: DYN_LOGGING_CONSOLE_FORMAT=%q is neither \"readable\" nor \"jsonl\"; using readable", f))
		return false
	}
	if v, ok := c.flag("DYN_LOGGING_JSONL"); ok {
		return v
	}
	return fc.Format != nil && *fc.Format == "jsonl"
}

// dynamoColor decides colour for the readable layout: off if
// DYN_SDK_DISABLE_ANSI_LOGGING is true or NO_COLOR is non-empty; on if
// FORCE_COLOR is non-empty or DYN_LOGGING_ANSI is true; then the TOML ansi
// ("always" or "never"); otherwise ("auto") on only when the stream is a
// terminal. Dynamo colours pipes too; we do not.
func (c config) dynamoColor(fc fileConfig, stream zapcore.WriteSyncer) bool {
	switch {
	case c.on("DYN_SDK_DISABLE_ANSI_LOGGING"), c.getenv("NO_COLOR") != "":
		return false
	case c.getenv("FORCE_COLOR") != "", c.on("DYN_LOGGING_ANSI"):
		return true
	}
	if fc.ANSI != nil {
		switch *fc.ANSI {
		case "always":
			return true
		case "never":
			return false
		}
	}
	return isTerminal(stream)
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

// build is a preset's logger: the encoder and sink, with around's cores,
// and the caller on every line. file, if not nil, is the log file out
// writes to, which Close finds among the cores.
func (c config) build(enc zapcore.Encoder, out zapcore.WriteSyncer, a *filter.Atomic, spanEvents tracing.SpanEvents, file *output.File) *zap.Logger {
	ranks, rankErrs := dedup.RanksFromEnv(c.lookup)
	core := c.aroundFile(a, spanEvents, ranks, file)(zapcore.NewCore(enc, out, zapcore.Level(math.MinInt8)))
	log := zap.New(core, append(c.zapOptions(), zap.AddCaller())...)
	rememberLayout(a, enc.Clone())
	c.diag.useLayout(enc.Clone(), c.site)
	c.auditChanges(a, core.(vocab.Unwrapper).Unwrap())
	c.reportRanks(log, rankErrs)
	return log
}

// auditChanges writes one INFO line of target "dynlog" for each later change
// of a's filters, with who made it and the filters before and after, to
// inner: the cores beneath the filter gate, so that a filter that turns
// every line off does not hide the line that says so.
func (c config) auditChanges(a *filter.Atomic, inner zapcore.Core) {
	clk := c.clock
	if clk == nil {
		clk = clock.Default
	}
	a.OnChange(func(ch filter.Change) {
		msg := "filter replaced by " + ch.By
		if ch.Overridden && ch.Old == ch.New {
			msg = "configured filter replaced by " + ch.By + "; the runtime override stays in force"
		}
		ent := zapcore.Entry{LoggerName: diagnosticsTarget, Level: zapcore.InfoLevel, Time: clk.Now(), Message: msg}
		fields := []zapcore.Field{zap.String("old", ch.Old.String()), zap.String("new", ch.New.String())}
		if ch.Overridden {
			fields = append(fields, zap.Bool("override", true), zap.String("configured", ch.Configured.String()))
		}
		if ce := inner.Check(ent, nil); ce != nil {
			ce.ErrorOutput = c.errorOutput
			ce.Write(fields...)
		}
	})
}

// around returns what every preset puts around its sink core: the OTLP log
// export beside it when OTEL_LOGS_EXPORTER=otlp, then the tracing core, the
// once-only core with ranks and the filter gate outermost.
func (c config) around(a *filter.Atomic, spanEvents tracing.SpanEvents, ranks dedup.Ranks) func(zapcore.Core) zapcore.Core {
	return c.aroundFile(a, spanEvents, ranks, nil)
}

// aroundFile is around, with the log file's fileCore outside the export
// tee (which has no Unwrap) and inside the rest, so that Close finds it and
// a filtered-out call never meets it.
func (c config) aroundFile(a *filter.Atomic, spanEvents tracing.SpanEvents, ranks dedup.Ranks, file *output.File) func(zapcore.Core) zapcore.Core {
	return func(sink zapcore.Core) zapcore.Core {
		if lc := c.logExportCore(); lc != nil {
			sink = zapcore.NewTee(sink, lc)
		}
		if file != nil {
			sink = &fileCore{Core: sink, file: file}
		}
		return filter.NewAtomicCore(dedup.NewCore(tracing.NewCore(sink, tracing.WithSpanEvents(spanEvents)), dedup.WithRanks(ranks)), a)
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
