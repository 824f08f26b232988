// Package dedup prints a line once: vLLM's logger.info_once and its
// siblings for zap, exact, with bounded memory and rank scope for
// multi-GPU jobs.
//
// Mark a line with [Once], or call one of the helpers:
//
//	log, _ := core.New() // installs the once-only core
//	log.Warn("falling back to the slow kernel", dedup.Once())
//	dedup.InfoOnce(log, "weights loaded", zap.Int("shards", 8))
//	dedup.WarnOnce(log, "NCCL is slow on this node", dedup.Once(dedup.Global))
//
// The first line with a given key prints; later ones never do, across all
// goroutines and every logger derived from the same one (With, Named). Plain
// lines are untouched. [github.com/dynlog/dynlog/core.New] and
// [github.com/dynlog/dynlog/core.NewVLLM] install the core; with zap alone,
// wrap a core with [NewCore].
//
// # Which lines count as the same
//
// A line's key is its logger name, level, message and fields, in the order
// the call gives them. Left out: the [Once] marker, zap.Skip() fields, the
// span field [github.com/dynlog/dynlog/tracing.Ctx] adds (it differs per
// request, the line does not) and the fields given to With (a request-scoped
// logger would otherwise print the line again for every request). Values
// count by what they are: numbers by their bits, strings by their bytes,
// errors by their Error() text, objects and arrays by what their marshalers
// write. Two lines that differ in any of these are two keys, never confused,
// whatever their hashes.
//
// # Scope: which processes print
//
// Once([Local]), the default as in vLLM, prints on local rank 0 only;
// Once([Global]) on global rank 0 only; Once([Process]) on every process,
// once each. The ranks come from [SetRanks], else from the core's
// [WithRanks], else (a core without it, the helpers on a logger without a
// once-only core) from the process environment, read once. [RanksFromEnv]
// reads the launchers' variables through the lookup it is given — torchrun's RANK and LOCAL_RANK, Open MPI's OMPI_COMM_WORLD_RANK
// and OMPI_COMM_WORLD_LOCAL_RANK, MPICH's PMI_RANK, Slurm's SLURM_PROCID and
// SLURM_LOCALID, the first launcher with one set deciding — else 0, and
// [github.com/dynlog/dynlog/core.New] passes its result, from the
// environment its settings read, with WithRanks. A rank that is unknown
// (not set, or not a non-negative integer) lets its scope print, as vLLM
// does when it cannot tell; a local rank that does not parse falls back to
// the global rank, as vLLM's is_local_first_rank does. Package core reports
// each bad value once, as a WARN line of the logger it builds (logger name
// "dynlog.dedup").
//
// # Memory
//
// The cache keeps at most [DefaultCap] keys ([WithCap]) whose bytes take at
// most [DefaultMaxKeyBytes] ([WithMaxKeyBytes]): past either bound the oldest keys
// are forgotten, first in first out, and a forgotten line prints again the
// next time it is logged. Within both bounds nothing is forgotten (vLLM's
// cache forgets after 128 keys). A full cache of typical keys takes about
// 7.3 MiB, and whatever the keys at most 11 MiB; a key longer than the byte
// bound is never remembered and prints every time. Lines below the level,
// or dropped by a filter, never enter the cache.
//
// # Helpers or Once
//
// [DebugOnce], [InfoOnce], [WarnOnce] and [ErrorOnce] look the key up before
// zap reads the clock and finds the caller, so a repeated call costs a lookup
// and allocates nothing; the line's file and line are the helper's caller. A
// [Once] field on an ordinary call works too, but pays zap's Check first:
// prefer the helpers on hot paths. The helpers find the once-only core's
// memory in O(1): the filter, once-only and tracing cores each hold what
// the cores inside them hold, so l.Core() answers, or one Unwrap step in
// from a core of the module around it. Behind a wrapper that hides them
// (zap's hooked and sampler cores, a tee, zap.WithLazy, a
// [go.uber.org/zap.WrapCore] wrapper), and on a plain zap logger, they ask
// through l.Core()'s Check, which every wrapper hands down, never by a walk
// of the cores: that costs about what a rejected call does, and a few bytes
// when a core of zap's answers the question by adding itself. Without a
// once-only core the helpers keep their promise with a process-wide cache;
// a [Once] field on a plain zap logger does nothing and the line prints
// every time.
//
// # Zap's Core contract
//
// The once-only core decides at Write, where zap shows it the fields: its
// Check adds it for every level the inner core is enabled for. What it
// prints it hands to the tracing core inside by a method call, or else to
// the inner core's Check, so that the inner core's own decisions (a
// sampler, a tee member with a level of its own) hold as they would
// without it, and a line meets one nested checked entry at most, the
// sink's. It returns the inner cores' write errors for zap to report to the
// logger's ErrorOutput. A line it suppresses never reaches the inner core.
//
// # Process-wide state
//
// Three values are global, and must be: what [SetRanks] states, since a
// process has one place in its job and the helpers on a logger without a
// once-only core have no option to take it from; the ranks of the process
// environment, read once, for the same helpers and cores built without
// [WithRanks]; and those helpers' cache, since such a logger has nowhere
// to keep one. Everything else is held by
// the core and shared by the loggers derived from it.
package dedup
