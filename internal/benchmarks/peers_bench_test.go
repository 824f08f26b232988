package benchmarks

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core"
	"github.com/rs/zerolog"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
	"go.uber.org/zap/exp/zapslog"
	"go.uber.org/zap/zapcore"
)

// BenchmarkPeers is the peer suite on one goroutine, one call after
// another: BenchmarkPeers/<scenario>/<logger>. BenchmarkPeersParallel is the
// same under b.RunParallel, as zap's suite runs it. The scenarios and their
// data follow zap's own benchmark suite (go.uber.org/zap/benchmarks):
//
//	TenFields  — zap's BenchmarkAddingFields: a message with ten fields of
//	             mixed types at the call site.
//	TenContext — zap's BenchmarkAccumulatedContext: the same ten fields added
//	             once to the logger, then a bare message.
//	Static     — zap's BenchmarkWithoutFields: a bare message.
//	Disabled   — zap's BenchmarkDisabledAddingFields: a Debug call with the
//	             ten fields on a logger at info, which prints nothing.
//	DisabledStatic  — zap's BenchmarkDisabledWithoutFields: a bare Debug
//	             call on that logger.
//	DisabledContext — zap's BenchmarkDisabledAccumulatedContext: a bare
//	             Debug call on the logger that got the ten fields beforehand.
//
// Every logger writes to io.Discard at info level, each in its JSON layout
// with its stock encoder settings, and every line carries the time, the
// level, the message and the caller: dynlog always annotates the caller
// (core.New adds zap.AddCaller), so the peers are given theirs too
// (zap.AddCaller, zerolog's Caller, slog's AddSource, logrus's
// ReportCaller). This differs from zap's suite, whose loggers have no
// caller; zap-nocaller is plain zap as zap's suite builds it, for
// information. "Plain zap JSON", the baseline of the peers' targets, is the
// zap column: zap.New over zapcore.NewJSONEncoder with
// zap.NewProductionEncoderConfig(), with zap.AddCaller().
//
// The dynlog loggers are built by core.New (dynlog-jsonl, dynlog-readable)
// and core.NewVLLM (dynlog-vllm) with every core those install: the filter
// (DYN_LOG=info), the once-only core and the tracing core, around the
// encoder and the io.Discard sink. No configuration file is read.
//
// slog's face: zapslog and dynlog-slog make slog-json's calls
// (LogAttrs, the handler's caller on) through zap's zapslog handler over
// the zap column's logger and through core.NewSlogHandler over dynlog-jsonl's.
func BenchmarkPeers(b *testing.B) {
	runPeers(b, func(b *testing.B, call func()) {
		for b.Loop() {
			call()
		}
	})
}

// BenchmarkPeersParallel is BenchmarkPeers under b.RunParallel:
// BenchmarkPeersParallel/<scenario>/<logger>.
func BenchmarkPeersParallel(b *testing.B) {
	runPeers(b, func(b *testing.B, call func()) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				call()
			}
		})
	})
}

// runPeers runs every scenario with every peer (and, in the disabled
// scenarios, the floor), loop making the calls.
func runPeers(b *testing.B, loop func(b *testing.B, call func())) {
	for _, s := range scenarios {
		b.Run(s.name, func(b *testing.B) {
			ps := peers
			if strings.HasPrefix(s.name, "Disabled") {
				// The floor runs right after dynlog-jsonl, whose baseline
				// it is, so that the two are measured as close in time as
				// a round allows.
				i := slices.IndexFunc(ps, func(p peer) bool { return p.name == "dynlog-jsonl" }) + 1
				ps = slices.Insert(slices.Clone(ps), i, zapFloor)
			}
			for _, p := range ps {
				b.Run(p.name, func(b *testing.B) {
					call := s.call(p.build(b, io.Discard))
					b.ReportAllocs()
					// Each benchmark starts from a collected heap, so that
					// the garbage of the one before is not collected on
					// its time: the allocating scenarios otherwise switch
					// between two speeds from round to round.
					runtime.GC()
					b.ResetTimer()
					loop(b, call)
				})
			}
		})
	}
}

// calls are one logger's calls, one per scenario; each logs one line (or,
// disabled, none).
type calls struct {
	tenFields, tenContext, static, disabled, disabledStatic, disabledContext func()
}

// A scenario picks its call from a logger's calls.
type scenario struct {
	name string
	call func(calls) func()
}

var scenarios = []scenario{
	{"TenFields", func(c calls) func() { return c.tenFields }},
	{"TenContext", func(c calls) func() { return c.tenContext }},
	{"Static", func(c calls) func() { return c.static }},
	{"Disabled", func(c calls) func() { return c.disabled }},
	{"DisabledStatic", func(c calls) func() { return c.disabledStatic }},
	{"DisabledContext", func(c calls) func() { return c.disabledContext }},
}

// A peer builds one logger writing to w and returns its calls.
type peer struct {
	name  string
	build func(tb testing.TB, w io.Writer) calls
}

var peers = []peer{
	{"zap", func(_ testing.TB, w io.Writer) calls { return zapCalls(newZap(w, zap.AddCaller())) }},
	{"zap-nocaller", func(_ testing.TB, w io.Writer) calls { return zapCalls(newZap(w)) }},
	{"zap-sugar", func(_ testing.TB, w io.Writer) calls { return sugarCalls(newZap(w, zap.AddCaller()).Sugar()) }},
	{"zerolog", func(_ testing.TB, w io.Writer) calls { return zerologCalls(w) }},
	{"slog-json", func(_ testing.TB, w io.Writer) calls { return slogCalls(w) }},
	{"logrus", func(_ testing.TB, w io.Writer) calls { return logrusCalls(w) }},
	{"dynlog-jsonl", func(tb testing.TB, w io.Writer) calls {
		return zapCalls(newDynlog(tb, core.New, w, "DYN_LOGGING_CONSOLE_FORMAT", "jsonl"))
	}},
	// dynlog-jsonl without the caller (zap.WithCaller(false)), for
	// information: beside zap and zap-nocaller it shows what zap's caller
	// lookup leaves a dynlog line, the floor of Static beside zap.
	{"dynlog-jsonl-nocaller", func(tb testing.TB, w io.Writer) calls {
		return zapCalls(newDynlog(tb, core.New, w, "DYN_LOGGING_CONSOLE_FORMAT", "jsonl").WithOptions(zap.WithCaller(false)))
	}},
	{"dynlog-readable", func(tb testing.TB, w io.Writer) calls {
		return zapCalls(newDynlog(tb, core.New, w, "DYN_LOGGING_CONSOLE_FORMAT", "readable"))
	}},
	{"dynlog-vllm", func(tb testing.TB, w io.Writer) calls {
		return zapCalls(newDynlog(tb, core.NewVLLM, w, "VLLM_LOGGING_LEVEL", "INFO"))
	}},
	// slog's face: the slog calls of slog-json, through zap's zapslog
	// handler over plain zap JSON, and through dynlog's own handler
	// (core.NewSlogHandler) over dynlog-jsonl.
	{"zapslog", func(_ testing.TB, w io.Writer) calls {
		return slogLoggerCalls(slog.New(zapslog.NewHandler(newZap(w).Core(), zapslog.WithCaller(true))))
	}},
	{"dynlog-slog", func(tb testing.TB, w io.Writer) calls {
		return slogLoggerCalls(slog.New(core.NewSlogHandler(newDynlog(tb, core.New, w, "DYN_LOGGING_CONSOLE_FORMAT", "jsonl"))))
	}},
}

// zapFloor is the least a disabled call on any *zap.Logger costs: zap's
// Logger over a core that rejects every level in Enabled and does nothing
// else (zapcore.NewNopCore). It runs in the disabled scenarios only: what
// zap's Logger API itself costs there, whatever the core, and the baseline
// of dynlog's disabled calls.
var zapFloor = peer{"zap-nopcore", func(testing.TB, io.Writer) calls {
	return zapCalls(zap.New(zapcore.NewNopCore(), zap.AddCaller()))
}}

// zap's getMessage(0).
const benchMessage = "Test logging, but use a somewhat realistic message length. (#0)"

// The ten fields' data, zap's.
var (
	errExample = errors.New("fail")
	tenInts    = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 0}
	tenStrings = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"}
	tenTimes   = []time.Time{
		time.Unix(0, 0), time.Unix(1, 0), time.Unix(2, 0), time.Unix(3, 0), time.Unix(4, 0),
		time.Unix(5, 0), time.Unix(6, 0), time.Unix(7, 0), time.Unix(8, 0), time.Unix(9, 0),
	}
	oneUser = &user{
		Name:      "Jane Doe",
		Email:     "jane@test.com",
		CreatedAt: time.Date(1980, 1, 1, 12, 0, 0, 0, time.UTC),
	}
	tenUsers = users{oneUser, oneUser, oneUser, oneUser, oneUser, oneUser, oneUser, oneUser, oneUser, oneUser}
)

// A user is zap's object field; it marshals itself for zap and zerolog, and
// through encoding/json for slog and logrus.
type user struct {
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	CreatedAt time.Time `json:"created_at"`
}

var (
	_ zapcore.ObjectMarshaler    = (*user)(nil)
	_ zerolog.LogObjectMarshaler = (*user)(nil)
)

func (u *user) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString("name", u.Name)
	enc.AddString("email", u.Email)
	enc.AddInt64("createdAt", u.CreatedAt.UnixNano())
	return nil
}

func (u *user) MarshalZerologObject(e *zerolog.Event) {
	e.Str("name", u.Name).Str("email", u.Email).Int64("createdAt", u.CreatedAt.UnixNano())
}

// users is zap's array field.
type users []*user

var (
	_ zapcore.ArrayMarshaler    = users(nil)
	_ zerolog.LogArrayMarshaler = users(nil)
)

func (uu users) MarshalLogArray(arr zapcore.ArrayEncoder) error {
	var err error
	for _, u := range uu {
		err = errors.Join(err, arr.AppendObject(u))
	}
	return err
}

func (uu users) MarshalZerologArray(a *zerolog.Array) {
	for _, u := range uu {
		a.Object(u)
	}
}

func newZap(w io.Writer, opts ...zap.Option) *zap.Logger {
	enc := zapcore.NewJSONEncoder(zap.NewProductionEncoderConfig())
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(w), zapcore.InfoLevel), opts...)
}

// newDynlog builds a logger with a dynlog preset, at info, reading no file
// and no variable but DYN_LOG and the one given.
func newDynlog(tb testing.TB, preset func(...core.Option) (*zap.Logger, error), w io.Writer, key, value string) *zap.Logger {
	vars := map[string]string{"DYN_LOG": "info", key: value}
	log, err := preset(
		core.WithOutput(zapcore.AddSync(w)),
		core.WithErrorOutput(zapcore.AddSync(io.Discard)),
		core.WithSystemConfig(""),
		core.WithEnv(func(k string) (string, bool) { v, ok := vars[k]; return v, ok }),
	)
	if err != nil {
		tb.Fatal(err)
	}
	return log
}

func zapFields() []zap.Field {
	return []zap.Field{
		zap.Int("int", tenInts[0]),
		zap.Ints("ints", tenInts),
		zap.String("string", tenStrings[0]),
		zap.Strings("strings", tenStrings),
		zap.Time("time", tenTimes[0]),
		zap.Times("times", tenTimes),
		zap.Object("user1", oneUser),
		zap.Object("user2", oneUser),
		zap.Array("users", tenUsers),
		zap.Error(errExample),
	}
}

func zapCalls(log *zap.Logger) calls {
	ctx := log.With(zapFields()...)
	return calls{
		tenFields:  func() { log.Info(benchMessage, zapFields()...) },
		tenContext: func() { ctx.Info(benchMessage) },
		static:     func() { log.Info(benchMessage) },
		disabled:   func() { log.Debug(benchMessage, zapFields()...) },

		disabledStatic:  func() { log.Debug(benchMessage) },
		disabledContext: func() { ctx.Debug(benchMessage) },
	}
}

func sugarFields() []any {
	return []any{
		"int", tenInts[0],
		"ints", tenInts,
		"string", tenStrings[0],
		"strings", tenStrings,
		"time", tenTimes[0],
		"times", tenTimes,
		"user1", oneUser,
		"user2", oneUser,
		"users", tenUsers,
		"error", errExample,
	}
}

func sugarCalls(log *zap.SugaredLogger) calls {
	ctx := log.With(sugarFields()...)
	return calls{
		tenFields:  func() { log.Infow(benchMessage, sugarFields()...) },
		tenContext: func() { ctx.Info(benchMessage) },
		static:     func() { log.Info(benchMessage) },
		disabled:   func() { log.Debugw(benchMessage, sugarFields()...) },

		disabledStatic:  func() { log.Debug(benchMessage) },
		disabledContext: func() { ctx.Debug(benchMessage) },
	}
}

func zerologFields(e *zerolog.Event) *zerolog.Event {
	return e.
		Int("int", tenInts[0]).
		Ints("ints", tenInts).
		Str("string", tenStrings[0]).
		Strs("strings", tenStrings).
		Time("time", tenTimes[0]).
		Times("times", tenTimes).
		Object("user1", oneUser).
		Object("user2", oneUser).
		Array("users", tenUsers).
		Err(errExample)
}

func zerologCalls(w io.Writer) calls {
	log := zerolog.New(w).Level(zerolog.InfoLevel).With().Timestamp().Caller().Logger()
	ctx := log.With().
		Int("int", tenInts[0]).
		Ints("ints", tenInts).
		Str("string", tenStrings[0]).
		Strs("strings", tenStrings).
		Time("time", tenTimes[0]).
		Times("times", tenTimes).
		Object("user1", oneUser).
		Object("user2", oneUser).
		Array("users", tenUsers).
		Err(errExample).
		Logger()
	return calls{
		tenFields:  func() { zerologFields(log.Info()).Msg(benchMessage) },
		tenContext: func() { ctx.Info().Msg(benchMessage) },
		static:     func() { log.Info().Msg(benchMessage) },
		disabled:   func() { zerologFields(log.Debug()).Msg(benchMessage) },

		disabledStatic:  func() { log.Debug().Msg(benchMessage) },
		disabledContext: func() { ctx.Debug().Msg(benchMessage) },
	}
}

func slogAttrs() []slog.Attr {
	return []slog.Attr{
		slog.Int("int", tenInts[0]),
		slog.Any("ints", tenInts),
		slog.String("string", tenStrings[0]),
		slog.Any("strings", tenStrings),
		slog.Time("time", tenTimes[0]),
		slog.Any("times", tenTimes),
		slog.Any("user1", oneUser),
		slog.Any("user2", oneUser),
		slog.Any("users", tenUsers),
		slog.Any("error", errExample),
	}
}

// slogCalls logs with LogAttrs, slog's fastest call, through slog's JSON
// handler.
func slogCalls(w io.Writer) calls {
	return slogLoggerCalls(slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{AddSource: true, Level: slog.LevelInfo})))
}

// slogLoggerCalls are the calls of slogCalls on log.
func slogLoggerCalls(log *slog.Logger) calls {
	ctx := slog.New(log.Handler().WithAttrs(slogAttrs()))
	bg := context.Background()
	return calls{
		tenFields:  func() { log.LogAttrs(bg, slog.LevelInfo, benchMessage, slogAttrs()...) },
		tenContext: func() { ctx.LogAttrs(bg, slog.LevelInfo, benchMessage) },
		static:     func() { log.LogAttrs(bg, slog.LevelInfo, benchMessage) },
		disabled:   func() { log.LogAttrs(bg, slog.LevelDebug, benchMessage, slogAttrs()...) },

		disabledStatic:  func() { log.LogAttrs(bg, slog.LevelDebug, benchMessage) },
		disabledContext: func() { ctx.LogAttrs(bg, slog.LevelDebug, benchMessage) },
	}
}

func logrusFields() logrus.Fields {
	return logrus.Fields{
		"int":     tenInts[0],
		"ints":    tenInts,
		"string":  tenStrings[0],
		"strings": tenStrings,
		"time":    tenTimes[0],
		"times":   tenTimes,
		"user1":   oneUser,
		"user2":   oneUser,
		"users":   tenUsers,
		"error":   errExample,
	}
}

func logrusCalls(w io.Writer) calls {
	log := logrus.New()
	log.Out = w
	log.Formatter = &logrus.JSONFormatter{}
	log.Level = logrus.InfoLevel
	log.ReportCaller = true
	ctx := log.WithFields(logrusFields())
	return calls{
		tenFields:  func() { log.WithFields(logrusFields()).Info(benchMessage) },
		tenContext: func() { ctx.Info(benchMessage) },
		static:     func() { log.Info(benchMessage) },
		disabled:   func() { log.WithFields(logrusFields()).Debug(benchMessage) },

		disabledStatic:  func() { log.Debug(benchMessage) },
		disabledContext: func() { ctx.Debug(benchMessage) },
	}
}
