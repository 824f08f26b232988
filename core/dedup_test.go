package core_test

import (
	"strings"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/dedup"
	"go.uber.org/zap"
)

// TestPresetsInstallDedup: both presets put the once-only core in, with the
// ranks of the variables they are given (WithEnv), and report a rank that
// does not parse.
func TestPresetsInstallDedup(t *testing.T) {
	for _, tc := range []struct {
		name      string
		newLogger func(...core.Option) (*zap.Logger, error)
		vars      map[string]string
		want      string // which scopes print: P, G, L
		wantErr   string
	}{
		{"New, rank 0", core.New, nil, "PGL", ""},
		{"New, torchrun rank 3 local 1", core.New, map[string]string{"RANK": "3", "LOCAL_RANK": "1"}, "P", ""},
		{"New, SLURM 5/0", core.New, map[string]string{"SLURM_PROCID": "5", "SLURM_LOCALID": "0"}, "PL", ""},
		{"NewVLLM, rank 3 local 0", core.NewVLLM, map[string]string{"RANK": "3", "LOCAL_RANK": "0"}, "PL", ""},
		{"New, RANK=x", core.New, map[string]string{"RANK": "x", "LOCAL_RANK": "1"}, "PG", `dedup: RANK="x" is not an integer`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := build(t, tc.newLogger, tc.vars)
			for range 3 {
				dedup.InfoOnce(b.log, "process", dedup.Once(dedup.Process))
				b.log.Info("global", dedup.Once(dedup.Global))
				dedup.WarnOnce(b.log, "local")
			}
			got := ""
			for _, s := range []struct{ msg, letter string }{{"process", "P"}, {"global", "G"}, {"local", "L"}} {
				switch n := strings.Count(b.out.String(), " "+s.msg+"\n"); n {
				case 0:
				case 1:
					got += s.letter
				default:
					t.Errorf("%q printed %d times", s.msg, n)
				}
			}
			if got != tc.want {
				t.Errorf("scopes printed %q, want %q; output:\n%s", got, tc.want, b.out.String())
			}
			if tc.wantErr != "" && !strings.Contains(b.err.String(), tc.wantErr) || tc.wantErr == "" && b.err.Len() != 0 {
				t.Errorf("error output %q, want %q", b.err.String(), tc.wantErr)
			}
		})
	}
}
