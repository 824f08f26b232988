package dedup

import (
	"strings"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

func mapEnv(kv ...string) func(string) (string, bool) {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func known(g, l int) Ranks { return Ranks{Global: g, Local: l, GlobalKnown: true, LocalKnown: true} }

func TestRanksFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want Ranks
		errs []string
	}{
		{"no env", nil, known(0, 0), nil},
		{"torchrun", []string{"RANK", "3", "LOCAL_RANK", "1"}, known(3, 1), nil},
		{"torchrun first", []string{"RANK", "3", "LOCAL_RANK", "1", "OMPI_COMM_WORLD_RANK", "0", "SLURM_PROCID", "0", "SLURM_LOCALID", "0"}, known(3, 1), nil},
		{"open mpi", []string{"OMPI_COMM_WORLD_RANK", "2", "OMPI_COMM_WORLD_LOCAL_RANK", "0"}, known(2, 0), nil},
		{"pmi", []string{"PMI_RANK", "4", "SLURM_LOCALID", "0"}, Ranks{Global: 4, GlobalKnown: true}, nil},
		{"slurm", []string{"SLURM_PROCID", "5", "SLURM_LOCALID", "1"}, known(5, 1), nil},
		{"spaces", []string{"RANK", " 7 ", "LOCAL_RANK", "\t2\n"}, known(7, 2), nil},
		{"blank is unset", []string{"RANK", "  ", "LOCAL_RANK", "", "SLURM_PROCID", "5", "SLURM_LOCALID", "1"}, known(5, 1), nil},
		{"local only", []string{"LOCAL_RANK", "0"}, Ranks{LocalKnown: true}, nil},
		{"global only", []string{"RANK", "3"}, Ranks{Global: 3, GlobalKnown: true}, nil},
		{"not an integer", []string{"RANK", "x", "LOCAL_RANK", "0", "SLURM_PROCID", "0"}, Ranks{LocalKnown: true}, []string{
			`dedup: RANK="x" is not an integer; treating the global rank as unknown (once lines scoped Global print)`,
		}},
		{"both bad", []string{"OMPI_COMM_WORLD_RANK", "1.5", "OMPI_COMM_WORLD_LOCAL_RANK", "-1"}, Ranks{}, []string{
			`dedup: OMPI_COMM_WORLD_RANK="1.5" is not an integer; treating the global rank as unknown (once lines scoped Global print)`,
			`dedup: OMPI_COMM_WORLD_LOCAL_RANK="-1" is negative and the global rank is unknown; treating the local rank as unknown (once lines scoped Local print)`,
		}},
		// A local rank that does not parse falls back to the global rank,
		// as vLLM's is_local_first_rank does.
		{"LOCAL_RANK=x, RANK=0", []string{"RANK", "0", "LOCAL_RANK", "x"}, known(0, 0), []string{
			`dedup: LOCAL_RANK="x" is not an integer; using the global rank (RANK=0) as the local rank (once lines scoped Local print only on global rank 0)`,
		}},
		{"LOCAL_RANK=x, RANK=2", []string{"RANK", "2", "LOCAL_RANK", "x"}, known(2, 2), []string{
			`dedup: LOCAL_RANK="x" is not an integer; using the global rank (RANK=2) as the local rank (once lines scoped Local print only on global rank 0)`,
		}},
		{"negative local falls back too", []string{"SLURM_PROCID", "5", "SLURM_LOCALID", "-2"}, known(5, 5), []string{
			`dedup: SLURM_LOCALID="-2" is negative; using the global rank (SLURM_PROCID=5) as the local rank (once lines scoped Local print only on global rank 0)`,
		}},
		{"LOCAL_RANK=x without RANK", []string{"LOCAL_RANK", "x"}, Ranks{}, []string{
			`dedup: LOCAL_RANK="x" is not an integer and the global rank is unknown; treating the local rank as unknown (once lines scoped Local print)`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, errs := RanksFromEnv(mapEnv(tt.env...))
			if got != tt.want {
				t.Errorf("ranks %+v, want %+v", got, tt.want)
			}
			var msgs []string
			for _, err := range errs {
				msgs = append(msgs, err.Error())
			}
			if strings.Join(msgs, "\n") != strings.Join(tt.errs, "\n") {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(msgs, "\n"), strings.Join(tt.errs, "\n"))
			}
		})
	}
	if got, errs := RanksFromEnv(nil); got != known(0, 0) || errs != nil {
		t.Errorf("RanksFromEnv(nil) = %+v, %v", got, errs)
	}
}

// The scope table: which of Process, Global and Local print,
// logged through a once-only core.
func TestScopeTable(t *testing.T) {
	t.Cleanup(ResetRanks)
	tests := []struct {
		name     string
		env      []string
		setRanks []int // SetRanks(global, local) when set
		want     string
	}{
		{"no env", nil, nil, "process global local"},
		{"RANK=0 LOCAL_RANK=0", []string{"RANK", "0", "LOCAL_RANK", "0"}, nil, "process global local"},
		{"RANK=3 LOCAL_RANK=0", []string{"RANK", "3", "LOCAL_RANK", "0"}, nil, "process local"},
		{"RANK=3 LOCAL_RANK=1", []string{"RANK", "3", "LOCAL_RANK", "1"}, nil, "process"},
		{"OMPI 2/0", []string{"OMPI_COMM_WORLD_RANK", "2", "OMPI_COMM_WORLD_LOCAL_RANK", "0"}, nil, "process local"},
		{"SLURM 5/1", []string{"SLURM_PROCID", "5", "SLURM_LOCALID", "1"}, nil, "process"},
		{"RANK=x", []string{"RANK", "x"}, nil, "process global local"},
		{"RANK=0 LOCAL_RANK=x", []string{"RANK", "0", "LOCAL_RANK", "x"}, nil, "process global local"},
		{"RANK=2 LOCAL_RANK=x", []string{"RANK", "2", "LOCAL_RANK", "x"}, nil, "process"},
		{"RANK=x LOCAL_RANK=x", []string{"RANK", "x", "LOCAL_RANK", "x"}, nil, "process global local"},
		{"SetRanks(0, 1)", []string{"RANK", "3", "LOCAL_RANK", "0"}, []int{0, 1}, "process global"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ResetRanks()
			if tt.setRanks != nil {
				SetRanks(tt.setRanks[0], tt.setRanks[1])
			}
			r, _ := RanksFromEnv(mapEnv(tt.env...))
			log, buf := bareLogger(WithRanks(r))
			for range 2 {
				log.Info("process", Once(Process))
				log.Info("global", Once(Global))
				log.Info("local", Once(Local))
				log.Info("plain")
			}
			lines := buf.Lines()
			if count(lines, "plain") != 2 {
				t.Errorf("plain lines: %d, want 2", count(lines, "plain"))
			}
			var once []string
			for _, l := range lines {
				if l != "plain" {
					once = append(once, l)
				}
			}
			if got := strings.Join(once, " "); got != tt.want {
				t.Errorf("printed %q, want %q", got, tt.want)
			}
			// The helpers decide the same way, and say so before Check.
			log, buf = bareLogger(WithRanks(r))
			InfoOnce(log, "process", Once(Process))
			InfoOnce(log, "global", Once(Global))
			InfoOnce(log, "local")
			if got := strings.Join(buf.Lines(), " "); got != tt.want {
				t.Errorf("helpers printed %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPrints(t *testing.T) {
	tests := []struct {
		r                      Ranks
		process, global, local bool
	}{
		{Ranks{}, true, true, true},
		{known(0, 0), true, true, true},
		{known(3, 0), true, false, true},
		{known(0, 1), true, true, false},
		{known(3, 1), true, false, false},
		{Ranks{Global: 3, GlobalKnown: true}, true, false, true},
	}
	for _, tt := range tests {
		if got := [3]bool{tt.r.Prints(Process), tt.r.Prints(Global), tt.r.Prints(Local)}; got != [3]bool{tt.process, tt.global, tt.local} {
			t.Errorf("%+v: Process/Global/Local print %v", tt.r, got)
		}
	}
	if !known(0, 1).Prints(Global) || known(0, 1).Prints(Scope(42)) {
		t.Error("an unknown scope does not count as Local")
	}
}

func TestSetRanksWins(t *testing.T) {
	t.Cleanup(ResetRanks)
	log, buf := bareLogger(WithRanks(known(0, 0)))
	SetRanks(1, 1)
	log.Info("local", Once())
	SetRanks(-1, -1) // unknown: prints
	log.Info("local", Once())
	log.Info("local", Once())
	ResetRanks()
	if got := ranksFor(&Ranks{Global: 9}); got != (Ranks{Global: 9}) {
		t.Errorf("after ResetRanks: %+v, want the core's own", got)
	}
	if got := buf.Lines(); len(got) != 1 {
		t.Errorf("got %q, want one line (dropped on rank 1, printed once when unknown)", got)
	}
}

func TestScopeString(t *testing.T) {
	for s, want := range map[Scope]string{Local: "local", Global: "global", Process: "process", Scope(7): "Scope(7)"} {
		if got := s.String(); got != want {
			t.Errorf("%d: %q, want %q", int(s), got, want)
		}
	}
	if Once().Integer != int64(Local) || Once(Global, Process).Integer != int64(Global) {
		t.Error("Once's scope: want Local by default, the first one given otherwise")
	}
	if f := Once(); f.Type != zapcore.SkipType || f.Key != "" {
		t.Errorf("Once() = %+v, want a SkipType field", f)
	}
	if isMarker(&zap.Field{Type: zapcore.SkipType}) {
		t.Error("zap.Skip() taken for the marker")
	}
}
