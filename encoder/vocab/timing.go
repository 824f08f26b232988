package vocab

import (
	"strconv"
	"time"
)

// AppendSpanTiming appends d as tracing-subscriber prints a span's timings
// (time.busy, time.idle): in ns, µs, ms or s, the first unit in which it is
// below 1000, with 2 decimals below 10, 1 below 100 and none below 1000
// ("9.87ms", "25.7µs", "131µs"); beyond 999 s, whole seconds; a negative d
// as zero, "0.00ns" (Rust's timings are unsigned). Like Rust's formatter, it
// rounds half to even on exact ties.
func AppendSpanTiming(b []byte, d time.Duration) []byte {
	if d < 0 {
		d = 0
	}
	t := float64(d)
	for _, unit := range [...]string{"ns", "µs", "ms", "s"} {
		switch {
		case t < 10:
			return append(strconv.AppendFloat(b, t, 'f', 2, 64), unit...)
		case t < 100:
			return append(strconv.AppendFloat(b, t, 'f', 1, 64), unit...)
		case t < 1000:
			return append(strconv.AppendFloat(b, t, 'f', 0, 64), unit...)
		}
		t /= 1000
	}
	return append(strconv.AppendFloat(b, t*1000, 'f', 0, 64), 's')
}
