package core_test

import (
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/core/internal/coretest"
	"github.com/dynlog/dynlog/dedup"
	"go.uber.org/zap"
)

// TestPresetsInstallDedup: both presets put the once-only core in, with the
// ranks of the variables they are given (WithEnv), and report a rank that
// does not parse in a WARN line of their own layout, logger dynlog.dedup,
// never on the error output.
func TestPresetsInstallDedup(t *testing.T) {
	for _, tc := range []struct {
		name      string
		newLogger func(...core.Option) (*zap.Logger, error)
		vars      map[string]string
		want      string // which scopes print: P, G, L
		report    string // in the output
	}{
		{"New, rank 0", core.New, nil, "PGL", ""},
		{"New, torchrun rank 3 local 1", core.New, map[string]string{"RANK": "3", "LOCAL_RANK": "1"}, "P", ""},
		{"New, SLURM 5/0", core.New, map[string]string{"SLURM_PROCID": "5", "SLURM_LOCALID": "0"}, "PL", ""},
		{"NewVLLM, rank 3 local 0", core.NewVLLM, map[string]string{"RANK": "3", "LOCAL_RANK": "0"}, "PL", ""},
		{"New, RANK=x", core.New, map[string]string{"RANK": "x", "LOCAL_RANK": "1"}, "PG",
			"2026-01-02T03:04:05.656503Z  WARN dynlog.dedup: dedup: RANK=\"x\" is not an integer; treating the global rank as unknown (once lines scoped Global print)\n"},
		{"New, LOCAL_RANK=x falls back to RANK=2", core.New, map[string]string{"RANK": "2", "LOCAL_RANK": "x"}, "P",
			"2026-01-02T03:04:05.656503Z  WARN dynlog.dedup: dedup: LOCAL_RANK=\"x\" is not an integer; using the global rank (RANK=2) as the local rank (once lines scoped Local print only on global rank 0)\n"},
		{"NewVLLM, LOCAL_RANK=x falls back to RANK=0", core.NewVLLM, map[string]string{"RANK": "0", "LOCAL_RANK": "x"}, "PGL",
			"WARNING 01-02 03:04:05 [f] dedup: LOCAL_RANK=\"x\" is not an integer; using the global rank (RANK=0) as the local rank (once lines scoped Local print only on global rank 0)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := coretest.Build(t, tc.newLogger, tc.vars)
			for range 3 {
				dedup.InfoOnce(b.Log, "process", dedup.Once(dedup.Process))
				b.Log.Info("global", dedup.Once(dedup.Global))
				dedup.WarnOnce(b.Log, "local")
			}
			got := ""
			for _, s := range []struct{ msg, letter string }{{"process", "P"}, {"global", "G"}, {"local", "L"}} {
				switch n := strings.Count(b.Out.String(), " "+s.msg+"\n"); n {
				case 0:
				case 1:
					got += s.letter
				default:
					t.Errorf("%q printed %d times", s.msg, n)
				}
			}
			if got != tc.want {
				t.Errorf("scopes printed %q, want %q; output:\n%s", got, tc.want, b.Out.String())
			}
			// The vLLM layout shows the call of the preset (the build helper's).
			if !strings.HasPrefix(callerInBrackets.ReplaceAllString(b.Out.String(), "[f]"), tc.report) || tc.report == "" && strings.Contains(b.Out.String(), "dynlog.dedup") {
				t.Errorf("output %q, want it to start with the report %q", b.Out.String(), tc.report)
			}
			if b.Err.Len() != 0 {
				t.Errorf("error output %q, want nothing", b.Err.String())
			}
		})
	}
}
