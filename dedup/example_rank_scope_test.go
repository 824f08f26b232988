package dedup_test

import (
	"fmt"
	"os"

	"github.com/dynlog/dynlog/dedup"
	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// env is a process environment for the examples: package core passes
// its own (core.WithEnv) to RanksFromEnv.
type env map[string]string

func (e env) lookup(name string) (string, bool) {
	v, ok := e[name]
	return v, ok
}

// rankLogger prints bare messages to stdout through a once-only core with
// the given ranks.
func rankLogger(r dedup.Ranks) *zap.Logger {
	inner := zapcore.NewCore(encoder.NewVLLM(encoder.WithBareMessages()), zapcore.AddSync(os.Stdout), zapcore.DebugLevel)
	return zap.New(dedup.NewCore(inner, dedup.WithRanks(r)))
}

// A torchrun worker with global rank 3, local rank 0: the first process of
// its node, not of the job. Each scope's line prints at most once; the
// Global one not at all here, since global rank 0 prints it. Plain lines are
// never rank-gated.
func Example_rankScope() {
	ranks, _ := dedup.RanksFromEnv(env{"RANK": "3", "LOCAL_RANK": "0"}.lookup)
	log := rankLogger(ranks)
	for range 3 {
		log.Info("process: once in every process", dedup.Once(dedup.Process))
		log.Info("global: once in the job, on global rank 0", dedup.Once(dedup.Global))
		log.Info("local: once per node, on local rank 0", dedup.Once()) // Local is the default
	}
	dedup.InfoOnce(log, "the helpers scope the same way", dedup.Once(dedup.Global))
	dedup.InfoOnce(log, "helper, local scope")
	log.Info("a plain line prints every time")
	// Output:
	// process: once in every process
	// local: once per node, on local rank 0
	// helper, local scope
	// a plain line prints every time
}

// Open MPI and Slurm ranks are read too, in the documented order; a rank that
// does not parse is reported, and its scope prints, as vLLM does when it
// cannot tell.
func ExampleRanksFromEnv() {
	for _, e := range []env{
		{},
		{"OMPI_COMM_WORLD_RANK": "2", "OMPI_COMM_WORLD_LOCAL_RANK": "0"},
		{"SLURM_PROCID": "5", "SLURM_LOCALID": "1"},
		{"RANK": "x", "LOCAL_RANK": "1"},
	} {
		r, errs := dedup.RanksFromEnv(e.lookup)
		fmt.Printf("%v: process %v, global %v, local %v\n", map[string]string(e),
			r.Prints(dedup.Process), r.Prints(dedup.Global), r.Prints(dedup.Local))
		for _, err := range errs {
			fmt.Println(err)
		}
	}
	// Output:
	// map[]: process true, global true, local true
	// map[OMPI_COMM_WORLD_LOCAL_RANK:0 OMPI_COMM_WORLD_RANK:2]: process true, global false, local true
	// map[SLURM_LOCALID:1 SLURM_PROCID:5]: process true, global false, local false
	// map[LOCAL_RANK:1 RANK:x]: process true, global true, local false
	// dedup: RANK="x" is not an integer; treating the global rank as unknown (once lines scoped Global print)
}

// SetRanks overrides whatever the cores were given, for the whole process,
// until ResetRanks: here global rank 0 on a node's second process.
func ExampleSetRanks() {
	defer dedup.ResetRanks()
	log := rankLogger(dedup.Ranks{GlobalKnown: true, LocalKnown: true}) // rank 0 as built
	dedup.SetRanks(0, 1)
	for range 2 {
		log.Info("process", dedup.Once(dedup.Process))
		log.Info("global", dedup.Once(dedup.Global))
		log.Info("local", dedup.Once(dedup.Local))
	}
	// Output:
	// process
	// global
}
