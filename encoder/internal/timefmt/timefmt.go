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
// (2025-09-02T09:38:06.656503-07:00). The date comes from d when t falls
// on the day d last printed.
func AppendRFC3339Micro(dst []byte, t time.Time, utc bool, d *Day) []byte {
	if utc {
		t = t.UTC()
	}
	offset := 0
	if !utc {
		_, offset = t.Zone()
	}
	day, clock, ok := dayClock(t, offset)
	if !ok {
		return appendRFC3339Micro(dst, t, utc, offset)
	}
	// 2006-01-02T15:04:05.999999-07:00, built in place and appended once.
	var b [32]byte
	d.put(b[:19], t, day, clock)
	b[19] = '.'
	us := t.Nanosecond() / 1000
	put2(b[24:26], us%100)
	put2(b[22:24], us/100%100)
	put2(b[20:22], us/10000)
	if utc {
		b[26] = 'Z'
		return append(dst, b[:27]...)
	}
	return append(dst, appendZone(b[:26], offset)...)
}

// appendRFC3339Micro is AppendRFC3339Micro for any year and offset.
func appendRFC3339Micro(dst []byte, t time.Time, utc bool, offset int) []byte {
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

// dayClock splits t, offset seconds east of UTC, into the days since
// 1970-01-01 and the seconds into its day, in its zone; ok is false past
// the years of four digits or for an offset of 100 hours or more (more
// than two digits of hours), which the callers leave to the slow path.
func dayClock(t time.Time, offset int) (day int64, clock int, ok bool) {
	u := t.Unix()
	if offset <= -100*3600 || offset >= 100*3600 || u < firstSec-100*3600 || u > lastSec+100*3600 {
		return 0, 0, false
	}
	sec := u + int64(offset)
	if sec < firstSec || sec > lastSec {
		return 0, 0, false
	}
	day = sec / 86400
	if sec%86400 < 0 {
		day--
	}
	return day, int(sec - day*86400), true
}

// appendZone appends ±HH:MM for offset seconds east of UTC, its seconds
// dropped, as time's RFC 3339 does.
func appendZone(b []byte, offset int) []byte {
	zone := offset / 60
	sign := byte('+')
	if zone < 0 {
		sign, zone = '-', -zone
	}
	h, m := zone/60, zone%60
	return append(b, sign, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+m/10), byte('0'+m%10))
}

// A Day remembers the date of the last day [AppendRFC3339Nano] printed
// with it, so that the times of one day cost their clock and fraction only.
// The zero Day remembers none. A Day is not safe for concurrent use: it
// lives in a buffer that one line uses at a time.
type Day struct {
	day  int64 // days since 1970-01-01 in the time's own zone
	set  bool  // day and date hold a day
	date [len("2006-01-02")]byte
}

// The unix seconds, zone offset added, of the first and last instant whose
// year has four digits; AppendRFC3339Nano leaves the others to time.
const (
	firstSec = -62135596800 // 0001-01-01T00:00:00
	lastSec  = 253402300799 // 9999-12-31T23:59:59
)

// AppendRFC3339Nano appends what t.AppendFormat(dst, time.RFC3339Nano)
// does, byte for byte: the fraction without trailing zeros (none when
// zero), "Z" for a zero offset, else ±HH:MM with the offset's seconds
// dropped. The date comes from d when t falls on the day d last printed.
func AppendRFC3339Nano(dst []byte, t time.Time, d *Day) []byte {
	_, offset := t.Zone()
	day, clock, ok := dayClock(t, offset)
	if !ok {
		return t.AppendFormat(dst, time.RFC3339Nano)
	}
	// 2006-01-02T15:04:05.999999999-07:00, built in place and appended once.
	var b [35]byte
	d.put(b[:19], t, day, clock)
	n := 19
	if ns := t.Nanosecond(); ns != 0 {
		b[19] = '.'
		for i := 27; i > 20; i -= 2 {
			put2(b[i:i+2], ns%100)
			ns /= 100
		}
		b[20] = byte('0' + ns)
		n = 29
		for b[n-1] == '0' {
			n--
		}
	}
	if offset == 0 {
		b[n] = 'Z'
		return append(dst, b[:n+1]...)
	}
	return append(dst, appendZone(b[:n], offset)...)
}

// put writes "2006-01-02T15:04:05" into b[0:19] for t, which falls on day
// (dayClock's) at clock seconds into it; the date from d when d holds day.
func (d *Day) put(b []byte, t time.Time, day int64, clock int) {
	_ = b[18]
	d.fill(t, day)
	copy(b, d.date[:])
	b[10], b[13], b[16] = 'T', ':', ':'
	put2(b[11:13], clock/3600)
	put2(b[14:16], clock/60%60)
	put2(b[17:19], clock%60)
}

// fill makes d hold the date of day, the day t falls on in its zone.
func (d *Day) fill(t time.Time, day int64) {
	if d.set && d.day == day {
		return
	}
	year, month, mday := t.Date()
	d.date = [10]byte{
		byte('0' + year/1000), byte('0' + year/100%10), byte('0' + year/10%10), byte('0' + year%10), '-',
		byte('0' + month/10), byte('0' + month%10), '-',
		byte('0' + mday/10), byte('0' + mday%10),
	}
	d.day, d.set = day, true
}

// digits2 is "00" to "99", two bytes each.
const digits2 = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" +
	"60616263646566676869" + "70717273747576777879" + "80818283848586878889" + "90919293949596979899"

// put2 writes v, 0 to 99, as two digits into b[0:2].
func put2(b []byte, v int) {
	_ = b[1]
	b[0], b[1] = digits2[2*v], digits2[2*v+1]
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
