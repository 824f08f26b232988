package filter_test

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dynlog/dynlog/filter"
)

// spanSpec is a spec of n span directives [s0]=trace … [s(n-1)]=trace.
func spanSpec(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("[s%d]=trace", i)
	}
	return strings.Join(parts, ",")
}

// Parse keeps the first MaxDirectives directives of a spec that holds
// more and says, in one error, how many it skipped and from which on;
// directives that do not parse are not counted, and are named as before.
func TestParseTooManyDirectives(t *testing.T) {
	spec := "x=loud," + spanSpec(filter.MaxDirectives+3) + ",y=loud"
	f, err := filter.Parse(spec)
	want := `filter: ignoring directive "x=loud": unknown level "loud" (want off, error, warn, info, debug, trace or 0-5)` + "\n" +
		`filter: ignoring directive "y=loud": unknown level "loud" (want off, error, warn, info, debug, trace or 0-5)` + "\n" +
		`filter: spec holds 1027 directives, more than the 1024 a filter may hold: ignoring the 3 from "[s1024]=trace" on`
	if err == nil || err.Error() != want {
		t.Fatalf("error:\n%v\nwant\n%s", err, want)
	}
	if !errors.Is(err, filter.ErrTooManyDirectives) {
		t.Errorf("errors.Is(err, ErrTooManyDirectives) is false")
	}
	if got, want := f.String(), spanSpec(filter.MaxDirectives); got != want {
		t.Errorf("kept %d directives, want the first %d", len(f.Directives()), filter.MaxDirectives)
	}
	if _, err := filter.Parse(spanSpec(filter.MaxDirectives)); err != nil {
		t.Errorf("a spec of exactly MaxDirectives: %v", err)
	}
	long := "[" + strings.Repeat("é", 100) + "]=trace"
	_, err = filter.Parse(spanSpec(filter.MaxDirectives) + "," + long)
	want = `filter: spec holds 1025 directives, more than the 1024 a filter may hold: ignoring the 1 from "[` + strings.Repeat("é", 31) + `…" on`
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant\n%s", err, want)
	}
}

// The level handler refuses a PUT of more than MaxDirectives directives
// with 400 naming the bound, and one of more than 64 KiB with 413; the
// filter in force stays. A PUT of MaxDirectives is accepted.
func TestHandlerLimits(t *testing.T) {
	a := filter.NewAtomic(mustParse(t, "info,h2=error"))
	srv := httptest.NewServer(a)
	defer srv.Close()
	for _, tc := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"too many", spanSpec(filter.MaxDirectives + 1), 400,
			`{"error":"filter: spec holds 1025 directives, more than the 1024 a filter may hold: ignoring the 1 from \"[s1024]=trace\" on; the filter in force stays"}`},
		{"too large", "info," + strings.Repeat(" ", 64<<10), 413, `{"error":"filter: body larger than 65536 bytes"}`},
	} {
		status, body := do(t, "PUT", srv.URL, "", tc.body)
		if status != tc.status || body != tc.want+"\n" {
			t.Errorf("%s: %d %s\nwant %d %s", tc.name, status, body, tc.status, tc.want)
		}
		if got := a.Load().String(); got != "info,h2=error" || a.Overridden() {
			t.Errorf("%s: the filter in force is %q (override %v); want the one before", tc.name, got, a.Overridden())
		}
	}
	if status, body := do(t, "PUT", srv.URL, "", spanSpec(filter.MaxDirectives)); status != 200 {
		t.Fatalf("PUT of MaxDirectives directives: %d %s", status, body)
	}
	if n := len(a.Load().Directives()); n != filter.MaxDirectives {
		t.Errorf("%d directives in force, want %d", n, filter.MaxDirectives)
	}
}

// A change's String names who made it and what it added and removed, by
// target, span and level.
func TestChangeString(t *testing.T) {
	var got []string
	a := filter.NewAtomic(filter.New(filter.WithSource(mustParse(t, "warn,h2=error,dyn=debug").Directives(), "env DYN_LOG")...))
	a.OnChange(func(ch filter.Change) { got = append(got, ch.String()) })
	a.Override(mustParse(t, "warn,h2=error,dyn=info,[req]=trace"), "HTTP PUT from 127.0.0.1:5555")
	a.Configure(mustParse(t, "error"), "SIGHUP")
	a.Configure(mustParse(t, "error"), "SIGHUP")
	a.ClearOverride("HTTP DELETE from 127.0.0.1:5555")
	a.Configure(a.Configured(), "core.Reload")
	want := []string{
		"filter replaced by HTTP PUT from 127.0.0.1:5555: 2 directives added, 1 removed; added dyn=info, [req]=trace; removed dyn=debug",
		"configured filter replaced by SIGHUP; the runtime override stays in force: 1 directive added, 3 removed; added error; removed warn, dyn=debug, h2=error",
		"configured filter replaced by SIGHUP; the runtime override stays in force: no directive changed",
		"filter replaced by HTTP DELETE from 127.0.0.1:5555: 1 directive added, 4 removed; added error; removed warn, dyn=info, h2=error, [req]=trace",
		"filter replaced by core.Reload: no directive changed",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A change of MaxDirectives directives, by a caller whose name is long and
// holds a newline, says so in one line of at most MaxChangeBytes: the
// lists cut after what fits in 512 bytes, with how many more there were,
// and text from outside escaped.
func TestChangeStringBounded(t *testing.T) {
	var got string
	a := filter.NewAtomic(mustParse(t, "info"))
	a.OnChange(func(ch filter.Change) { got = ch.String() })
	a.Override(mustParse(t, spanSpec(filter.MaxDirectives)), "HTTP PUT from 10.0.0.1:1\nINFO forged line"+strings.Repeat("x", 1000))

	added := []string{}
	for i := 0; i < 40; i++ { // 10 of 10 bytes, 30 of 11, ", " between: 508 bytes
		added = append(added, fmt.Sprintf("[s%d]=trace", i))
	}
	want := `filter replaced by HTTP PUT from 10.0.0.1:1\nINFO forged line` + strings.Repeat("x", 256-len("HTTP PUT from 10.0.0.1:1\nINFO forged line")) +
		"…[785 bytes cut]: 1024 directives added, 1 removed; added " + strings.Join(added, ", ") + ", … (984 more); removed info"
	if got != want {
		t.Errorf("change:\n%s\nwant\n%s", got, want)
	}
	if len(got) > filter.MaxChangeBytes {
		t.Errorf("%d bytes, more than MaxChangeBytes", len(got))
	}

	// Directives whose names hold a newline and bidirectional controls,
	// escaped as the caller is; a directive longer than 128 bytes is cut,
	// and once escaped fills its list.
	a.Override(mustParse(t, "[a\nb]=trace,[\u202ex]=debug"), "\x1b[2J")
	want = `filter replaced by \x1b[2J: 2 directives added, 1024 removed; added [a\nb]=trace, [\u{202e}x]=debug; removed ` + strings.Join(added, ", ") + ", … (984 more)"
	if got != want {
		t.Errorf("change:\n%s\nwant\n%s", got, want)
	}
	a.Override(mustParse(t, strings.Repeat("\x01", 600)+",a=info"), "x")
	want = `filter replaced by x: 2 directives added, 2 removed; added ` + strings.Repeat(`\x01`, 128) + `…[478 bytes cut], … (1 more); removed [a\nb]=trace, [\u{202e}x]=debug`
	if got != want {
		t.Errorf("change:\n%s\nwant\n%s", got, want)
	}
}

// The handler takes ChangeBurst changes at once, refused ones included;
// the next PUT, PATCH or DELETE is answered 429 with Retry-After, reaches
// no OnChange callback (so core's loggers write no audit line for it) and
// leaves the filter in force; GET still answers. Time passing refills the
// limit at ChangesPerSecond, up to ChangeBurst.
func TestHandlerChangeLimit(t *testing.T) {
	a := filter.NewAtomic(mustParse(t, "info"))
	// A clock that moves only when told, so that a slow run refills nothing.
	// Atomic: the server's goroutines read it.
	var now atomic.Int64
	now.Store(time.Unix(1_700_000_000, 0).UnixNano())
	filter.SetChangeClock(a, func() time.Time { return time.Unix(0, now.Load()) })
	var changes atomic.Int32
	a.OnChange(func(filter.Change) { changes.Add(1) })
	srv := httptest.NewServer(a)
	defer srv.Close()

	if status, body := do(t, "PUT", srv.URL, "", "x=loud"); status != 400 {
		t.Fatalf("PUT of a bad spec: %d %s", status, body)
	}
	for i := 1; i < filter.ChangeBurst; i++ {
		if status, body := do(t, "PUT", srv.URL, "", fmt.Sprintf("info,t%d=debug", i)); status != 200 {
			t.Fatalf("change %d of %d: %d %s", i+1, filter.ChangeBurst, status, body)
		}
	}
	last := fmt.Sprintf("info,t%d=debug", filter.ChangeBurst-1)
	for _, method := range []string{"PUT", "PATCH", "DELETE"} {
		req, err := http.NewRequest(method, srv.URL, strings.NewReader("warn"))
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := `{"error":"filter: too many changes: the handler takes 16 at once and 2 a second after; retry in 1s; the filter in force stays"}` + "\n"
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" || string(body) != want {
			t.Errorf("%s past the burst: %d, Retry-After %q, %q; want 429, Retry-After 1, %q",
				method, resp.StatusCode, resp.Header.Get("Retry-After"), body, want)
		}
	}
	if got := a.Load().String(); got != last {
		t.Errorf("filter in force after the refused changes: %q, want %q", got, last)
	}
	if n := changes.Load(); n != filter.ChangeBurst-1 {
		t.Errorf("%d changes reported, want %d (the refused ones reach no callback)", n, filter.ChangeBurst-1)
	}
	if status, body := do(t, "GET", srv.URL, "", ""); status != 200 {
		t.Errorf("GET past the change limit: %d %s", status, body)
	}

	// The time of one change gives one change, not two.
	perChange := time.Second / time.Duration(filter.ChangesPerSecond)
	now.Add(int64(perChange))
	if status, body := do(t, "PUT", srv.URL, "", "warn"); status != 200 {
		t.Errorf("PUT %v after the limit: %d %s", perChange, status, body)
	}
	if status, _ := do(t, "PUT", srv.URL, "", "error"); status != http.StatusTooManyRequests {
		t.Errorf("second PUT after one refill: %d, want 429", status)
	}
	// An hour refills the burst, no more.
	now.Add(int64(time.Hour))
	for i := range filter.ChangeBurst {
		if status, body := do(t, "DELETE", srv.URL, "", ""); status != 200 {
			t.Fatalf("DELETE %d after an hour: %d %s", i+1, status, body)
		}
	}
	if status, _ := do(t, "DELETE", srv.URL, "", ""); status != http.StatusTooManyRequests {
		t.Errorf("DELETE past the refilled burst: %d, want 429", status)
	}
}
