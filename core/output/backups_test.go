package output

import (
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/internal/rotname"
	"go.uber.org/zap"
)

func TestBackupName(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 9, 2, 16, 38, 6, 656_900_000, berlin)
	for _, tc := range []struct {
		path  string
		local bool
		want  string
	}{
		{"/var/log/worker.log", true, "/var/log/worker-2025-09-02T16-38-06.656.log"},
		{"/var/log/worker.log", false, "/var/log/worker-2025-09-02T14-38-06.656.log"},
		{"/var/log/worker", false, "/var/log/worker-2025-09-02T14-38-06.656"},
		{"/var/log/worker.1.jsonl", false, "/var/log/worker.1-2025-09-02T14-38-06.656.jsonl"},
		{"app.log", false, "app-2025-09-02T14-38-06.656.log"},
	} {
		if got := backupName(tc.path, at, tc.local); got != tc.want {
			t.Errorf("backupName(%q, local %v) = %q, want %q", tc.path, tc.local, got, tc.want)
		}
	}
}

// TestRotationNamesBackups: a rotation moves the live file to
// NAME-TIME.EXT, TIME the rotation time in UTC to the millisecond, with
// what it held, and the new live file takes the old one's mode.
func TestRotationNamesBackups(t *testing.T) {
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, ErrorOutput: &errOut})
	defer s.Close()
	log := lineLogger(s)
	log.Info("line", zap.Int("g", 0), zap.Int("i", 0))
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new file: %v, %v; want mode 0600", fi, err)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	before := time.Now().UTC().Truncate(time.Millisecond)
	if err := s.Rotate(); err != nil {
		t.Fatal(err)
	}
	after := time.Now().UTC()
	log.Info("line", zap.Int("g", 0), zap.Int("i", 1))

	files := logFiles(t, dir, path)
	if len(files) != 2 {
		t.Fatalf("files %q, want a backup and the live file", files)
	}
	m := regexp.MustCompile(`^app-(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3})\.log$`).FindStringSubmatch(filepath.Base(files[0]))
	if m == nil {
		t.Fatalf("backup %q is not named NAME-TIME.EXT", files[0])
	}
	at, err := time.Parse(rotname.TimeFormat, m[1])
	if err != nil || at.Before(before) || at.After(after) {
		t.Errorf("backup time %s (%v), want the rotation's in UTC, between %v and %v", m[1], err, before, after)
	}
	wantSequence(t, shape, readLines(t, files[0]), 0, 1, "the backup")
	wantSequence(t, shape, readLines(t, path), 1, 2, "the live file")
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("the file after rotation: %v, %v; want the mode of the one it replaced, 0640", fi, err)
	}
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestMaxBackups: with max_backups = 3 and a rotation per line, the
// newest three backups are kept, and they are the last lines before the
// live file's.
func TestMaxBackups(t *testing.T) {
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	// Another program's logs beside it, named like backups but not one:
	// the clean-up leaves them.
	others := []string{"app-debug.log", "app-9999.log.gz", "app-2025-09-02T16-38-06.log"}
	for _, o := range others {
		if err := os.WriteFile(filepath.Join(dir, o), []byte("not a backup\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, MaxBytes: 100, MaxBackups: 3, ErrorOutput: &errOut})
	log := lineLogger(s)
	for i := range 10 {
		log.Info("line", zap.Int("g", 0), zap.Int("i", i))
	}
	if err := s.Close(); err != nil { // waits for the clean-up
		t.Fatal(err)
	}
	files := logFiles(t, dir, path)
	if len(files) != 4 {
		t.Fatalf("files %q, want three backups and the live file", files)
	}
	wantSequence(t, shape, readLines(t, files...), 6, 10, "the backups kept and the live file")
	if entries, _ := os.ReadDir(dir); len(entries) != 4+len(others) {
		t.Errorf("%d entries in the directory, want %d", len(entries), 4+len(others))
	}
	for _, o := range others {
		if _, err := os.Stat(filepath.Join(dir, o)); err != nil {
			t.Errorf("the clean-up took %s: %v", o, err)
		}
	}
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestMaxBackupsCountsCompressedCopyOnce: a backup and its compressed copy
// (a compression cut short by a crash leaves both) count as one backup
// toward max_backups, as in lumberjack: both stay among the newest, and
// only the backups past them are removed.
func TestMaxBackupsCountsCompressedCopyOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	now := time.Now().UTC()
	name := func(ago time.Duration) string { return filepath.Base(backupName(path, now.Add(-ago), false)) }
	newest, second, oldest := name(time.Hour), name(2*time.Hour)+".gz", name(3*time.Hour)
	cleanUpLeaves(t, Config{Path: path, MaxBackups: 2},
		[]string{newest, newest + ".gz", second, oldest},
		[]string{newest, newest + ".gz", second})
}

// TestMaxAge: backups rotated longer ago than max_age_days are removed
// when the file is opened, compressed ones too; newer ones, and files that
// only look like backups, stay.
func TestMaxAge(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	now := time.Now().UTC()
	name := func(ago time.Duration) string { return filepath.Base(backupName(path, now.Add(-ago), false)) }
	old, oldGz, recent := name(8*24*time.Hour), name(9*24*time.Hour)+".gz", name(6*24*time.Hour)
	others := []string{"app-yesterday.log", "app.log.1", "other-2020-01-01T00-00-00.000.log"}
	cleanUpLeaves(t, Config{Path: path, MaxAgeDays: 7},
		append([]string{old, oldGz, recent}, others...),
		append([]string{recent}, others...))
}

// TestCompress: with compress the backups are gzipped, with the mode of
// the file they were, and hold every line; none is left uncompressed.
func TestCompress(t *testing.T) {
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, MaxBytes: 400, Compress: true, ErrorOutput: &errOut})
	log := lineLogger(s)
	const n = 20
	for i := range n {
		log.Info("line", zap.Int("g", 0), zap.Int("i", i))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if backups := logFiles(t, dir, path); len(backups) != 1 {
		t.Errorf("uncompressed files %q, want the live file alone", backups)
	}
	gzs, err := filepath.Glob(filepath.Join(dir, "app-*.log.gz"))
	if err != nil || len(gzs) < 2 {
		t.Fatalf("compressed backups %q (%v), want several", gzs, err)
	}
	slices.Sort(gzs)
	var unpacked []string
	for _, gz := range gzs {
		if fi, err := os.Stat(gz); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, %v; want mode 0600", gz, fi, err)
		}
		f, err := os.Open(gz)
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", gz, err)
		}
		unpacked = append(unpacked, writeTemp(t, string(data)))
	}
	wantSequence(t, shape, readLines(t, append(unpacked, path)...), 0, n, "the compressed backups and the live file")
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestCompressRemovesStaleTemps: the temporary file of a compression that
// a process's end cut short is removed by the next clean-up, and the
// backup compressed; a file of another name, or another backup path's
// temporary, is left alone.
func TestCompressRemovesStaleTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	backup := filepath.Join(dir, "app-2026-12-05T01-00-00.000.log")
	stale := filepath.Join(dir, ".app-2026-12-05T01-00-00.000.log.gz.123456.tmp")
	others := []string{
		filepath.Join(dir, ".other-2026-12-05T01-00-00.000.log.gz.1.tmp"), // another log's
		filepath.Join(dir, ".app-not-a-time.log.gz.1.tmp"),                // no backup's name
		filepath.Join(dir, "app-2026-12-05T01-00-00.000.log.gz.1.tmp"),    // not hidden
	}
	for _, f := range append([]string{backup, stale}, others...) {
		if err := os.WriteFile(f, []byte("x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, Compress: true, ErrorOutput: &errOut})
	lineLogger(s).Info("line")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale temporary file: %v; want it removed", err)
	}
	if _, err := os.Lstat(backup + compressSuffix); err != nil {
		t.Errorf("backup not compressed: %v", err)
	}
	for _, f := range others {
		if _, err := os.Lstat(f); err != nil {
			t.Errorf("%s: %v; want it left alone", filepath.Base(f), err)
		}
	}
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestCleanUpFailureReported: a backup that cannot be compressed (its .gz
// name is a directory) is reported on the error output, and left as it is.
func TestCleanUpFailureReported(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	backup := backupName(path, time.Now().Add(-time.Hour), false)
	if err := os.WriteFile(backup, []byte("kept\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(backup+".gz", 0o755); err != nil {
		t.Fatal(err)
	}
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, Compress: true, ErrorOutput: &errOut})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := "dynlog: cleaning up the backups of " + path + ": " + backup + ".gz is a directory; left the backup uncompressed\n"
	if errOut.String() != want {
		t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
	}
	if data, err := os.ReadFile(backup); err != nil || string(data) != "kept\n" {
		t.Errorf("the backup: %q, %v", data, err)
	}
}

// TestRotationKeepsExistingBackups: a rotation whose backup name is taken
// already (backups from before the clock was set back, say) takes the next
// free millisecond rather than renaming over a backup.
func TestRotationKeepsExistingBackups(t *testing.T) {
	shape := newLineShape(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, ErrorOutput: &errOut})
	defer s.Close()
	log := lineLogger(s)
	log.Info("line", zap.Int("g", 0), zap.Int("i", 0))
	// Every name of the next 300 ms is taken.
	start := time.Now()
	taken := map[string]bool{}
	for ms := range 300 {
		name := backupName(path, start.Add(time.Duration(ms)*time.Millisecond), false)
		if err := os.WriteFile(name, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		taken[name] = true
	}
	if err := s.Rotate(); err != nil {
		t.Fatal(err)
	}
	var ours []string
	for _, f := range logFiles(t, dir, path) {
		if f == path {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case taken[f] && string(data) != "old\n":
			t.Errorf("%s was renamed over: %q", f, data)
		case !taken[f]:
			ours = append(ours, f)
		}
	}
	if len(ours) != 1 {
		t.Fatalf("new backups %q, want one", ours)
	}
	wantSequence(t, shape, readLines(t, ours[0]), 0, 1, "the new backup")
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestRotationKeepsExistingCompressedBackups: as
// TestRotationKeepsExistingBackups, with compress and the names taken by
// compressed backups: the rotation takes a name whose .gz is free too, so
// that compressing the new backup does not overwrite an old one.
func TestRotationKeepsExistingCompressedBackups(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, Compress: true, ErrorOutput: &errOut})
	log := lineLogger(s)
	log.Info("line", zap.Int("g", 0), zap.Int("i", 0))
	// Every name of the next 300 ms is taken by a compressed backup.
	start := time.Now()
	taken := map[string]bool{}
	for ms := range 300 {
		name := backupName(path, start.Add(time.Duration(ms)*time.Millisecond), false) + compressSuffix
		if err := os.WriteFile(name, []byte("old\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		taken[name] = true
	}
	if err := s.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // waits for the compression
		t.Fatal(err)
	}
	gzs, err := filepath.Glob(filepath.Join(dir, "app-*.log.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var ours []string
	for _, gz := range gzs {
		data, err := os.ReadFile(gz)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case taken[gz] && string(data) != "old\n":
			t.Errorf("%s was compressed over", gz)
		case !taken[gz]:
			ours = append(ours, gz)
		}
	}
	if len(ours) != 1 {
		t.Errorf("new compressed backups %q, want one", ours)
	}
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestCompressKeepsModTime: the gzipped backup keeps the modification time
// of the file it was, as gzip(1) does, by which dynlog view -f knows a
// backup it was reading once the plain form is gone.
func TestCompressKeepsModTime(t *testing.T) {
	src := filepath.Join(t.TempDir(), "app-2026-01-02T03-04-05.000.log")
	if err := os.WriteFile(src, []byte("a line\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	if err := os.Chtimes(src, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	if err := compressFile(src, func(fs.FileInfo) bool { return true }); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(src + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(mtime) {
		t.Errorf("%s.gz modified %v, want %v", src, fi.ModTime(), mtime)
	}
	if _, err := os.Stat(src); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("plain backup left: %v", err)
	}
}

// dirNames lists the names in dir, sorted.
// cleanUpLeaves writes files (backups, or names that only look like
// them) beside cfg.Path, opens and closes a file of cfg (the clean-up runs
// when the file is opened, and Close waits for it), and checks that the
// directory then holds the live file and want, nothing else, and that
// nothing was reported.
func cleanUpLeaves(t *testing.T, cfg Config, files, want []string) {
	t.Helper()
	dir := filepath.Dir(cfg.Path)
	for _, n := range files {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var errOut logtest.Buffer
	cfg.ErrorOutput = &errOut
	if err := newSink(cfg).Close(); err != nil {
		t.Fatal(err)
	}
	want = append([]string{filepath.Base(cfg.Path)}, want...)
	slices.Sort(want)
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("files\n got %q\nwant %q", got, want)
	}
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}
