// Package rotname is the naming of rotated log files, lumberjack's, which
// dynlog's file output (core/output) writes and `dynlog view -f`
// (cmd/dynlog/internal/logfile) follows: the backup of /var/log/worker.log rotated at
// 2025-09-02 16:38:06.656 is /var/log/worker-2025-09-02T16-38-06.656.log,
// and worker-2025-09-02T16-38-06.656.log.gz once compressed. One place
// says what a backup's name is, so that the writer and the follower agree
// on which files are backups and in which order they were rotated, and a
// file beside the log whose name only looks like a backup's
// (worker-debug.log, another program's) is neither removed nor followed.
package rotname

import (
	"os"
	"path/filepath"
	"strings"
	"time"
)

// TimeFormat is the time a backup's name carries: millisecond precision,
// no characters a file system refuses, sorting as it runs.
const TimeFormat = "2006-01-02T15-04-05.000"

// CompressSuffix ends the name of a compressed backup.
const CompressSuffix = ".gz"

// Name is the path of the backup of path rotated at t: the time inserted
// before the extension, in local time or UTC.
func Name(path string, t time.Time, local bool) string {
	dir, base := filepath.Split(path)
	ext := filepath.Ext(base)
	if !local {
		t = t.UTC()
	}
	return filepath.Join(dir, strings.TrimSuffix(base, ext)+"-"+t.Format(TimeFormat)+ext)
}

// Backup is one backup of a log file, found by its name.
type Backup struct {
	Name    string    // in the log file's directory
	Rotated time.Time // the time its name carries
}

// Compressed reports whether the backup is gzipped.
func (b Backup) Compressed() bool { return strings.HasSuffix(b.Name, CompressSuffix) }

// Parse reports whether name, a file in path's directory, is a backup of
// path, and when it was rotated, its name's time read in loc. A name that
// only looks like one (a time that does not parse) is not one.
func Parse(path, name string, loc *time.Location) (Backup, bool) {
	base := filepath.Base(path)
	ext := filepath.Ext(base)
	stamp, ok := strings.CutPrefix(strings.TrimSuffix(name, CompressSuffix), strings.TrimSuffix(base, ext)+"-")
	if !ok {
		return Backup{}, false
	}
	if stamp, ok = strings.CutSuffix(stamp, ext); !ok {
		return Backup{}, false
	}
	t, err := time.ParseInLocation(TimeFormat, stamp, loc)
	if err != nil {
		return Backup{}, false
	}
	return Backup{Name: name, Rotated: t}, true
}

// List lists the backups of path that are regular files, compressed or
// not, oldest first; of a backup and its compressed copy, the plain one
// first. That is the order of their names, since TimeFormat sorts as it
// runs. Their names' times are read in loc.
func List(path string, loc *time.Location) ([]Backup, error) {
	entries, err := os.ReadDir(filepath.Dir(path)) // sorted by name
	if err != nil {
		return nil, err
	}
	var found []Backup
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		if b, ok := Parse(path, e.Name(), loc); ok {
			found = append(found, b)
		}
	}
	return found, nil
}
