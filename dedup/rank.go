package dedup

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Scope says on which processes of a distributed job a once-only line
// prints. The zero value is [Local], vLLM's default.
type Scope int

const (
	// Local prints on local rank 0 only: once per node.
	Local Scope = iota
	// Global prints on global rank 0 only: once per job.
	Global
	// Process prints on every process: once per process.
	Process
)

// String is vLLM's name for the scope: "local", "global" or "process".
func (s Scope) String() string {
	switch s {
	case Local:
		return "local"
	case Global:
		return "global"
	case Process:
		return "process"
	}
	return "Scope(" + strconv.Itoa(int(s)) + ")"
}

// Ranks is a process's place in a distributed job: its global rank among
// all processes and its local rank among those on its node, each with
// whether it is known. The zero Ranks knows neither, so every scope prints.
type Ranks struct {
	Global, Local           int
	GlobalKnown, LocalKnown bool
}

// Prints reports whether a once-only line of scope s prints on a process
// with these ranks. A rank that is not known lets its scope print, as vLLM
// does when it cannot tell; a scope other than the three counts as [Local].
func (r Ranks) Prints(s Scope) bool {
	switch s {
	case Process:
		return true
	case Global:
		return !r.GlobalKnown || r.Global == 0
	}
	return !r.LocalKnown || r.Local == 0
}

// rankVars are the launchers' variables, in the order they are read:
// torchrun, Open MPI, MPICH's PMI (no local rank), Slurm.
var rankVars = [...]struct{ global, local string }{
	{"RANK", "LOCAL_RANK"},
	{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_LOCAL_RANK"},
	{"PMI_RANK", ""},
	{"SLURM_PROCID", "SLURM_LOCALID"},
}

// RanksFromEnv reads the ranks from the launchers' variables through lookup
// (os.LookupEnv, or a test's map). The first launcher with either of its
// variables set (non-blank) decides both ranks: torchrun's RANK and
// LOCAL_RANK, then Open MPI's OMPI_COMM_WORLD_RANK and
// OMPI_COMM_WORLD_LOCAL_RANK, then PMI_RANK, then Slurm's SLURM_PROCID and
// SLURM_LOCALID. A variable of that launcher that is unset (PMI has no local
// rank) leaves its rank unknown. A global rank that is not a non-negative
// integer is unknown too; a local rank that is not one falls back to the
// global rank, as vLLM's is_local_first_rank does, so that once lines scoped
// [Local] print only on global rank 0 (or everywhere, when the global rank is
// unknown as well). Each such variable is reported in the errors, one
// error each, saying what was done. With none of the variables set, both
// ranks are 0, known. RanksFromEnv reads nothing else and keeps nothing:
// package core calls it with its own lookup and logs the errors.
func RanksFromEnv(lookup func(string) (string, bool)) (Ranks, []error) {
	if lookup == nil {
		return Ranks{GlobalKnown: true, LocalKnown: true}, nil
	}
	get := func(name string) (string, bool) {
		if name == "" {
			return "", false
		}
		v, ok := lookup(name)
		if !ok || strings.TrimSpace(v) == "" {
			return "", false
		}
		return v, true
	}
	for _, vars := range rankVars {
		gv, gok := get(vars.global)
		lv, lok := get(vars.local)
		if !gok && !lok {
			continue
		}
		var r Ranks
		var errs []error
		if gok {
			n, problem := parseRank(gv)
			if problem != "" {
				errs = append(errs, fmt.Errorf("dedup: %s=%q %s; treating the global rank as unknown (once lines scoped Global print)",
					vars.global, gv, problem))
			} else {
				r.Global, r.GlobalKnown = n, true
			}
		}
		if lok {
			n, problem := parseRank(lv)
			switch {
			case problem == "":
				r.Local, r.LocalKnown = n, true
			case r.GlobalKnown:
				r.Local, r.LocalKnown = r.Global, true
				errs = append(errs, fmt.Errorf("dedup: %s=%q %s; using the global rank (%s=%d) as the local rank (once lines scoped Local print only on global rank 0)",
					vars.local, lv, problem, vars.global, r.Global))
			default:
				errs = append(errs, fmt.Errorf("dedup: %s=%q %s and the global rank is unknown; treating the local rank as unknown (once lines scoped Local print)",
					vars.local, lv, problem))
			}
		}
		return r, errs
	}
	return Ranks{GlobalKnown: true, LocalKnown: true}, nil
}

// parseRank reads one rank variable; problem says what is wrong with it,
// "" when nothing is.
func parseRank(v string) (n int, problem string) {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	switch {
	case err != nil:
		return 0, "is not an integer"
	case n < 0:
		return 0, "is negative"
	}
	return n, ""
}

// override is what SetRanks set, nil when it was not called (or ResetRanks
// undid it). It is the package's one process-wide setting, and must be:
// a process has one place in its job, which SetRanks states for every
// once-only core and for the helpers on loggers without one, which have
// no option to take it from.
var override atomic.Pointer[Ranks]

// SetRanks states the process's ranks for the whole process: every once-only
// core and the helpers take these ranks from now on, whatever [WithRanks]
// says. A negative rank is unknown, so its scope prints. It is how the
// helpers on a logger without a once-only core learn the ranks:
//
//	r, _ := dedup.RanksFromEnv(os.LookupEnv)
//	dedup.SetRanks(r.Global, r.Local)
func SetRanks(global, local int) {
	override.Store(&Ranks{Global: global, Local: local, GlobalKnown: global >= 0, LocalKnown: local >= 0})
}

// ResetRanks undoes [SetRanks]: ranks come from [WithRanks] again, else
// from the process environment.
func ResetRanks() { override.Store(nil) }

// ranksFor is the ranks in force for a core configured with r (nil: none
// given): SetRanks, else r, else the process environment's.
func ranksFor(r *Ranks) Ranks {
	if o := override.Load(); o != nil {
		return *o
	}
	if r != nil {
		return *r
	}
	return processRanks()
}

// processRanks are the launchers' ranks in the process environment, read
// the first time a core without WithRanks, or a helper on a logger without
// a once-only core, needs them: the one environment read of this package,
// so that a once-only line used without package core still prints on rank
// 0 alone, as the launcher set the ranks. Package core reads the same
// variables with its settings and passes them with WithRanks, so its
// loggers never come here. Its errors go to stderr, once.
var processRanks = sync.OnceValue(func() Ranks {
	r, errs := RanksFromEnv(os.LookupEnv)
	for _, err := range errs {
		fmt.Fprintln(os.Stderr, err)
	}
	return r
})
