package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/internal/outside"
	"github.com/dynlog/dynlog/internal/rotname"
)

// A stream is one log file named on the command line with its rotated
// backups: the lines of its segments, indexed when the server started,
// then those the follower read since, held in memory up to maxLiveBytes.
// A line's position is its 0-based index in the stream.
type stream struct {
	base   string
	link   bool // base was a symbolic link when the server started: read through it
	segs   []*segment
	starts []int64 // starts[i]: the position of segs[i]'s first line
	static int64   // lines in segs

	mu        sync.Mutex
	live      []liveLine // positions static+dropped …
	dropped   int64      // lines read live and no longer held
	liveBytes int
}

// liveLine is a line the follower read after the server started, or a
// note about them (the page shows it whatever the filters).
type liveLine struct {
	line logfile.Line // Bytes owned
	note string
}

// maxLiveBytes bounds the bytes of the lines a stream holds that arrived
// while serving; the oldest are let go past it (the page says how many).
// Tests lower it.
var maxLiveBytes = 32 << 20

// openStream indexes base's backups and base itself. Files that cannot be
// read are reported through onError and left out.
func openStream(base string, onError func(error)) *stream {
	st := &stream{base: base}
	if info, err := os.Lstat(base); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		st.link = true
	}
	files := chain(base)
	for i, name := range files {
		live := i == len(files)-1 && st.followed()
		seg, err := openSegment(name, live, st.link && name == base)
		if err != nil {
			if !live || !errors.Is(err, fs.ErrNotExist) {
				onError(err)
			}
			continue
		}
		if seg.lines == 0 {
			seg.file.Close()
			continue
		}
		st.starts = append(st.starts, st.static)
		st.segs = append(st.segs, seg)
		st.static += seg.lines
	}
	return st
}

// followed reports whether the stream's file is followed: not when it is
// a compressed file, which is read once, whole.
func (st *stream) followed() bool { return !strings.HasSuffix(st.base, rotname.CompressSuffix) }

// baseLines is how many lines of base itself the index holds: the lines
// its follower skips.
func (st *stream) baseLines() int64 {
	if n := len(st.segs); n > 0 && st.segs[n-1].name == st.base {
		return st.segs[n-1].lines
	}
	return 0
}

// follow reads base as `dynlog view -f` does, from its start, skipping the
// lines the index holds, and appends what comes after, across rotations,
// until ctx is done. notify is called after each batch of lines.
func (st *stream) follow(ctx context.Context, interval time.Duration, onError func(error), notify func()) {
	if !st.followed() {
		return
	}
	skip := st.baseLines()
	// The follower opens base after the index did: if it was rotated in
	// between, the follower reads the new file, whose first line is not
	// the one indexed. Then nothing of it is skipped, and a note says so.
	var first []byte
	if skip > 0 {
		if lines, err := st.segs[len(st.segs)-1].read(0, 0); err == nil && len(lines) > 0 {
			first = lines[0].Bytes
		}
	}
	opts := []logfile.Option{logfile.WithFollow(interval), logfile.WithErrorFunc(onError)}
	if !st.link {
		opts = append(opts, logfile.WithoutSymlinks())
	}
	r := logfile.Open(ctx, []string{st.base}, nil, opts...)
	defer r.Close()
	lines := make(chan liveLine, 256)
	go func() {
		defer close(lines)
		for n := 0; r.Next(); n++ {
			l := r.Line()
			if n == 0 && skip > 0 && first != nil && !bytes.Equal(l.Bytes, first) {
				lines <- liveLine{note: fmt.Sprintf("%s was rotated while dynlog serve started: the %d lines indexed are the old file's, read on from here is the new one", outside.Text(st.base), skip)}
				skip = 0
			}
			if skip > 0 {
				skip--
				continue
			}
			l.Bytes = append([]byte(nil), l.Bytes...)
			lines <- liveLine{line: l}
		}
	}()
	// Lines are added in batches: what arrived by the time the last batch
	// was added, so a burst wakes the page once.
	for l := range lines {
		batch := []liveLine{l}
	more:
		for len(batch) < 4096 {
			select {
			case l, ok := <-lines:
				if !ok {
					break more
				}
				batch = append(batch, l)
			default:
				break more
			}
		}
		st.add(batch)
		notify()
	}
}

// add appends lines read live, letting the oldest go past maxLiveBytes.
func (st *stream) add(lines []liveLine) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for _, l := range lines {
		st.live = append(st.live, l)
		st.liveBytes += len(l.line.Bytes) + len(l.note) + 64
	}
	drop := 0
	for st.liveBytes > maxLiveBytes && drop < len(st.live)-1 {
		st.liveBytes -= len(st.live[drop].line.Bytes) + len(st.live[drop].note) + 64
		drop++
	}
	if drop > 0 {
		st.live = append([]liveLine(nil), st.live[drop:]...)
		st.dropped += int64(drop)
	}
}

// count is the stream's lines: indexed, then read live.
func (st *stream) count() int64 {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.static + st.dropped + int64(len(st.live))
}

// item is a line of a stream at its position, or a gap: lines read live
// and let go, which the page shows as one line saying so.
type item struct {
	pos  int64
	line logfile.Line
	gap  int64  // > 0: a gap of this many lines, from pos
	err  error  // the lines at pos could not be read (the file changed)
	note string // not a line: what the page must be told
}

// chunkBefore returns the items just before position p (at least one if
// p > 0), oldest first.
func (st *stream) chunkBefore(p int64) []item {
	if p <= 0 {
		return nil
	}
	if p > st.static {
		st.mu.Lock()
		defer st.mu.Unlock()
		held := st.static + st.dropped
		if p <= held {
			return []item{{pos: st.static, gap: st.dropped}}
		}
		from := max(held, p-blockLines)
		out := make([]item, 0, p-from)
		for i := from; i < p; i++ {
			l := st.live[i-held]
			out = append(out, item{pos: i, line: l.line, note: l.note})
		}
		return out
	}
	si := st.segmentOf(p - 1)
	seg, base := st.segs[si], st.starts[si]
	k := seg.blockOf(p - 1 - base)
	from := k
	if seg.gz {
		from = max(0, k-gzBlocks+1)
	}
	return st.readBlocks(si, from, k, p)
}

// chunkFrom returns the items from position p on (at least one if p is
// before the end), oldest first.
func (st *stream) chunkFrom(p int64) []item {
	if p >= st.static {
		st.mu.Lock()
		defer st.mu.Unlock()
		held := st.static + st.dropped
		if p < held {
			return []item{{pos: p, gap: held - p}}
		}
		to := min(held+int64(len(st.live)), p+blockLines)
		out := make([]item, 0, max(to-p, 0))
		for i := p; i < to; i++ {
			l := st.live[i-held]
			out = append(out, item{pos: i, line: l.line, note: l.note})
		}
		return out
	}
	si := st.segmentOf(p)
	seg, base := st.segs[si], st.starts[si]
	k := seg.blockOf(p - base)
	to := k
	if seg.gz {
		to = min(len(seg.marks)-1, k+gzBlocks-1)
	}
	items := st.readBlocks(si, k, to, -1)
	for len(items) > 0 && items[0].pos < p {
		if it := &items[0]; it.gap > 0 && it.pos+it.gap > p {
			it.gap -= p - it.pos
			it.pos = p
			break
		}
		items = items[1:]
	}
	return items
}

// readBlocks reads blocks from to to of segment si, as items, those
// before position stop only when stop ≥ 0. A read that fails gives one
// item that says so in place of the blocks' lines.
func (st *stream) readBlocks(si, from, to int, stop int64) []item {
	seg, base := st.segs[si], st.starts[si]
	first := base + seg.marks[from].line
	lines, err := seg.read(from, to)
	if err != nil {
		end := base + seg.blockEnd(to).line
		if stop >= 0 {
			end = min(end, stop)
		}
		return []item{{pos: first, gap: end - first, err: err}}
	}
	out := make([]item, 0, len(lines))
	for i, l := range lines {
		pos := first + int64(i)
		if stop >= 0 && pos >= stop {
			break
		}
		out = append(out, item{pos: pos, line: l})
	}
	return out
}

// segmentOf returns the segment holding position p < static.
func (st *stream) segmentOf(p int64) int {
	i := len(st.starts) - 1
	for i > 0 && st.starts[i] > p {
		i--
	}
	return i
}

func (st *stream) close() {
	for _, s := range st.segs {
		s.file.Close()
	}
}
