package unwrap

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"go.uber.org/zap/zapcore"
)

// CheckedWrite writes ent and fields through inner as zap's Core contract
// asks of a core that decides at Write (the once-only core, the filter's
// span and caller decisions, the tracing core's rewritten span events):
// inner's Check chooses the cores that write, as it would have in the
// wrapper's Check (a sampler counts, a tee member with a level of its own
// declines, zap's IncreaseLevel gates), and those cores write. The error
// of every one of those writes comes back, so that the wrapper returns it
// and zap reports it to the logger's ErrorOutput; nothing is dropped.
//
// zap hands a nested checked entry's write errors only to that entry's
// ErrorOutput, as text: the error returned carries that text (what each
// core's Write said, joined as zap joins them), not the original error
// values.
func CheckedWrite(inner zapcore.Core, ent zapcore.Entry, fields []zapcore.Field) error {
	ce := inner.Check(ent, nil)
	if ce == nil {
		return nil
	}
	c := capturePool.Get().(*capture)
	ce.ErrorOutput = c
	ce.Write(fields...)
	err := c.err(ent.Time)
	c.reset()
	capturePool.Put(c)
	return err
}

// capture is the error output of a nested checked entry: it keeps what zap
// writes there, "<time> write error: <err>\n", for CheckedWrite to return.
type capture struct{ b []byte }

var capturePool = sync.Pool{New: func() any { return new(capture) }}

func (c *capture) Write(p []byte) (int, error) {
	c.b = append(c.b, p...)
	return len(p), nil
}

func (c *capture) Sync() error { return nil }

// err is the error zap reported, with zap's own prefix (the entry's time
// and "write error: ") left out, since the outer entry adds it again; nil
// if zap reported none.
func (c *capture) err(t time.Time) error {
	if len(c.b) == 0 {
		return nil
	}
	msg := strings.TrimSuffix(string(c.b), "\n")
	msg = strings.TrimPrefix(msg, fmt.Sprintf("%v write error: ", t))
	return errors.New(msg)
}

// maxKept bounds the buffer a pooled capture keeps.
const maxKept = 4 << 10

func (c *capture) reset() {
	if cap(c.b) > maxKept {
		c.b = nil
		return
	}
	c.b = c.b[:0]
}
