//go:build unix

package output

import (
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/internal/logtest"
)

// TestDirectoryOfAnotherUser: root logging into a directory another user
// owns (a shared /var/log/APP of the application's user, mode 0755, or a
// sticky directory anyone may write to, as /tmp) does what it does in a
// directory of its own: rotation with compress and max_backups, a live
// file removed mid-run and its lines carried on, Close letting go of the
// lock, and a reopen that goes on counting the backups. The files are
// root's; the directory keeps its owner and mode. Giving a directory away
// takes root: as another user only the directory of its own is tried.
func TestDirectoryOfAnotherUser(t *testing.T) {
	for _, tc := range []struct {
		name  string
		owner int // -1: the process's user, as t.TempDir makes it
		mode  fs.FileMode
	}{
		{"own 0755", -1, 0o755},
		{"nobody's 0755", 65534, 0o755},
		{"nobody's 1777", 65534, 0o777 | fs.ModeSticky},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "logs")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			owner := os.Geteuid()
			if tc.owner >= 0 {
				if owner != 0 {
					t.Skipf("giving %s to user %d takes root; running as user %d", dir, tc.owner, owner)
				}
				if err := os.Chown(dir, tc.owner, tc.owner); err != nil {
					t.Fatal(err)
				}
				owner = tc.owner
			}
			if err := os.Chmod(dir, tc.mode); err != nil {
				t.Fatal(err)
			}
			rotateInDirectory(t, dir)
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if fileOwner(fi) != owner || fi.Mode() != fs.ModeDir|tc.mode {
				t.Errorf("the directory is now %v of user %d, was %v of user %d", fi.Mode(), fileOwner(fi), fs.ModeDir|tc.mode, owner)
			}
		})
	}
}

// rotateInDirectory logs to dir/app.log, eight lines a file, three
// compressed backups kept, the live file removed mid-run, then closes and
// reopens, and checks the files after each Close line by line.
func rotateInDirectory(t *testing.T, dir string) {
	shape := newLineShape(t)
	lineLen := int64(len(shape.prefix + "0" + shape.middle + "10" + shape.suffix)) // i = 10..99: one length
	path := filepath.Join(dir, "app.log")
	var errOut, fallback logtest.Buffer
	// No check is due after the first line: the removed file is found by
	// the rotation, at a line known in advance.
	cfg := Config{Path: path, MaxBytes: 8 * lineLen, MaxBackups: 3, Compress: true,
		checkEvery: time.Hour, ErrorOutput: &errOut, fallback: &fallback}

	s := newSink(cfg)
	wantLocked(t, path)
	logLines(s, 10, 50) // backups of 10..17, 18..25, 26..33, 34..41; 42..49 live
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	// The rotation before 50 finds the file removed and carries 42..49
	// into the new one; 50 follows them, and the rotation before 51 backs
	// up 42..50.
	logLines(s, 50, 54)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, shape, path, 26, 54, []int{26, 34, 42, 51})
	if want := "dynlog: " + path + " was removed; recreated it\n"; errOut.String() != want {
		t.Errorf("error output %q, want %q", errOut.String(), want)
	}

	errOut = logtest.Buffer{}
	s = newSink(cfg)
	wantLocked(t, path)
	logLines(s, 54, 70) // 51..58 and 59..66 backed up; 67..69 live
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wantFiles(t, shape, path, 42, 70, []int{42, 51, 59, 67})
	if errOut.String() != "" {
		t.Errorf("error output after the reopen %q", errOut.String())
	}
	if fallback.String() != "" {
		t.Errorf("lines on stderr: %.200q", fallback.String())
	}
}

// wantLocked checks that the sink on path holds PATH.lock.
func wantLocked(t *testing.T, path string) {
	t.Helper()
	f, err := lockFile(lockPath(path), os.Geteuid(), fileOwner)
	if le := (*lockedError)(nil); !errors.As(err, &le) || le.pid != os.Getpid() {
		if f != nil {
			f.Close()
		}
		t.Errorf("locking %s beside the open sink: %v, want it held by this process", lockPath(path), err)
	}
}

// wantFiles checks the directory of path after Close: the lock file gone,
// no uncompressed backup or leftover, as many compressed backups as firsts
// has elements before the live file's, each one (and the live file) of the
// process's user with mode 0600, and the lines from..to-1 in them and the
// live file once each, the files starting at the lines firsts says.
func wantFiles(t *testing.T, shape lineShape, path string, from, to int, firsts []int) {
	t.Helper()
	dir := filepath.Dir(path)
	names := dirNames(t, dir)
	var gzs []string
	for _, n := range names {
		if strings.HasSuffix(n, compressSuffix) {
			gzs = append(gzs, n)
		}
	}
	slices.Sort(gzs)
	if want := append(slices.Clone(gzs), filepath.Base(path)); len(gzs) != len(firsts)-1 || !slices.Equal(slices.Sorted(slices.Values(names)), slices.Sorted(slices.Values(want))) {
		t.Fatalf("in %s: %q, want %d compressed backups and the live file alone (no lock file)", dir, names, len(firsts)-1)
	}
	var lines []string
	for k, name := range append(gzs, filepath.Base(path)) {
		f := filepath.Join(dir, name)
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if fileOwner(fi) != os.Geteuid() || fi.Mode() != 0o600 {
			t.Errorf("%s is %v of user %d, want 0600 of user %d", name, fi.Mode(), fileOwner(fi), os.Geteuid())
		}
		if strings.HasSuffix(name, compressSuffix) {
			f = writeTemp(t, gunzip(t, f))
		}
		got := readLines(t, f)
		if len(got) == 0 {
			t.Fatalf("%s is empty", name)
		}
		if _, i, ok := shape.parse(got[0]); !ok || i != firsts[k] {
			t.Errorf("%s starts with %q, want the line for i=%d", name, got[0], firsts[k])
		}
		lines = append(lines, got...)
	}
	wantSequence(t, shape, lines, from, to, "the backups and the live file")
}

// gunzip returns the content of the gzip file at name.
func gunzip(t *testing.T, name string) string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return string(data)
}
