package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/internal/logtest"
)

// TestViewFollowAcrossRotation has dynlog's own file output (core/output)
// write numbered lines to a file and rename it away every
// 500 ms, then every 20 ms, while view -f follows it from before the file
// exists: every line comes out once, in order.
//
// Then the same with logrotate's copytruncate: the file is copied to
// live.log.N and truncated; the lines written between view's last read and
// the copy are read from the copy. (Only one copy per poll interval is
// found: copytruncate every 20 ms loses lines, and is not tested.)
//
// And with compressed backups, rotating every 20 ms: a backup view has not
// reached yet is gzipped (and the plain one removed) behind its back, so it
// reads NAME-TIME.EXT.gz in its place.
//
// And with compressed backups, rotating every 20 lines as fast as the
// writer goes, while 2 x GOMAXPROCS goroutines, each on a thread of its
// own, keep every core busy: the follower, the writer and its compressor
// then stop for milliseconds between any two steps, as on a loaded
// machine, which opens the windows between a look and the next: lines
// written after view read the file to its end and before the rename, a
// backup gzipped between the listing and the look at it, several
// rotations between two looks.
func TestViewFollowAcrossRotation(t *testing.T) {
	for _, tc := range []struct {
		every    time.Duration
		copy     bool
		compress bool
		loaded   bool
	}{
		{500 * time.Millisecond, false, false, false},
		{20 * time.Millisecond, false, false, false},
		{500 * time.Millisecond, true, false, false},
		{20 * time.Millisecond, false, true, false},
		{0, false, true, true},
	} {
		every := tc.every
		name := every.String()
		if tc.loaded {
			name = "20 lines"
		}
		if tc.copy {
			name += " copytruncate"
		}
		if tc.compress {
			name += " compress"
		}
		if tc.loaded {
			name += " loaded"
		}
		t.Run(name, func(t *testing.T) {
			if tc.loaded {
				defer keepCPUsBusy()()
			}
			dir := t.TempDir()
			path := filepath.Join(dir, "live.log")
			// Files beside it whose names only look like backups: another
			// program's log, a name with no time. view must not follow
			// into them.
			for _, sibling := range []string{"live-debug.log", "live-zz.log", "live-9999.log.gz"} {
				if err := os.WriteFile(filepath.Join(dir, sibling), []byte("a line of "+sibling+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			old := viewContext
			viewContext = func() (context.Context, context.CancelFunc) { return ctx, cancel }
			defer func() { viewContext = old }()

			var out, errOut logtest.Buffer
			done := make(chan int)
			go func() { done <- run([]string{"view", "-f", path}, &out, &errOut) }()
			waiting := "dynlog view: " + path + " does not exist yet; waiting for it\n"
			for errOut.String() != waiting { // view waits for the file before it exists
				time.Sleep(time.Millisecond)
			}

			// About 1.5 s of writing, a line every 100 µs or so; loaded,
			// with no pause (a sleep would last until a spinning goroutine
			// yields its core).
			const lines = 6000
			var w rotatingWriter
			if tc.copy {
				w = &copyTruncater{path: path}
			} else {
				f, _, err := output.Open(output.Config{Path: path, Compress: tc.compress})
				if err != nil {
					t.Fatal(err)
				}
				w = f
			}
			var want strings.Builder
			rotations := 0
			last := time.Now()
			for i := range lines {
				line := fmt.Sprintf("line %06d of the writer, padded to look like a log line\n", i)
				want.WriteString(line)
				if _, err := w.Write([]byte(line)); err != nil {
					t.Fatal(err)
				}
				if i%10 == 0 && !tc.loaded {
					time.Sleep(2 * time.Millisecond)
				}
				if tc.loaded && i%20 == 19 || !tc.loaded && time.Since(last) >= every {
					if err := w.Rotate(); err != nil {
						t.Fatal(err)
					}
					rotations++
					last = time.Now()
				}
			}
			w.Close()
			if rotations == 0 {
				t.Fatal("no rotation happened while view -f followed the file")
			}

			deadline := time.Now().Add(20 * time.Second)
			for out.String() != want.String() && time.Now().Before(deadline) && strings.Count(out.String(), "\n") < lines {
				time.Sleep(10 * time.Millisecond)
			}
			time.Sleep(50 * time.Millisecond) // a line printed twice would show now
			cancel()
			if code := <-done; code != 0 {
				t.Errorf("exit %d", code)
			}
			if errOut.String() != waiting {
				t.Errorf("stderr %q, want %q", errOut.String(), waiting)
			}
			got := out.String()
			if got != want.String() {
				gotLines := strings.Split(got, "\n")
				for i, l := range strings.Split(want.String(), "\n") {
					if i >= len(gotLines) || gotLines[i] != l {
						t.Fatalf("after %d rotations: %d lines of %d out; line %d is %q, want %q",
							rotations, strings.Count(got, "\n"), lines, i, gotLines[min(i, len(gotLines)-1)], l)
					}
				}
				t.Fatalf("after %d rotations: %d lines of %d out, more than were written", rotations, strings.Count(got, "\n"), lines)
			}
			t.Logf("%d lines across %d rotations", lines, rotations)
		})
	}
}

// keepCPUsBusy starts 2 x GOMAXPROCS goroutines that spin, each locked to
// a thread of its own, and returns what stops them.
func keepCPUsBusy() (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			for n := 0; !done.Load(); n++ {
			}
		})
	}
	return func() {
		done.Store(true)
		wg.Wait()
	}
}

type rotatingWriter interface {
	io.WriteCloser
	Rotate() error
}

// copyTruncater writes as a program whose log logrotate's copytruncate
// rotates: appending to path, which Rotate copies to path.N and truncates.
type copyTruncater struct {
	path string
	f    *os.File
	n    int
}

func (c *copyTruncater) Write(p []byte) (int, error) {
	if c.f == nil {
		f, err := os.OpenFile(c.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			return 0, err
		}
		c.f = f
	}
	return c.f.Write(p)
}

func (c *copyTruncater) Rotate() error {
	c.n++
	data, err := os.ReadFile(c.path)
	if err != nil {
		return err
	}
	if err := os.WriteFile(fmt.Sprintf("%s.%d", c.path, c.n), data, 0o600); err != nil {
		return err
	}
	return os.Truncate(c.path, 0)
}

func (c *copyTruncater) Close() error { return c.f.Close() }
