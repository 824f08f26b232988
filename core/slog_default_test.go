package core_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/bridge"
	"github.com/dynlog/dynlog/core/internal/coretest"
)

// initSlogChild is the child process of TestInitSlog: a program that calls
// Init, then logs through slog's default and the log package. On stdout it
// prints the file and line of its first call and whether slog's default is
// enabled at DEBUG.
func initSlogChild() {
	core.Init()
	file, line := coretest.Here()
	slog.Info("from slog")
	log.Print("from log")
	slog.Debug("debug from slog")
	slog.Debug("debug to the router", core.Target("app::router"))
	fmt.Printf("%s\n%d\n%v\n", file, line, slog.Default().Enabled(context.Background(), slog.LevelDebug))
	if err := core.Shutdown(context.Background()); err != nil {
		os.Exit(4)
	}
	os.Exit(0)
}

// TestInitSlog runs a real process through Init: slog.Info prints the
// program's own line (file and line of the call, the calling package as the
// target), log.Print a bridged record, and DYN_LOG decides slog's DEBUG
// lines by the calling package, or by the target core.Target gives the
// call. Enabled says whether DYN_LOG prints DEBUG for any target.
func TestInitSlog(t *testing.T) {
	for _, tc := range []struct {
		dynLog              string
		enabled             bool
		ownDebug, routerDbg bool // which of the two DEBUG lines print
	}{
		{"info", false, false, false},
		{"info," + thisTarget + "=debug", true, true, false},
		{"info,app::router=debug", true, false, true},
		{"debug," + thisTarget + "=info", true, false, true},
	} {
		t.Run(tc.dynLog, func(t *testing.T) {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "DYNLOG_INIT_CHILD=slog", "DYN_LOGGING_JSONL=1", "DYN_LOG="+tc.dynLog)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("child: %v\n%s", err, stderr.String())
			}
			var childFile, enabled string
			var line int
			if _, err := fmt.Sscan(stdout.String(), &childFile, &line, &enabled); err != nil {
				t.Fatalf("child's stdout %q: %v", stdout.String(), err)
			}
			if file, _ := coretest.Here(); childFile != file {
				t.Fatalf("child's file %s, want %s", childFile, file)
			}
			if enabled != fmt.Sprint(tc.enabled) {
				t.Errorf("slog.Default().Enabled(DEBUG) = %s, want %v", enabled, tc.enabled)
			}

			// Init's own line comes first; the program's follow.
			init, rest, _ := strings.Cut(stderr.String(), "\n")
			if !strings.Contains(init, `"message":"OpenTelemetry OTLP export disabled, traces local only"`) {
				t.Errorf("first line %s, want Init's tracing line", init)
			}
			want := fmt.Sprintf(`{"time":"T","level":"INFO","file":"%[1]s","line":%[2]d,"target":"%[3]s","message":"from slog"}
{"time":"T","level":"INFO","target":"log","message":"from log","log.file":"%[1]s","log.line":%[4]d,"log.target":"%[3]s"}
`, childFile, line+1, thisTarget, line+2)
			if tc.ownDebug {
				want += fmt.Sprintf(`{"time":"T","level":"DEBUG","file":"%s","line":%d,"target":"%s","message":"debug from slog"}
`, childFile, line+3, thisTarget)
			}
			if tc.routerDbg {
				want += fmt.Sprintf(`{"time":"T","level":"DEBUG","file":"%s","line":%d,"target":"app::router","message":"debug to the router"}
`, childFile, line+4)
			}
			if got := jsonTime.ReplaceAllString(rest, `"time":"T"`); got != want {
				t.Errorf("output\n%s\nwant\n%s", got, want)
			}
		})
	}
}

// TestSetSlogDefault: slog's top-level functions print the program's own
// lines; the log package keeps its output and flags, RedirectStdLog's
// bridge included; restore puts slog's default back.
func TestSetSlogDefault(t *testing.T) {
	b := coretest.Build(t, core.New, map[string]string{"DYN_LOGGING_JSONL": "1"})
	prev, w, flags := slog.Default(), log.Writer(), log.Flags()
	restore := core.SetSlogDefault(b.Log)
	if log.Writer() != w || log.Flags() != flags {
		t.Errorf("SetSlogDefault changed the log package's output or flags")
	}
	file, line := coretest.Here()
	slog.Info("from slog", "n", 1)
	slog.Debug("not at the default level")
	restore()
	if slog.Default() != prev || log.Writer() != w || log.Flags() != flags {
		t.Errorf("slog's default or the log package not restored")
	}
	want := fmt.Sprintf(`{"time":"T","level":"INFO","file":"%s","line":%d,"target":"%s","message":"from slog","n":1}
`, file, line+1, thisTarget)
	if got := jsonTime.ReplaceAllString(b.Out.String(), `"time":"T"`); got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}

	b.Out.Reset()
	restoreStd := bridge.RedirectStdLog(b.Log)
	bridged := log.Writer()
	restore = core.SetSlogDefault(b.Log)
	if log.Writer() != bridged || log.Flags() != log.Llongfile {
		t.Errorf("SetSlogDefault replaced RedirectStdLog's bridge")
	}
	file, line = coretest.Here()
	log.Printf("from log %d", 1)
	slog.Info("from slog")
	restore()
	restoreStd()
	if slog.Default() != prev || log.Writer() != w || log.Flags() != flags {
		t.Errorf("slog's default or the log package not restored")
	}
	want = fmt.Sprintf(`{"time":"T","level":"INFO","target":"log","message":"from log 1","log.file":"%[1]s","log.line":%[2]d,"log.target":"%[3]s"}
{"time":"T","level":"INFO","file":"%[1]s","line":%[4]d,"target":"%[3]s","message":"from slog"}
`, file, line+1, thisTarget, line+2)
	if got := jsonTime.ReplaceAllString(b.Out.String(), `"time":"T"`); got != want {
		t.Errorf("output\n%s\nwant\n%s", got, want)
	}
}
