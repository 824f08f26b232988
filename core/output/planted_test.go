//go:build unix

package output

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/internal/logtest"
	"github.com/dynlog/dynlog/internal/rotname"
	"go.uber.org/zap"
)

// The tests of this file plant what a user with write access to the log
// directory (user nobody, 65534, say) could plant for a service: links to a
// file outside the directory (the victim), files with backup names, a lock
// file. As root they are that user's for real (Lchown); as another user,
// the sink is told by Config.owner that they are, since only root can give
// a file away. Either way the sink under test is the real one, on real
// files.

// otherUser is the user the planted files belong to: nobody, or, when
// the tests run as nobody, the user before it.
func otherUser() int {
	if os.Geteuid() == 65534 {
		return 65533
	}
	return 65534
}

// planter marks files as another user's (see above).
type planter struct {
	t      *testing.T
	others []fs.FileInfo // as the process's user: the files marked
}

// plant makes name (a link or a file) another user's.
func (p *planter) plant(name string) {
	p.t.Helper()
	if os.Geteuid() == 0 {
		if err := os.Lchown(name, otherUser(), otherUser()); err != nil {
			p.t.Fatal(err)
		}
		return
	}
	fi, err := os.Lstat(name)
	if err != nil {
		p.t.Fatal(err)
	}
	p.others = append(p.others, fi)
}

// link plants a symbolic link at name to target.
func (p *planter) link(target, name string) {
	p.t.Helper()
	if err := os.Symlink(target, name); err != nil {
		p.t.Fatal(err)
	}
	p.plant(name)
}

// file plants a regular file at name.
func (p *planter) file(name, content string) {
	p.t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.plant(name)
}

// config returns cfg with the owner of the planted files told, and the
// check interval short.
func (p *planter) config(cfg Config) Config {
	cfg.owner = func(fi fs.FileInfo) int {
		for _, o := range p.others {
			if os.SameFile(fi, o) {
				return otherUser()
			}
		}
		return fileOwner(fi)
	}
	cfg.checkEvery = 20 * time.Millisecond
	return cfg
}

// victim is a file outside the log directory that planted links point to:
// its owner, mode and bytes must stay as they are, and nothing may appear
// beside it.
type victim struct {
	dir, path string
	mode      fs.FileMode
	owner     int
}

const victimBytes = "precious: not a log\n"

func newVictim(t *testing.T) *victim {
	t.Helper()
	dir := t.TempDir()
	v := &victim{dir: dir, path: filepath.Join(dir, "victim")}
	if err := os.WriteFile(v.path, []byte(victimBytes), 0o640); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(v.path)
	if err != nil {
		t.Fatal(err)
	}
	v.mode, v.owner = fi.Mode(), fileOwner(fi)
	return v
}

// unchanged checks the victim and that its directory holds it alone.
func (v *victim) unchanged(t *testing.T) {
	t.Helper()
	fi, err := os.Lstat(v.path)
	if err != nil {
		t.Fatalf("the victim: %v", err)
	}
	if fi.Mode() != v.mode || fileOwner(fi) != v.owner {
		t.Errorf("the victim is now mode %v owner %d, was %v owner %d", fi.Mode(), fileOwner(fi), v.mode, v.owner)
	}
	if data, err := os.ReadFile(v.path); err != nil || string(data) != victimBytes {
		t.Errorf("the victim now holds %q (%v), was %q", data, err, victimBytes)
	}
	if names := dirNames(t, v.dir); !slices.Equal(names, []string{"victim"}) {
		t.Errorf("beside the victim: %q, want the victim alone", names)
	}
}

// linkRefused is the cause a report gives for a planted link at name.
func linkRefused(name string) string {
	return fmt.Sprintf("%s is a symbolic link of user %d, not of root or of this process's user (%d); not following it",
		name, otherUser(), os.Geteuid())
}

// logLines logs lineLogger's lines from..to-1 to s.
func logLines(s *sink, from, to int) {
	log := lineLogger(s)
	for i := from; i < to; i++ {
		log.Info("line", zap.Int("g", 0), zap.Int("i", i))
	}
}

// stickyDir makes a directory anyone may write to, as /tmp is.
func stickyDir(t *testing.T, dir string) {
	t.Helper()
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
}

// TestPlantedLinksRefused: a link another user planted at the log path
// (to an existing file or to a name that does not exist), at PATH.lock, or
// at a directory of the path is not followed: the file is refused with one
// report that names the path and the reason, the lines go to stderr, and
// the file the link points to is not touched, nor anything made beside it.
func TestPlantedLinksRefused(t *testing.T) {
	shape := newLineShape(t)
	failing := "; writing log lines to stderr and retrying the file\n"
	for _, tc := range []struct {
		name  string
		plant func(p *planter, v *victim, dir, path string)
		cause func(dir, path string) string
	}{{
		name:  "log path to an existing file",
		plant: func(p *planter, v *victim, _, path string) { p.link(v.path, path) },
		cause: func(_, path string) string { return ": " + linkRefused("the path") },
	}, {
		name:  "log path to a name that does not exist",
		plant: func(p *planter, v *victim, _, path string) { p.link(filepath.Join(v.dir, "made"), path) },
		cause: func(_, path string) string { return ": " + linkRefused("the path") },
	}, {
		name:  "lock file",
		plant: func(p *planter, v *victim, _, path string) { p.link(v.path, lockPath(path)) },
		cause: func(_, path string) string { return ": " + lockPath(path) + " is a symbolic link; not following it" },
	}, {
		name: "directory of the path",
		plant: func(p *planter, v *victim, dir, _ string) {
			if err := os.Remove(dir); err != nil {
				t.Fatal(err)
			}
			p.link(v.dir, dir)
		},
		cause: func(dir, _ string) string { return ": " + linkRefused(dir) },
	}} {
		t.Run(tc.name, func(t *testing.T) {
			v := newVictim(t)
			dir := filepath.Join(t.TempDir(), "logs")
			stickyDir(t, dir)
			path := filepath.Join(dir, "app.log")
			p := &planter{t: t}
			tc.plant(p, v, dir, path)
			var errOut, fallback logtest.Buffer
			s := newSink(p.config(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback}))
			logLines(s, 0, 10)
			if err := s.Reopen(); err == nil { // SIGHUP: refused again, not reported again
				t.Error("Reopen succeeded through the planted link")
			}
			logLines(s, 10, 20)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if want := "dynlog: cannot open " + path + tc.cause(dir, path) + failing; errOut.String() != want {
				t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
			}
			wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 0, 20, "stderr")
			v.unchanged(t)
		})
	}
}

// TestPlantedLinkTrustedOwner: a link that root or the process's own user
// owns is followed, as the kernel's protected_symlinks does: the lines go
// to the file it points to.
func TestPlantedLinkTrustedOwner(t *testing.T) {
	shape := newLineShape(t)
	dir, elsewhere := t.TempDir(), t.TempDir()
	path, target := filepath.Join(dir, "app.log"), filepath.Join(elsewhere, "real.log")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	var errOut logtest.Buffer
	s := newSink(Config{Path: path, ErrorOutput: &errOut})
	logLines(s, 0, 5)
	if err := s.Sync(); err != nil {
		t.Errorf("Sync: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wantSequence(t, shape, readLines(t, target), 0, 5, "the file the link points to")
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}

// TestPlantedLinkSwappedIn: the log path replaced by a planted link while
// the sink writes is noticed at the next check, and not followed: one
// report, the lines to stderr from then on, the victim untouched. The file
// that was replaced keeps the lines written to it (a hard link keeps it
// here); every line is there or on stderr, once.
func TestPlantedLinkSwappedIn(t *testing.T) {
	shape := newLineShape(t)
	v := newVictim(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	p := &planter{t: t}
	var errOut, fallback logtest.Buffer
	s := newSink(p.config(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback}))
	logLines(s, 0, 10)
	kept := filepath.Join(dir, "kept")
	if err := os.Link(path, kept); err != nil {
		t.Fatal(err)
	}
	p.link(v.path, filepath.Join(dir, "swap"))
	if err := os.Rename(filepath.Join(dir, "swap"), path); err != nil {
		t.Fatal(err)
	}
	total := 10
	waitFor(t, 5*time.Second, "report", func() bool {
		logLines(s, total, total+1)
		total++
		return errOut.String() != ""
	})
	logLines(s, total, total+10)
	total += 10
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	want := "dynlog: cannot reopen " + path + ": " + linkRefused("the path") + "; writing log lines to stderr and retrying the file\n"
	if errOut.String() != want {
		t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
	}
	inFile, onStderr := readLines(t, kept), readLines(t, writeTemp(t, fallback.String()))
	if len(onStderr) == 0 {
		t.Error("no line on stderr after the swap")
	}
	wantSequence(t, shape, append(inFile, onStderr...), 0, total, "the replaced file, then stderr")
	v.unchanged(t)
}

// TestPlantedBackups: in a sticky directory, names of backups planted by
// another user (dated in the future, to push the sink's own past
// max_backups; dated long ago, to be removed by max_age_days; links) are
// none of the sink's: not counted, not removed, not compressed. The
// sink's own backups are kept and cleaned by the rules, and nothing is
// reported.
func TestPlantedBackups(t *testing.T) {
	v := newVictim(t)
	dir := filepath.Join(t.TempDir(), "logs")
	stickyDir(t, dir)
	path := filepath.Join(dir, "app.log")
	now := time.Now().UTC()
	name := func(at time.Time) string { return filepath.Base(backupName(path, at, false)) }
	p := &planter{t: t}
	var planted []string
	for k := range 3 {
		n := name(now.AddDate(1, 0, 0).Add(time.Duration(k) * time.Millisecond))
		p.file(filepath.Join(dir, n), "planted\n")
		planted = append(planted, n)
	}
	old := name(now.AddDate(0, 0, -30))
	p.file(filepath.Join(dir, old), "planted\n")
	link := name(now.Add(-time.Minute))
	p.link(v.path, filepath.Join(dir, link))
	planted = append(planted, old, link)

	var own []string
	for _, ago := range []time.Duration{3 * time.Hour, 2 * time.Hour, time.Hour} {
		n := name(now.Add(-ago))
		if err := os.WriteFile(filepath.Join(dir, n), []byte("own\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		own = append(own, n)
	}
	ownOld := name(now.AddDate(0, 0, -10))
	if err := os.WriteFile(filepath.Join(dir, ownOld), []byte("own\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	var errOut logtest.Buffer
	s := newSink(p.config(Config{Path: path, MaxBackups: 3, MaxAgeDays: 7, Compress: true, ErrorOutput: &errOut}))
	logLines(s, 0, 1)
	if err := s.Rotate(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil { // waits for the clean-up
		t.Fatal(err)
	}
	// Kept: the newest three of the sink's own (two of before and the
	// rotation's), compressed; every planted name as it was.
	var rotated string
	for _, n := range dirNames(t, dir) {
		if b, ok := rotname.Parse(path, n, time.UTC); ok && b.Compressed() && !slices.Contains(own, strings.TrimSuffix(n, ".gz")) {
			rotated = n
		}
	}
	if rotated == "" {
		t.Fatalf("no compressed backup of the rotation among %q", dirNames(t, dir))
	}
	want := append([]string{"app.log", own[1] + ".gz", own[2] + ".gz", rotated}, planted...)
	slices.Sort(want)
	if got := dirNames(t, dir); !slices.Equal(got, want) {
		t.Errorf("files\n got %q\nwant %q", got, want)
	}
	for _, n := range planted[:4] {
		if data, err := os.ReadFile(filepath.Join(dir, n)); err != nil || string(data) != "planted\n" {
			t.Errorf("planted %s: %q, %v", n, data, err)
		}
	}
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
	v.unchanged(t)
}

// TestPlantedCompressTarget: a backup's .gz name planted as a link (to a
// file outside, or dangling), with compress: the backup of the sink's is
// left uncompressed and the clean-up says why; nothing is written or
// chowned through the link. A planted backup beside its planted .gz link
// is not the sink's and is left alone, without a word.
func TestPlantedCompressTarget(t *testing.T) {
	v := newVictim(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "app.log")
	now := time.Now().UTC()
	p := &planter{t: t}
	ownBackup := backupName(path, now.Add(-time.Hour), false)
	if err := os.WriteFile(ownBackup, []byte("own\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.link(v.path, ownBackup+".gz")
	theirs := backupName(path, now.Add(-2*time.Hour), false)
	p.file(theirs, "planted\n")
	p.link(v.path, theirs+".gz")
	dangling := backupName(path, now.Add(-3*time.Hour), false)
	if err := os.WriteFile(dangling, []byte("own\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p.link(filepath.Join(v.dir, "made.gz"), dangling+".gz")

	var errOut logtest.Buffer
	s := newSink(p.config(Config{Path: path, Compress: true, ErrorOutput: &errOut}))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	prefix := "dynlog: cleaning up the backups of " + path + ": "
	want := []string{
		prefix + dangling + ".gz is a symbolic link; left the backup uncompressed",
		prefix + ownBackup + ".gz is a symbolic link; left the backup uncompressed",
	}
	got := strings.Split(strings.TrimSuffix(errOut.String(), "\n"), "\n")
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("error output\n got %q\nwant %q", got, want)
	}
	for f, content := range map[string]string{ownBackup: "own\n", dangling: "own\n", theirs: "planted\n"} {
		if data, err := os.ReadFile(f); err != nil || string(data) != content {
			t.Errorf("%s: %q, %v; want it as it was", f, data, err)
		}
	}
	v.unchanged(t)
	if names := dirNames(t, dir); len(names) != 7 {
		t.Errorf("files %q: want the live file, the three backups and their links, nothing else", names)
	}
}

// TestPlantedLockFile: a regular lock file of another user at PATH.lock
// (which, in a sticky directory, the sink cannot remove) is refused, not
// truncated or written; so is one that is not a regular file.
func TestPlantedLockFile(t *testing.T) {
	shape := newLineShape(t)
	t.Run("another user's", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		p := &planter{t: t}
		p.file(lockPath(path), "4242\n")
		var errOut, fallback logtest.Buffer
		s := newSink(p.config(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback}))
		logLines(s, 0, 3)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("dynlog: cannot open %s: %s belongs to user %d, not to this process's user (%d); not using it; writing log lines to stderr and retrying the file\n",
			path, lockPath(path), otherUser(), os.Geteuid())
		if errOut.String() != want {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
		}
		if data, err := os.ReadFile(lockPath(path)); err != nil || string(data) != "4242\n" {
			t.Errorf("the planted lock file: %q, %v", data, err)
		}
		wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 0, 3, "stderr")
	})
	t.Run("a directory", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		if err := os.Mkdir(lockPath(path), 0o755); err != nil {
			t.Fatal(err)
		}
		var errOut, fallback logtest.Buffer
		s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback})
		logLines(s, 0, 3)
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		want := "dynlog: cannot open " + path + ": open " + lockPath(path) + ": is a directory; writing log lines to stderr and retrying the file\n"
		if errOut.String() != want {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
		}
		wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 0, 3, "stderr")
	})
}

// TestLockRemovedWhileHeld: PATH.lock removed while the sink holds it.
// Alone, the sink takes the lock again at its next check and says so. If
// another writer (a lock of its own on a new PATH.lock; another process,
// in effect) takes it first, the sink stops writing to the file at that
// check and writes to stderr, with one report, until the other lets go;
// then it takes the file back. Every line is in the file or on stderr,
// once.
func TestLockRemovedWhileHeld(t *testing.T) {
	shape := newLineShape(t)
	t.Run("taken again", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		var errOut logtest.Buffer
		s := newSink(Config{Path: path, ErrorOutput: &errOut, checkEvery: 20 * time.Millisecond})
		defer s.Close()
		logLines(s, 0, 5)
		if err := os.Remove(lockPath(path)); err != nil {
			t.Fatal(err)
		}
		n := 5
		waitFor(t, 5*time.Second, "report", func() bool {
			logLines(s, n, n+1)
			n++
			return errOut.String() != ""
		})
		if want := "dynlog: " + lockPath(path) + " was removed or replaced while this process held it; locked it again\n"; errOut.String() != want {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
		}
		if data, err := os.ReadFile(lockPath(path)); err != nil || string(data) != strconv.Itoa(os.Getpid())+"\n" {
			t.Errorf("the new lock file: %q, %v", data, err)
		}
		if f, err := lockFile(lockPath(path), os.Geteuid(), fileOwner); err == nil {
			f.Close()
			t.Error("the new lock file is not locked")
		}
		wantSequence(t, shape, readLines(t, path), 0, n, "the file")
	})
	t.Run("taken by another", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "app.log")
		var errOut, fallback logtest.Buffer
		s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback,
			checkEvery: 20 * time.Millisecond, retryMin: 10 * time.Millisecond, retryMax: 10 * time.Millisecond})
		defer s.Close()
		logLines(s, 0, 5)
		if err := os.Remove(lockPath(path)); err != nil {
			t.Fatal(err)
		}
		other, err := lockFile(lockPath(path), os.Geteuid(), fileOwner)
		if err != nil {
			t.Fatal(err)
		}
		n := 5
		waitFor(t, 5*time.Second, "report", func() bool {
			logLines(s, n, n+1)
			n++
			return errOut.String() != ""
		})
		fileBefore := len(readLines(t, path))
		logLines(s, n, n+5) // stderr: the other holds the file
		n += 5
		if got := len(readLines(t, path)); got != fileBefore {
			t.Errorf("the file took %d lines while another writer held its lock", got-fileBefore)
		}
		if err := unlockFile(other, lockPath(path)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, 5*time.Second, "return to the file", func() bool {
			logLines(s, n, n+1)
			n++
			return strings.Contains(errOut.String(), " again\n")
		})
		held := fmt.Sprintf("this process logs to it through a handle of another output.Open or output.Files (it holds %s)", lockPath(path))
		want := "dynlog: cannot keep writing to " + path + ": " + held + "; writing log lines to stderr and retrying the file\n" +
			"dynlog: writing to " + path + " again\n"
		if errOut.String() != want {
			t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
		}
		lines := readLines(t, path)
		stderr := readLines(t, writeTemp(t, fallback.String()))
		if len(stderr) < 5 {
			t.Errorf("%d lines on stderr, want at least the 5 logged while the other held the lock", len(stderr))
		}
		// The file has the lines up to the check, then (after stderr's)
		// the lines from the return.
		wantSequence(t, shape, append(append([]string{}, lines[:fileBefore]...), append(stderr, lines[fileBefore:]...)...), 0, n, "the file, stderr, the file")
	})
}

// TestReportEscapesPath: a path with a newline and a terminal control in
// it (a hostile directory name) cannot forge a second report line or
// drive a terminal: the report has it escaped.
func TestReportEscapesPath(t *testing.T) {
	v := newVictim(t)
	dir := filepath.Join(t.TempDir(), "x\ndynlog: forged\x1b[2J")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "app.log")
	p := &planter{t: t}
	p.link(v.path, path)
	var errOut, fallback logtest.Buffer
	s := newSink(p.config(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback}))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	escaped := strings.NewReplacer("\n", `\n`, "\x1b", `\x1b`).Replace(path)
	want := "dynlog: cannot open " + escaped + ": " + linkRefused("the path") + "; writing log lines to stderr and retrying the file\n"
	if errOut.String() != want {
		t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
	}
	if bytes.Count([]byte(errOut.String()), []byte("\n")) != 1 {
		t.Errorf("the report is not one line: %q", errOut.String())
	}
	v.unchanged(t)
}

// TestPlantedHardLink: a log path that is one of several hard links to a
// file (one that another user could make where fs.protected_hardlinks is
// off, to a file of root's) is refused with a report, the lines go to
// stderr, and the file is not touched: in a sticky directory, and in one
// another user owns (as root, for real).
func TestPlantedHardLink(t *testing.T) {
	shape := newLineShape(t)
	for _, tc := range []struct {
		name string
		make func(t *testing.T, dir string)
	}{
		{"sticky directory", stickyDir},
		{"another user's directory", func(t *testing.T, dir string) {
			if err := os.Mkdir(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if os.Geteuid() == 0 {
				if err := os.Chown(dir, otherUser(), otherUser()); err != nil {
					t.Fatal(err)
				}
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := newVictim(t)
			dir := filepath.Join(t.TempDir(), "logs")
			tc.make(t, dir)
			path := filepath.Join(dir, "app.log")
			if err := os.Link(v.path, path); err != nil {
				t.Fatal(err)
			}
			var errOut, fallback logtest.Buffer
			s := newSink(Config{Path: path, ErrorOutput: &errOut, fallback: &fallback})
			logLines(s, 0, 10)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			want := "dynlog: cannot open " + path + ": the path is one of 2 hard links to one file, which may be a file this process must not write; not writing to it; remove the other names to let it be opened; writing log lines to stderr and retrying the file\n"
			if errOut.String() != want {
				t.Errorf("error output\n got %q\nwant %q", errOut.String(), want)
			}
			wantSequence(t, shape, readLines(t, writeTemp(t, fallback.String())), 0, 10, "stderr")
			v.unchanged(t)
		})
	}
}

// TestPlantedStaleTemp: a file of another user's with the name of a
// compression's temporary file, in a directory they can write, is not the
// sink's: the clean-up that removes its own stale ones leaves it alone.
func TestPlantedStaleTemp(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	stickyDir(t, dir)
	path := filepath.Join(dir, "app.log")
	backup := filepath.Join(dir, "app-2026-12-05T01-00-00.000.log")
	if err := os.WriteFile(backup, []byte("x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p := &planter{t: t}
	planted := filepath.Join(dir, ".app-2026-12-05T01-00-00.000.log.gz.654321.tmp")
	p.file(planted, "theirs\n")
	var errOut logtest.Buffer
	s := newSink(p.config(Config{Path: path, Compress: true, ErrorOutput: &errOut}))
	lineLogger(s).Info("line")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(planted); err != nil || string(b) != "theirs\n" {
		t.Errorf("another user's file: %q, %v; want it left as it was", b, err)
	}
	if _, err := os.Lstat(backup + compressSuffix); err != nil {
		t.Errorf("backup not compressed: %v", err)
	}
	if errOut.String() != "" {
		t.Errorf("error output %q", errOut.String())
	}
}
