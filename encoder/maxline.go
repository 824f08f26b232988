package encoder

import (
	"slices"
	"strconv"
	"sync"
	"unicode/utf8"

	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

// A line cap (WithMaxLineBytes) is kept in at most two passes over a line.
// The first writes the message and each of the line's own string values cut
// to the cap, so that it costs no more than the cap per value however long
// the input, and measures what each took. A line that still exceeds the cap
// is written again with the message cut by the excess and, if that is not
// enough, the largest values cut to a common size. A cut text ends with a
// marker, "…[truncated N bytes]", N the input bytes left out. Texts are cut
// before they are escaped, at a character boundary, so that no escape and no
// UTF-8 sequence is broken and a JSONL line stays valid JSON.

// lineCut is what one pass may write of a line's message and string values,
// and what it measured of them. Rooms are in output bytes, quotes and marker
// included; a negative room is no limit.
type lineCut struct {
	msgRoom, valueRoom int
	msgSize            int   // what the message took
	valueSizes         []int // what each string value took, in order
}

var lineCutPool = sync.Pool{New: func() any { return new(lineCut) }}

// truncatedMarker starts the marker that ends a cut text.
const truncatedMarker = "…[truncated "

// markerLen is the length of the marker for n bytes left out.
func markerLen(n int) int {
	return len(truncatedMarker) + len(" bytes]") + decimalLen(n)
}

func decimalLen(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// maxEscapeGrowth is the most any layout's escaping multiplies a text by:
// one byte becomes six ("\u001b" in JSON, "\u{1b}" in Rust's Debug).
const maxEscapeGrowth = 6

// cutText returns s if it takes at most room output bytes, as measure
// counts them plus overhead (quotes); else the longest prefix of s, ending
// at a character boundary, that fits room with its marker, followed by the
// marker. measure must be additive: the measure of a text is the sum of
// its characters'.
//
// rest is the number of bytes of the text that follow s and are left out
// whatever happens: a caller may hand over only a prefix of a long text.
func cutText(s string, rest, room, overhead int, measure func(string) int) string {
	if room < 0 || rest == 0 && len(s)*maxEscapeGrowth+overhead <= room {
		return s
	}
	if rest == 0 && len(s) <= room && measure(s)+overhead <= room {
		return s
	}
	budget := room - overhead - markerLen(len(s)+rest)
	end, used := 0, 0
	for end < len(s) && used < budget {
		// Whole chunks while they fit, then character by character.
		chunk := min(len(s)-end, 256)
		if chunk > 1 {
			for chunk > 0 && chunk < len(s)-end && !utf8.RuneStart(s[end+chunk]) {
				chunk--
			}
			if n := measure(s[end : end+chunk]); chunk > 0 && used+n <= budget {
				end, used = end+chunk, used+n
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(s[end:])
		n := measure(s[end : end+size])
		if used+n > budget {
			break
		}
		end, used = end+size, used+n
	}
	dropped := len(s) - end + rest
	b := make([]byte, 0, end+markerLen(dropped))
	b = append(b, s[:end]...)
	b = append(b, truncatedMarker...)
	b = strconv.AppendInt(b, int64(dropped), 10)
	b = append(b, " bytes]"...)
	return string(b)
}

// value cuts a string value to the pass's value room; overhead is what
// the layout writes around it (quotes).
func (c *lineCut) value(s string, overhead int, measure func(string) int) string {
	if c == nil {
		return s
	}
	return cutText(s, 0, c.valueRoom, overhead, measure)
}

// byteValue is value for a byte string, which it converts to a string only
// when it cuts it, and then only the part it keeps. ok is false when v
// stays as it is.
func (c *lineCut) byteValue(v []byte, overhead int, measure func(string) int) (s string, ok bool) {
	if c == nil || c.valueRoom < 0 || len(v)*maxEscapeGrowth+overhead <= c.valueRoom {
		return "", false
	}
	keep := min(len(v), c.valueRoom+utf8.UTFMax)
	return cutText(string(v[:keep]), len(v)-keep, c.valueRoom, overhead, measure), true
}

// record notes the output size of a value just written.
func (c *lineCut) record(size int) {
	if c != nil {
		c.valueSizes = append(c.valueSizes, size)
	}
}

// encodeCapped writes a line of at most max bytes as encode writes lines:
// see lineCut.
func encodeCapped(limit int, ent zapcore.Entry, fields []zapcore.Field,
	encode func(zapcore.Entry, []zapcore.Field, *lineCut) *buffer.Buffer) *buffer.Buffer {
	c := lineCutPool.Get().(*lineCut)
	defer lineCutPool.Put(c)
	*c = lineCut{msgRoom: limit, valueRoom: limit, valueSizes: c.valueSizes[:0]}
	out := encode(ent, fields, c)
	excess := out.Len() - limit
	if excess <= 0 {
		return out
	}
	// The message first, down to its marker.
	minMsg := markerLen(len(ent.Message))
	c.msgRoom = -1
	if c.msgSize > minMsg {
		c.msgRoom = max(c.msgSize-excess, minMsg)
		excess -= c.msgSize - c.msgRoom
	}
	// Then the largest values, to a common size: the largest room T
	// with the sum over values above it of (size − T) at least the excess.
	c.valueRoom = -1
	if excess > 0 && len(c.valueSizes) > 0 {
		sizes := c.valueSizes // emptied before it is read again: sorted in place
		slices.SortFunc(sizes, func(a, b int) int { return b - a })
		sum := 0
		for k := 1; k <= len(sizes); k++ {
			sum += sizes[k-1]
			t := (sum - excess) / k
			if k == len(sizes) || t >= sizes[k] {
				c.valueRoom = t
				break
			}
		}
		// A value is never cut below its marker and quotes.
		c.valueRoom = max(c.valueRoom, markerLen(sizes[0])+2)
	}
	c.valueSizes = c.valueSizes[:0]
	out.Free()
	return encode(ent, fields, c)
}
