package timefmt

import (
	"math/rand/v2"
	"testing"
	"time"
)

var (
	pdt  = time.FixedZone("PDT", -7*60*60)
	ist  = time.FixedZone("IST", 5*60*60+30*60)
	nst  = time.FixedZone("NST", -(3*60*60 + 30*60))
	npt  = time.FixedZone("NPT", 5*60*60+45*60)
	lint = time.FixedZone("LINT", 14*60*60)
	// A UTC offset that is not a time.UTC location.
	utcNamed = time.FixedZone("UTC", 0)
)

// golden is Dynamo's documented example instant, 2025-09-02T16:38:06.656503Z,
// with extra nanoseconds that must be dropped.
var golden = time.Date(2025, 9, 2, 16, 38, 6, 656503999, time.UTC)

func TestAppendRFC3339Micro(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		utc  bool
		want string
	}{
		{"golden", golden, true, "2025-09-02T16:38:06.656503Z"},
		{"golden from PDT", golden.In(pdt), true, "2025-09-02T16:38:06.656503Z"},
		{"golden from IST", golden.In(ist), true, "2025-09-02T16:38:06.656503Z"},
		{"zero fraction", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), true, "2025-01-02T03:04:05.000000Z"},
		{"1µs", time.Date(2025, 1, 2, 3, 4, 5, 1000, time.UTC), true, "2025-01-02T03:04:05.000001Z"},
		{"999ns truncates to 0", time.Date(2025, 1, 2, 3, 4, 5, 999, time.UTC), true, "2025-01-02T03:04:05.000000Z"},
		{"1999ns truncates", time.Date(2025, 1, 2, 3, 4, 5, 1999, time.UTC), true, "2025-01-02T03:04:05.000001Z"},
		{"500ns not rounded", time.Date(2025, 1, 2, 3, 4, 5, 500, time.UTC), true, "2025-01-02T03:04:05.000000Z"},
		{"999999999ns no carry", time.Date(2025, 12, 31, 23, 59, 59, 999999999, time.UTC), true, "2025-12-31T23:59:59.999999Z"},
		{"UTC conversion crosses date", time.Date(2025, 12, 31, 20, 0, 0, 0, pdt), true, "2026-01-01T03:00:00.000000Z"},
		{"leap day", time.Date(2024, 2, 29, 0, 0, 0, 123456000, time.UTC), true, "2024-02-29T00:00:00.123456Z"},
		{"year 5 padded", time.Date(5, 1, 2, 3, 4, 5, 6000, time.UTC), true, "0005-01-02T03:04:05.000006Z"},
		{"year 10000", time.Date(10000, 1, 2, 3, 4, 5, 6000, time.UTC), true, "10000-01-02T03:04:05.000006Z"},
		{"year -1", time.Date(-1, 1, 2, 3, 4, 5, 6000, time.UTC), true, "-0001-01-02T03:04:05.000006Z"},
		{"unix epoch", time.Unix(0, 0), true, "1970-01-01T00:00:00.000000Z"},

		{"local -07:00", golden.In(pdt), false, "2025-09-02T09:38:06.656503-07:00"},
		{"local +05:30", golden.In(ist), false, "2025-09-02T22:08:06.656503+05:30"},
		{"local -03:30", golden.In(nst), false, "2025-09-02T13:08:06.656503-03:30"},
		{"local +05:45", golden.In(npt), false, "2025-09-02T22:23:06.656503+05:45"},
		{"local +14:00 next day", golden.In(lint), false, "2025-09-03T06:38:06.656503+14:00"},
		{"local time.UTC is +00:00", golden, false, "2025-09-02T16:38:06.656503+00:00"},
		{"local named UTC zone is +00:00", golden.In(utcNamed), false, "2025-09-02T16:38:06.656503+00:00"},
		{"local truncates too", time.Date(2025, 12, 31, 23, 59, 59, 999999999, pdt), false, "2025-12-31T23:59:59.999999-07:00"},
		{"local seconds in offset dropped", time.Date(1880, 1, 1, 0, 0, 0, 0, time.FixedZone("LMT", -(4*60*60+56*60+2))), false, "1880-01-01T00:00:00.000000-04:56"},
	}
	var shared Day // one Day through every case: each day's date replaces the last
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, d := range []*Day{new(Day), &shared} {
				if got := string(AppendRFC3339Micro(nil, tt.t, tt.utc, d)); got != tt.want {
					t.Errorf("AppendRFC3339Micro(%v, %v, shared Day %v) = %q, want %q", tt.t, tt.utc, d == &shared, got, tt.want)
				}
				if got := string(AppendRFC3339Micro([]byte(`"time":"`), tt.t, tt.utc, d)); got != `"time":"`+tt.want {
					t.Errorf("AppendRFC3339Micro(prefix, %v, %v, shared Day %v) = %q, want %q", tt.t, tt.utc, d == &shared, got, `"time":"`+tt.want)
				}
			}
		})
	}
}

// TestAppendRFC3339MicroMatchesFormat compares with time.Format, which also
// truncates fractional seconds, over random instants and zones.
func TestAppendRFC3339MicroMatchesFormat(t *testing.T) {
	zones := []*time.Location{time.UTC, pdt, ist, nst, npt, lint, utcNamed, time.FixedZone("W", -12*60*60)}
	rng := rand.New(rand.NewPCG(3, 4))
	// Years 1..9999, where time.Format's year is four digits like ours.
	lo := time.Date(1, 1, 2, 0, 0, 0, 0, time.UTC).Unix()
	hi := time.Date(9999, 12, 30, 0, 0, 0, 0, time.UTC).Unix()
	var shared Day // one Day for all, as an encoder's pooled buffer keeps one
	for i := range 40000 {
		tm := time.Unix(lo+rng.Int64N(hi-lo), rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))])
		if i%2 == 1 { // runs within a few days, where the cached date is used
			tm = time.Unix(1764900000+rng.Int64N(3*86400), rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))])
		}
		for _, d := range []*Day{new(Day), &shared} {
			if got, want := string(AppendRFC3339Micro(nil, tm, true, d)), tm.UTC().Format("2006-01-02T15:04:05.000000Z"); got != want {
				t.Fatalf("AppendRFC3339Micro(%v, true, shared Day %v) = %q, time.Format gives %q", tm, d == &shared, got, want)
			}
			if got, want := string(AppendRFC3339Micro(nil, tm, false, d)), tm.Format("2006-01-02T15:04:05.000000-07:00"); got != want {
				t.Fatalf("AppendRFC3339Micro(%v, false, shared Day %v) = %q, time.Format gives %q", tm, d == &shared, got, want)
			}
		}
	}
}

func TestAppendVLLM(t *testing.T) {
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"golden UTC", golden, "09-02 16:38:06"},
		{"golden PDT", golden.In(pdt), "09-02 09:38:06"},
		{"golden IST", golden.In(ist), "09-02 22:08:06"},
		{"golden +14:00 next day", golden.In(lint), "09-03 06:38:06"},
		{"padding", time.Date(2025, 1, 5, 3, 4, 5, 999999999, time.UTC), "01-05 03:04:05"},
		{"end of year", time.Date(2025, 12, 31, 23, 59, 59, 999999999, time.UTC), "12-31 23:59:59"},
		{"midnight", time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC), "06-15 00:00:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendVLLM(nil, tt.t)); got != tt.want {
				t.Errorf("AppendVLLM(%v) = %q, want %q", tt.t, got, tt.want)
			}
			if got := string(AppendVLLM([]byte("INFO "), tt.t)); got != "INFO "+tt.want {
				t.Errorf("AppendVLLM(prefix, %v) = %q, want %q", tt.t, got, "INFO "+tt.want)
			}
			if got, want := string(AppendVLLM(nil, tt.t)), tt.t.Format("01-02 15:04:05"); got != want {
				t.Errorf("AppendVLLM(%v) = %q, time.Format gives %q", tt.t, got, want)
			}
		})
	}
}

func TestAppendAllocs(t *testing.T) {
	dst := make([]byte, 0, 64)
	tm := golden.In(ist)
	var d Day
	allocs := testing.AllocsPerRun(100, func() {
		dst = AppendRFC3339Micro(dst[:0], tm, true, &d)
		dst = AppendRFC3339Micro(dst, tm, false, &d)
		dst = AppendRFC3339Nano(dst, tm, &d)
		dst = AppendVLLM(dst, tm)
	})
	if allocs != 0 {
		t.Errorf("appending into a large enough dst allocates %v times, want 0", allocs)
	}
}

// TestAppendRFC3339Nano compares AppendRFC3339Nano with time's own
// RFC3339Nano, byte for byte, over instants across every kind of year,
// fraction and offset, with one Day shared by all (so that a day's cached
// date is used by the next instant of that day and replaced by the next
// day's) and with a fresh Day each.
func TestAppendRFC3339Nano(t *testing.T) {
	zones := []*time.Location{
		time.UTC, time.Local, pdt, ist, nst, npt, lint, utcNamed,
		time.FixedZone("LMT", -(4*60*60 + 56*60 + 2)),
		time.FixedZone("-30s", -30),
		time.FixedZone("+99:59", 99*3600+59*60),
		time.FixedZone("+100h", 100*3600),
		time.FixedZone("-200h", -200*3600),
	}
	if ny, err := time.LoadLocation("America/New_York"); err == nil {
		zones = append(zones, ny)
	}
	instants := []time.Time{
		time.Unix(0, 0), time.Unix(9, 0), time.Unix(-1, 0), time.Unix(-1, 999999999),
		time.Unix(86399, 1), time.Unix(86400, 10), time.Unix(-86400, 0), time.Unix(-86401, 100),
		golden, time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1, 1, 1, 0, 0, 0, 0, pdt),
		time.Date(0, 12, 31, 23, 59, 59, 0, time.UTC), time.Date(-1, 1, 2, 3, 4, 5, 6, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 0, 0, 0, lint), {}, time.Unix(1<<62, 0), time.Unix(-1<<62, 0),
		time.Date(2025, 3, 9, 6, 59, 59, 0, time.UTC), time.Date(2025, 3, 9, 7, 0, 0, 0, time.UTC),
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		instants = append(instants, time.Unix(r.Int64N(lastSec-firstSec)+firstSec, r.Int64N(1e9)))
	}
	for range 2000 { // runs of one day, as a line's times usually are
		instants = append(instants, time.Unix(1764900000+r.Int64N(3*86400), int64(r.IntN(1000))*1e6))
	}
	var shared Day
	for _, zone := range zones {
		for _, in := range instants {
			tm := in.In(zone)
			want := tm.AppendFormat([]byte("x"), time.RFC3339Nano)
			if got := AppendRFC3339Nano([]byte("x"), tm, &shared); string(got) != string(want) {
				t.Fatalf("AppendRFC3339Nano(%d.%09d in %s), shared Day = %q, want %q", in.Unix(), in.Nanosecond(), zone, got, want)
			}
			if got := AppendRFC3339Nano([]byte("x"), tm, new(Day)); string(got) != string(want) {
				t.Fatalf("AppendRFC3339Nano(%d.%09d in %s), new Day = %q, want %q", in.Unix(), in.Nanosecond(), zone, got, want)
			}
		}
	}
}

func BenchmarkAppendRFC3339Micro(b *testing.B) {
	tm := time.Unix(1764900000, 123456789)
	buf := make([]byte, 0, 64)
	b.Run("new-day", func(b *testing.B) { // every time the first of its day
		for b.Loop() {
			var d Day
			buf = AppendRFC3339Micro(buf[:0], tm, true, &d)
		}
	})
	b.Run("day", func(b *testing.B) {
		var d Day
		for b.Loop() {
			buf = AppendRFC3339Micro(buf[:0], tm, true, &d)
		}
	})
}

func BenchmarkAppendRFC3339Nano(b *testing.B) {
	tm := time.Unix(1764900000, 123456000)
	buf := make([]byte, 0, 64)
	b.Run("time", func(b *testing.B) {
		for b.Loop() {
			buf = tm.AppendFormat(buf[:0], time.RFC3339Nano)
		}
	})
	b.Run("timefmt", func(b *testing.B) {
		var d Day
		for b.Loop() {
			buf = AppendRFC3339Nano(buf[:0], tm, &d)
		}
	})
}
