package bridge_test

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/bridge"
	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/filter"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"google.golang.org/grpc/grpclog"
)

var grpcTest = grpclog.Component("bridge_test")

func TestRedirectGRPCJSONL(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "grpc=info"})
	defer bridge.RedirectGRPC(b.Log)()

	file, line := coretest.Here()
	grpcTest.Infof("connecting to %s", "10.0.0.7:50051")
	grpcTest.Warning("transport", "closed")
	grpcTest.Errorln("stream", 3, "failed")
	grpclog.Info("plain", "info")
	grpclog.ErrorDepth(0, "at depth", 0)
	grpcTest.InfoDepth(0, "depth", "zero")

	wantBridged(t, b.Out.String(),
		origin{"INFO", "grpc", file, line + 1, "[bridge_test] connecting to 10.0.0.7:50051"},
		origin{"WARN", "grpc", file, line + 2, "[bridge_test] transport closed"},
		origin{"ERROR", "grpc", file, line + 3, "[bridge_test] stream 3 failed"},
		origin{"INFO", "grpc", file, line + 4, "plaininfo"}, // fmt.Sprint, as gRPC's Info says
		origin{"ERROR", "grpc", file, line + 5, "at depth 0"},
		origin{"INFO", "grpc", file, line + 6, "[bridge_test] depth zero"},
	)
}

func TestRedirectGRPCReadable(t *testing.T) {
	b := coretest.Build(t, core.New, nil)
	defer bridge.RedirectGRPC(b.Log)()
	grpcTest.Errorf("boom")
	if want := "2026-01-02T03:04:05.656503Z ERROR grpc: [bridge_test] boom\n"; b.Out.String() != want {
		t.Errorf("output %q, want %q", b.Out.String(), want)
	}
}

// TestRedirectGRPCFilter: the built-in default holds grpc at error; DYN_LOG
// moves it, and V follows.
func TestRedirectGRPCFilter(t *testing.T) {
	for _, tc := range []struct {
		dynLog              string
		info, warning, errs bool
		v0, v1, v2          bool
	}{
		{"", false, false, true, false, false, false},
		{"trace", false, false, true, false, false, false}, // the built-in grpc=error is longer than the default
		{"grpc=warn", false, true, true, false, false, false},
		{"grpc=info", true, true, true, true, false, false},
		{"grpc=debug", true, true, true, true, true, false},
		{"grpc=trace", true, true, true, true, true, true},
		{"grpc=off", false, false, false, false, false, false},
	} {
		t.Run(tc.dynLog, func(t *testing.T) {
			vars := map[string]string{"DYN_LOGGING_JSONL": "1"}
			if tc.dynLog != "" {
				vars["DYN_LOG"] = tc.dynLog
			}
			b := coretest.Build(t, core.New, vars)
			defer bridge.RedirectGRPC(b.Log)()
			grpcTest.Info("info line")
			grpcTest.Warning("warning line")
			grpcTest.Error("error line")
			out := b.Out.String()
			for _, c := range []struct {
				what      string
				got, want bool
			}{
				{"info line", strings.Contains(out, "info line"), tc.info},
				{"warning line", strings.Contains(out, "warning line"), tc.warning},
				{"error line", strings.Contains(out, "error line"), tc.errs},
				{"V(0)", grpclog.V(0), tc.v0},
				{"V(1)", grpclog.V(1), tc.v1},
				{"V(2)", grpclog.V(2), tc.v2},
			} {
				if c.got != c.want {
					t.Errorf("%s: %v, want %v", c.what, c.got, c.want)
				}
			}
		})
	}
}

// TestRedirectGRPCTargetIgnoresLoggerName: the bridge's target is grpc
// whatever the name of the logger it was given, bound by filter.Named or
// not.
func TestRedirectGRPCTargetIgnoresLoggerName(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOG": "svc=off,grpc=warn"})
	for _, l := range []*zap.Logger{b.Log.Named("svc"), filter.Named(b.Log, "svc")} {
		b.Out.Reset()
		restore := bridge.RedirectGRPC(l)
		grpcTest.Warning("through a named logger")
		restore()
		lines := coretest.JSONLines(t, b.Out.String())
		if len(lines) != 1 || lines[0]["log.target"] != "grpc" {
			t.Errorf("logger %q: %s, want one line of target grpc", l.Name(), b.Out.String())
		}
	}
}

func TestRedirectGRPCFatal(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	defer bridge.RedirectGRPC(b.Log.WithOptions(zap.WithFatalHook(zapcore.WriteThenPanic)))()
	if p := recovered(func() { grpcTest.Fatalf("cannot %s", "go on") }); p == nil {
		t.Error("Fatal returned; want the fatal hook to end it")
	}
	lines := coretest.JSONLines(t, b.Out.String())
	if len(lines) != 1 || lines[0]["level"] != "ERROR" || lines[0]["message"] != "[bridge_test] cannot go on" {
		t.Errorf("output %s, want one ERROR line", b.Out.String())
	}
}

func TestRedirectGRPCRestore(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOG": "grpc=info"})
	outer := bridge.RedirectGRPC(b.Log)
	inner := bridge.RedirectGRPC(b.Log.With(zap.String("inner", "yes")))
	grpcTest.Warning("inner")
	inner()
	grpcTest.Warning("outer")
	outer()
	outer()                        // twice is once
	grpcTest.Warning("gRPC's own") // gRPC's default logger drops warnings
	want := "2026-01-02T03:04:05.656503Z  WARN grpc: [bridge_test] inner inner=\"yes\"\n" +
		"2026-01-02T03:04:05.656503Z  WARN grpc: [bridge_test] outer\n"
	if b.Out.String() != want {
		t.Errorf("output\n%s\nwant\n%s", b.Out.String(), want)
	}
}

// TestRedirectGRPCRestoreDefaults: the logger restore puts back prints as
// gRPC's variables say, as the Config read them: warnings, with
// GRPC_GO_LOG_SEVERITY_LEVEL=warning, in gRPC's own format.
func TestRedirectGRPCRestoreDefaults(t *testing.T) {
	b := coretest.Build(t, core.New, nil)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	saved := os.Stderr
	os.Stderr = w // the restored logger writes where os.Stderr was then
	bridge.RedirectGRPC(b.Log, bridge.WithGRPCDefaults(config.GRPC{Severity: "warning"}))()
	os.Stderr = saved
	// Afterwards, gRPC's default on the real stderr again.
	defer func() { bridge.RedirectGRPC(b.Log)() }()
	grpcTest.Warning("after restore")
	grpcTest.Info("not at warning")
	w.Close()
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	format := regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d WARNING: \[bridge_test\] after restore$`)
	if len(lines) != 1 || !format.MatchString(lines[0]) {
		t.Errorf("gRPC's restored logger wrote %q, want one WARNING line of gRPC's format", out)
	}
}
