// Package timefmt appends the timestamp forms of Dynamo's and vLLM's layouts
// without going through time.Format's layout interpreter. (The span timings
// of the readable layout, which tracing and dynlog view print too, are
// [github.com/dynlog/dynlog/encoder/vocab.AppendSpanTiming].)
package timefmt

import "time"

// AppendRFC3339Micro appends t as Dynamo prints it: RFC 3339 with exactly six
// fractional digits, truncated (never rounded). With utc it is converted to
// UTC and ends in a literal "Z" (2025-09-02T16:38:06.656503Z); otherwise t is
// printed in its own location with a ±HH:MM offset, "+00:00" for UTC
// (2025-09-02T09:38:06.656503-07:00).
func AppendRFC3339Micro(dst []byte, t time.Time, utc bool) []byte {
	if utc {
		t = t.UTC()
	}
	year, month, day := t.Date()
	hour, min, sec := t.Clock()
	dst = appendInt(dst, year, 4)
	dst = append(dst, '-')
	dst = append2(dst, int(month))
	dst = append(dst, '-')
	dst = append2(dst, day)
	dst = append(dst, 'T')
	dst = append2(dst, hour)
	dst = append(dst, ':')
	dst = append2(dst, min)
	dst = append(dst, ':')
	dst = append2(dst, sec)
	dst = append(dst, '.')
	dst = appendInt(dst, t.Nanosecond()/1000, 6)
	if utc {
		return append(dst, 'Z')
	}
	_, offset := t.Zone()
	offMin := offset / 60
	if offMin < 0 {
		dst = append(dst, '-')
		offMin = -offMin
	} else {
		dst = append(dst, '+')
	}
	dst = append2(dst, offMin/60)
	dst = append(dst, ':')
	return append2(dst, offMin%60)
}

// AppendVLLM appends t as vLLM's formatter prints it: "01-02 15:04:05" in
// Go's notation, in t's own location, with no year, sub-seconds or zone.
func AppendVLLM(dst []byte, t time.Time) []byte {
	_, month, day := t.Date()
	hour, min, sec := t.Clock()
	dst = append2(dst, int(month))
	dst = append(dst, '-')
	dst = append2(dst, day)
	dst = append(dst, ' ')
	dst = append2(dst, hour)
	dst = append(dst, ':')
	dst = append2(dst, min)
	dst = append(dst, ':')
	return append2(dst, sec)
}

func append2(dst []byte, v int) []byte {
	return append(dst, byte('0'+v/10), byte('0'+v%10))
}

// appendInt appends v zero-padded to width digits; a negative v (a year
// before 1 AD) gets a leading '-', as time.Format prints it.
func appendInt(dst []byte, v, width int) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var b [20]byte
	i := len(b)
	for v >= 10 {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	i--
	b[i] = byte('0' + v)
	for n := len(b) - i; n < width; n++ {
		dst = append(dst, '0')
	}
	return append(dst, b[i:]...)
}
