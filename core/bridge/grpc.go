package bridge

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dynlog/dynlog/core/config"
	ibridge "github.com/dynlog/dynlog/core/internal/bridge"
	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc/grpclog"
)

// GRPCOption configures [RedirectGRPC].
type GRPCOption func(*config.GRPC)

// WithGRPCDefaults gives the values of gRPC's GRPC_GO_LOG_SEVERITY_LEVEL and
// GRPC_GO_LOG_VERBOSITY_LEVEL, as [config.Config].GRPC holds them, for the
// logger RedirectGRPC's restore puts back when it installs one like gRPC's
// default. Without it, that logger prints errors only, as gRPC's does with
// neither variable set. core/service's Init passes its Config's.
func WithGRPCDefaults(g config.GRPC) GRPCOption { return func(c *config.GRPC) { *c = g } }

// RedirectGRPC makes l gRPC's logger ([grpclog.SetLoggerV2]): gRPC's lines
// print through l's cores as bridged records of target grpc
// ([GRPCTarget]; log.target is grpc too), which the built-in defaults hold at
// error: DYN_LOG=grpc=info (or warn, debug, trace) shows more. log.file and
// log.line are the gRPC code that logged, the message is gRPC's, with its
// component prefix ("[core] …").
//
// Levels: Info INFO, Warning WARN, Error ERROR, Fatal zap's Fatal (ERROR in
// the Dynamo layouts), after which l's fatal hook ends the process, as gRPC
// requires. V(0) is whether INFO prints for grpc, V(1) DEBUG, V(2) and up
// TRACE, so gRPC's verbose lines, which it guards with V(2), need
// DYN_LOG=grpc=trace. The time is l's clock.
//
// As grpclog.SetLoggerV2 says, call it before any gRPC function runs; the
// restore function too is not safe while gRPC logs. gRPC cannot tell which
// logger is in force, so restore installs the one RedirectGRPC replaced if
// RedirectGRPC had installed it, else one like gRPC's default (stderr, the
// severity and verbosity [WithGRPCDefaults] gives; not its JSON format).
func RedirectGRPC(l *zap.Logger, opts ...GRPCOption) (restore func()) {
	var defaults config.GRPC
	for _, o := range opts {
		o(&defaults)
	}
	g := &grpcLogger{b: ibridge.New(l, GRPCTarget)}
	grpcMu.Lock()
	prev := grpcInstalled
	grpcInstalled = g
	grpcMu.Unlock()
	grpclog.SetLoggerV2(g)
	var once sync.Once
	return func() {
		once.Do(func() {
			grpcMu.Lock()
			defer grpcMu.Unlock()
			grpcInstalled = prev
			if prev != nil {
				grpclog.SetLoggerV2(prev)
				return
			}
			grpclog.SetLoggerV2(grpcDefaultLogger(defaults))
		})
	}
}

var (
	grpcMu sync.Mutex
	// grpcInstalled is the logger the last RedirectGRPC installed, nil
	// for gRPC's own.
	grpcInstalled *grpcLogger
)

// grpcDefaultLogger is a logger like the one gRPC makes at start, for the
// values g of its variables.
func grpcDefaultLogger(g config.GRPC) grpclog.LoggerV2 {
	info, warning, errs := io.Discard, io.Discard, io.Discard
	if l, ok := levels.ParseGRPC(g.Severity); ok {
		switch l {
		case zapcore.ErrorLevel:
			errs = os.Stderr
		case zapcore.WarnLevel:
			warning = os.Stderr
		case zapcore.InfoLevel:
			info = os.Stderr
		}
	}
	v, _ := strconv.Atoi(g.Verbosity)
	return grpclog.NewLoggerV2WithVerbosity(info, warning, errs, v)
}

// grpcLogger is gRPC's LoggerV2 under RedirectGRPC. gRPC calls its Depth
// methods with the number of its own frames to pass over, counted from the
// caller of grpclog's function; the others from grpclog's functions.
type grpcLogger struct{ b ibridge.Bridge }

var _ grpclog.DepthLoggerV2 = (*grpcLogger)(nil)

// printDepth logs at lvl the message that format makes, attributed to the
// call depth frames above the caller of grpclog's function that called
// the method that called printDepth.
func (g *grpcLogger) printDepth(lvl zapcore.Level, depth int, format func() string) {
	if lvl < zapcore.DPanicLevel && !g.b.Enabled(lvl) {
		return
	}
	// Pass over printDepth's caller (our method) and grpclog's function.
	g.b.Write(lvl, format(), ibridge.SiteAbove(depth+2, nil, 0), time.Time{}, nil)
}

func sprintln(args []any) string { return strings.TrimSuffix(fmt.Sprintln(args...), "\n") }

func (g *grpcLogger) Info(args ...any) {
	g.printDepth(zapcore.InfoLevel, 0, func() string { return fmt.Sprint(args...) })
}

func (g *grpcLogger) Infoln(args ...any) {
	g.printDepth(zapcore.InfoLevel, 0, func() string { return sprintln(args) })
}

func (g *grpcLogger) Infof(format string, args ...any) {
	g.printDepth(zapcore.InfoLevel, 0, func() string { return fmt.Sprintf(format, args...) })
}

func (g *grpcLogger) Warning(args ...any) {
	g.printDepth(zapcore.WarnLevel, 0, func() string { return fmt.Sprint(args...) })
}

func (g *grpcLogger) Warningln(args ...any) {
	g.printDepth(zapcore.WarnLevel, 0, func() string { return sprintln(args) })
}

func (g *grpcLogger) Warningf(format string, args ...any) {
	g.printDepth(zapcore.WarnLevel, 0, func() string { return fmt.Sprintf(format, args...) })
}

func (g *grpcLogger) Error(args ...any) {
	g.printDepth(zapcore.ErrorLevel, 0, func() string { return fmt.Sprint(args...) })
}

func (g *grpcLogger) Errorln(args ...any) {
	g.printDepth(zapcore.ErrorLevel, 0, func() string { return sprintln(args) })
}

func (g *grpcLogger) Errorf(format string, args ...any) {
	g.printDepth(zapcore.ErrorLevel, 0, func() string { return fmt.Sprintf(format, args...) })
}

func (g *grpcLogger) Fatal(args ...any) {
	g.printDepth(zapcore.FatalLevel, 0, func() string { return fmt.Sprint(args...) })
}

func (g *grpcLogger) Fatalln(args ...any) {
	g.printDepth(zapcore.FatalLevel, 0, func() string { return sprintln(args) })
}

func (g *grpcLogger) Fatalf(format string, args ...any) {
	g.printDepth(zapcore.FatalLevel, 0, func() string { return fmt.Sprintf(format, args...) })
}

func (g *grpcLogger) InfoDepth(depth int, args ...any) {
	g.printDepth(zapcore.InfoLevel, depth, func() string { return sprintln(args) })
}

func (g *grpcLogger) WarningDepth(depth int, args ...any) {
	g.printDepth(zapcore.WarnLevel, depth, func() string { return sprintln(args) })
}

func (g *grpcLogger) ErrorDepth(depth int, args ...any) {
	g.printDepth(zapcore.ErrorLevel, depth, func() string { return sprintln(args) })
}

func (g *grpcLogger) FatalDepth(depth int, args ...any) {
	g.printDepth(zapcore.FatalLevel, depth, func() string { return sprintln(args) })
}

// V reports whether gRPC's verbosity level l prints: 0 INFO, 1 DEBUG, 2 and
// up TRACE, for target grpc.
func (g *grpcLogger) V(l int) bool {
	lvl := zapcore.InfoLevel
	switch {
	case l >= 2:
		lvl = levels.Trace
	case l == 1:
		lvl = zapcore.DebugLevel
	}
	return g.b.Enabled(lvl)
}
