package logfile

import "time"

// config is what a Reader can be told.
type config struct {
	follow     time.Duration // poll interval; 0: stop at the end
	onError    func(error)
	noSymlinks bool
}

// Option configures a Reader made by Open or NewReader.
type Option interface {
	apply(config) config
}

type optionFunc func(config) config

func (f optionFunc) apply(c config) config { return f(c) }

func newConfig(opts []Option) config {
	var c config
	for _, o := range opts {
		c = o.apply(c)
	}
	return c
}

// WithFollow makes the Reader follow the last input once it reaches its
// end, polling every interval (100ms if interval ≤ 0) until the Reader's
// context is done, like tail -F (the package doc says how it goes across
// rotation). Only a regular file is followed; a pipe (stdin) simply ends
// at EOF.
func WithFollow(interval time.Duration) Option {
	return optionFunc(func(c config) config {
		if interval <= 0 {
			interval = 100 * time.Millisecond
		}
		c.follow = interval
		return c
	})
}

// WithErrorFunc calls fn with every error of opening or reading a file as
// it happens, before the Reader goes on with the next file. Err still
// returns them all at the end.
func WithErrorFunc(fn func(error)) Option {
	return optionFunc(func(c config) config { c.onError = fn; return c })
}

// WithoutSymlinks makes the Reader open no symbolic link: a file whose
// name is one when the Reader opens it (the followed file replaced by a
// link after a rotation, a link named as a backup) is reported and not
// read, so that whoever can write the directory cannot have the Reader
// read another file through it.
func WithoutSymlinks() Option {
	return optionFunc(func(c config) config { c.noSymlinks = true; return c })
}
