package output

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, where the system has no zoneinfo
)

// localTimeChild tells a re-run of the test binary to run maxAgeLocalTime
// in the zone TZ names.
const localTimeChild = "DYNLOG_OUTPUT_TEST_LOCAL_TIME"

// TestMaxAgeLocalTime: with LocalTime (TOML local_tz) backups are named in
// local time, and max_age_days reads their names in local time too. The
// zones are far from UTC on either side, so that reading the names as UTC
// would keep a backup a day past the age (UTC+12:45 or +13:45: the name
// looks newer) or remove one still within it (UTC-3:30 or -2:30: it looks
// older). time.Local is fixed when a process starts, so each zone runs in
// a child process with TZ set.
func TestMaxAgeLocalTime(t *testing.T) {
	if os.Getenv(localTimeChild) != "" {
		maxAgeLocalTime(t)
		return
	}
	for _, zone := range []string{"Pacific/Chatham", "America/St_Johns"} {
		t.Run(zone, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run", "^TestMaxAgeLocalTime$", "-test.count", "1")
			cmd.Env = append(os.Environ(), "TZ="+zone, localTimeChild+"=1")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("in TZ=%s: %v\n%s", zone, err, out)
			}
		})
	}
}

func maxAgeLocalTime(t *testing.T) {
	now := time.Now()
	if _, offset := now.Zone(); offset == 0 {
		t.Fatalf("TZ=%s: local time is UTC here, which tests nothing", os.Getenv("TZ"))
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	name := func(ago time.Duration) string { return filepath.Base(backupName(path, now.Add(-ago), true)) }
	const week = 7 * 24 * time.Hour
	old, recent := name(week+time.Hour), name(week-time.Hour)
	t.Logf("TZ=%s: %s is past a week's age, %s within it", os.Getenv("TZ"), old, recent)
	cleanUpLeaves(t, Config{Path: path, MaxAgeDays: 7, LocalTime: true}, []string{old, recent}, []string{recent})
}
