package logfile

import (
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dynlog/dynlog/internal/rotname"
)

// followWithHook follows path with testHook set to hook, until the Reader
// has handed out len(want) lines, and checks them.
func followWithHook(t *testing.T, path string, hook func(point string), want []gotLine, opts ...Option) {
	t.Helper()
	deadline, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	ctx, cancel := context.WithCancel(deadline)
	defer cancel()
	testHook = hook
	defer func() { testHook = func(string) {} }()
	r := Open(ctx, []string{path}, nil, append([]Option{WithFollow(time.Millisecond)}, opts...)...)
	lines := make(chan gotLine)
	go func() {
		defer close(lines)
		for r.Next() {
			l := r.Line()
			lines <- gotLine{filepath.Base(l.File), l.Number, string(l.Bytes), l.TooLong}
		}
	}()
	var got []gotLine
	for len(got) < len(want) {
		select {
		case l := <-lines:
			got = append(got, l)
		case <-deadline.Done():
			t.Errorf("timed out with %d lines of %d", len(got), len(want))
		}
		if deadline.Err() != nil {
			break
		}
	}
	cancel()
	for l := range lines { // the Reader's goroutine ends before testHook is reset
		got = append(got, l)
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
}

// rotate renames path to its backup name for time at, as dynlog's file
// output does, and starts a new path holding next; it returns the backup.
func rotate(t *testing.T, path string, at time.Time, next string) string {
	t.Helper()
	backup := rotname.Name(path, at, false)
	if err := os.Rename(path, backup); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(next), 0o600); err != nil {
		t.Fatal(err)
	}
	return backup
}

// compress gzips the backup at path as dynlog's file output does: path.gz
// written whole, given path's modification time, then path removed.
func compress(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path + ".gz")
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path+".gz", fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
}

// compressWhenListed returns a hook that calls rotations, which rotates
// and returns the backups it made, when the Reader first reads the
// followed file to its end, and gzips those backups (compress) right after
// the Reader next lists the backups.
func compressWhenListed(t *testing.T, rotations func() []string) func(point string) {
	var plain []string
	rotated := false
	return func(point string) {
		switch {
		case point == "eof" && !rotated:
			rotated = true
			plain = rotations()
		case point == "listed" && len(plain) > 0:
			for _, p := range plain {
				compress(t, p)
			}
			plain = nil
		}
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// TestFollowWriteBeforeRename: the writer writes a line to the followed
// file after the Reader read it to its end, then renames it away before
// the Reader looks: the line is read from the renamed file before the new
// file's.
func TestFollowWriteBeforeRename(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.log")
	if err := os.WriteFile(path, []byte("one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 9, 2, 16, 38, 6, 0, time.UTC)
	done := false
	followWithHook(t, path, func(point string) {
		if point == "eof" && !done {
			done = true
			appendFile(t, path, "two\n")
			rotate(t, path, at, "three\n")
		}
	}, []gotLine{{"live.log", 1, "one", false}, {"live.log", 2, "two", false}, {"live.log", 1, "three", false}})
}

// TestFollowBackupCompressedWhileListed: two rotations come between two
// looks of the Reader, and both backups are gzipped and their plain forms
// removed right after the Reader listed them: the Reader knows the file it
// drained in its .gz and reads the next backup's .gz before the new file.
func TestFollowBackupCompressedWhileListed(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.log")
	if err := os.WriteFile(path, []byte("one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 9, 2, 16, 38, 6, 0, time.UTC)
	followWithHook(t, path, compressWhenListed(t, func() []string {
		return []string{rotate(t, path, at, "two\n"), rotate(t, path, at.Add(time.Second), "three\n")}
	}), []gotLine{
		{"live.log", 1, "one", false},
		{"live-2025-09-02T16-38-07.000.log.gz", 1, "two", false},
		{"live.log", 1, "three", false},
	})
}

// TestFollowBackupsOfOneModTime: two backups gzipped with one modification
// time (a coarse file system clock, a fast writer) are told apart by the
// length their gzip trailers give: the one after the drained file is read,
// not skipped.
func TestFollowBackupsOfOneModTime(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.log")
	if err := os.WriteFile(path, []byte("one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 9, 2, 16, 38, 6, 0, time.UTC)
	followWithHook(t, path, compressWhenListed(t, func() []string {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		first := rotate(t, path, at, "two two\n")
		if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
		return []string{first, rotate(t, path, at.Add(time.Second), "three\n")}
	}), []gotLine{
		{"live.log", 1, "one", false},
		{"live-2025-09-02T16-38-07.000.log.gz", 1, "two two", false},
		{"live.log", 1, "three", false},
	})
}

// TestFollowBadBackup: a backup that cannot be read to its end (a gzip
// file cut short) is reported once, and the Reader goes on to the next
// file, not back to the same backup again and again.
func TestFollowBadBackup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.log")
	if err := os.WriteFile(path, []byte("one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 9, 2, 16, 38, 6, 0, time.UTC)
	var heard []string
	rotated := false
	followWithHook(t, path, func(point string) {
		if point == "eof" && !rotated {
			rotated = true
			rotate(t, path, at, "two\n")
			second := rotate(t, path, at.Add(time.Second), "three\n")
			compress(t, second)
			gz, err := os.ReadFile(second + ".gz")
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(second+".gz", gz[:len(gz)-8], 0o600); err != nil { // no trailer
				t.Fatal(err)
			}
		}
	}, []gotLine{
		{"live.log", 1, "one", false},
		{"live-2025-09-02T16-38-07.000.log.gz", 1, "two", false},
		{"live.log", 1, "three", false},
	}, WithErrorFunc(func(err error) { heard = append(heard, filepath.Base(err.Error())) }))
	if len(heard) != 1 || heard[0] != "live-2025-09-02T16-38-07.000.log.gz: unexpected EOF" {
		t.Errorf("errors %q, want one, of the .gz cut short", heard)
	}
}
