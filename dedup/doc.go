// Package dedup gives zap vLLM's once-only lines (logger.info_once and its
// siblings) with exact memory and rank scope: a line marked
// with Once prints the first time its key is seen and never again, across
// all goroutines and every logger derived from the same one.
//
//	log := zap.New(filter.NewCore(dedup.NewCore(inner), f)) // core.New builds this
//	log.Warn("falling back to the slow kernel", dedup.Once())
//	dedup.InfoOnce(log, "weights loaded", zap.Int("shards", 8), dedup.Once(dedup.Global))
//
// # The key
//
// A line's key is its logger name, level, message and fields, the fields
// in the order the call gives them: the same fields in another order make
// another key. Left out are the Once marker itself, zap.Skip() fields, the
// spans field that tracing.Ctx adds (the trace context differs per request;
// the line does not), and the fields given to the logger's With: a core
// cannot see them apart from the rest of its context, the helpers could
// not look the key up before zap's Check if they counted, and a
// request-scoped logger would print the line again for every request.
//
// Values count by what they are: numbers by their bits, strings and byte
// slices by their bytes, times by instant and zone, errors by their Error()
// text (not the Verbose or Causes that zap's own encoders add, where a
// stack trace would make every call a new line), objects and arrays by what
// their marshalers write, in order, and zap.Any of other values by their
// encoding/json form (%#v when that fails). So an ObjectMarshaler that
// writes in a varying order (ranging over a map) makes varying keys. The
// encoding gives every token its type and length, so two lines that differ
// in any of these never share a key, and the cache compares a key's full
// bytes, never just its hash.
//
// # Scope and ranks
//
// Once(Local), the default as in vLLM, prints on local rank 0 only;
// Once(Global) on global rank 0 only; Once(Process) on every process, once
// each. A line its scope rules out on this process is dropped without
// entering the cache. Plain lines are never rank-gated.
//
// The ranks are, first to last: those of SetRanks, process-wide; those
// given to NewCore with WithRanks (package core reads them with
// RanksFromEnv from the environment it was given); those of the process
// environment, read the first time they are needed, for a core built
// without WithRanks and for the helpers on a logger without a once-only
// core. From an environment, the first launcher with a variable set
// decides: torchrun's RANK and LOCAL_RANK, Open MPI's OMPI_COMM_WORLD_RANK
// and OMPI_COMM_WORLD_LOCAL_RANK, MPICH's PMI_RANK, Slurm's SLURM_PROCID
// and SLURM_LOCALID; with none set, both ranks are 0. A rank the launcher
// does not set (PMI has no local rank), or a global rank it sets to
// something that is not a non-negative integer, is unknown, and a scope
// whose rank is unknown prints, as vLLM does when it cannot tell. A local
// rank that is not a non-negative integer falls back to the global rank,
// as vLLM's is_local_first_rank does: Local lines then print only on global
// rank 0. Each bad value is reported once, naming the variable and what was
// done: by package core as a WARN line of the logger it builds (logger
// name "dynlog.dedup"), and on stderr for the process environment read
// without a logger.
//
// # Memory
//
// The cache holds at most DefaultCap keys (WithCap), whose bytes take at
// most DefaultMaxBytes (WithMaxBytes). Past either bound the oldest keys
// are forgotten, first in first out (a key that keeps being hit is not
// kept longer), and a forgotten line prints again the next time it is
// logged; within both bounds nothing is forgotten. A key too long for the
// byte bound is never remembered and prints every time. So no stream of
// distinct lines, however long or many, grows the cache past its bounds.
//
// A key costs its own bytes (logger name, message and fields, with a byte
// or two of length and type each) plus 52: a 4-byte length, a 16-byte ring
// entry (where the bytes are, and the hash) and four 8-byte slots of the
// hash table (rebuilt a quarter full, rebuilt again at half). A full cache
// of typical keys (a 20-byte logger name and a 40-byte message: 62-byte
// keys, 116 bytes each in all) takes 7.3 MiB; whatever the keys, at most
// DefaultMaxBytes + DefaultCap × 48 bytes, 11 MiB. Those are the live
// bytes, after a garbage collection: a rebuild briefly holds two tables,
// and chunks and tables let go wait for the collector. The keys' bytes live
// in chunks of 64 KiB that are never reused (the collector takes a chunk
// once all its keys are forgotten), and nothing holds a pointer per key,
// so the collector does not scan them. Lines below the level, or dropped
// by a filter, never enter the cache.
//
// Lookups take no lock and write nothing shared, so goroutines repeating a
// suppressed line do not contend; inserts take one mutex per cache, and
// forgetting a key touches only the ring.
//
// # Placement
//
// The core sits between the filter and the tracing core. zap
// shows a core a line's fields only at Write, so the once-only core cannot
// decide in Check: it adds itself for every level its inner core is
// enabled for, and at Write scans the fields for the marker (a plain line
// goes straight on), checks the scope, builds the key, inserts it (of two
// goroutines racing with the same key exactly one wins; the other drops
// its line) and writes the fields without the marker. Its inner core must
// therefore be one whose Check accepts what its Enabled does: zap's
// ioCore, the tracing core, a Tee of those, as core.New builds it. Level
// gates go outside it. The core has Unwrap and Level, and loggers derived
// with With or Named share its cache.
//
// # The marker
//
// Once returns a zapcore.SkipType field, which every encoder, zap's and
// package encoder's, writes nothing for, told apart from zap.Skip() by an
// unexported value. Without a once-only core the marker does nothing and
// the line prints every time. Given to With it marks nothing.
//
// # The helpers
//
// DebugOnce, InfoOnce, WarnOnce and ErrorOnce log once at their level, with
// their own caller as the line's file and line; a Once marker among their
// fields sets the scope. They look the key up before zap's Check, which
// reads the clock and finds the caller: a call whose line has printed
// costs the key and a lookup, and allocates nothing. The once-only core is
// found through l.Core() and the cores around it: their Unwrap methods (the
// filter core's), zap's hooked and sampler cores, a zap.WrapCore wrapper
// that embeds a zapcore.Core, a tee. For a logger without one the helpers keep their promise
// with a process-wide cache of the default bounds, ranked by SetRanks or
// the process environment. A Once field on an ordinary call works as well
// but pays zap's Check, caller lookup included, before the core can look:
// prefer the helpers on hot paths.
package dedup
