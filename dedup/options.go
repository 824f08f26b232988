package dedup

// DefaultCap is the number of keys a once-only core remembers unless
// [WithCap] says otherwise: room for every once-only line a real service has,
// many times over. A key costs 52 bytes besides its own length (logger name,
// message and fields, plus a byte or two per part); a full cache of typical
// keys (a 20-byte logger name, a 40-byte message: 116 bytes a key) holds 7.3
// MiB. See the package doc, Memory.
const DefaultCap = 1 << 16

// DefaultMaxKeyBytes bounds the chunks that hold the remembered keys' bytes
// unless [WithMaxKeyBytes] says otherwise: with [DefaultCap], keys up to about
// 120 bytes long fill the cap first, and longer ones cannot make the cache
// hold more than DefaultMaxKeyBytes + DefaultCap × 48 bytes, 11 MiB.
const DefaultMaxKeyBytes = 8 << 20

// config is what NewCore can be told.
type config struct {
	maxKeys  int
	maxBytes int
	ranks    *Ranks // nil: none given, see ranksFor
}

// Option configures [NewCore].
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

func newConfig(opts []Option) config {
	c := config{maxKeys: DefaultCap, maxBytes: DefaultMaxKeyBytes}
	for _, o := range opts {
		c = o.apply(c)
	}
	return c
}

// WithCap sets how many keys the core remembers; past it the oldest key is
// forgotten, and a line with that key prints again the next time. n < 1
// keeps [DefaultCap].
func WithCap(n int) Option {
	return optionFunc(func(c config) config {
		if n >= 1 {
			c.maxKeys = n
		}
		return c
	})
}

// WithMaxKeyBytes bounds the memory that holds the remembered keys' bytes
// (each key's length plus 4, in chunks of up to 64 KiB, a sixteenth of n
// when that is less); past it the oldest keys are forgotten until the chunk
// a new key needs fits, so up to a chunk's worth go at once. A key longer
// than n-4 is not remembered at all: its line prints every time. n < 1
// keeps [DefaultMaxKeyBytes]; n is at most 1 GiB.
func WithMaxKeyBytes(n int) Option {
	return optionFunc(func(c config) config {
		if n >= 1 {
			c.maxBytes = n
		}
		return c
	})
}

// WithRanks gives the core the process's ranks (package core passes
// [RanksFromEnv] of the environment its settings read). Without it the core
// reads the launchers' variables of the process environment once, as
// RanksFromEnv(os.LookupEnv) does. [SetRanks] wins over both.
func WithRanks(r Ranks) Option {
	return optionFunc(func(c config) config { c.ranks = &r; return c })
}
