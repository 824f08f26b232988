package serve

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
)

// segmentInput is a file of every kind of line the index must count as
// the logfile Reader does: CRLF, empty lines, lines longer than a block's
// bytes, a line longer than logfile.MaxLineSize, thousands of short ones,
// and a last line without "\n".
func segmentInput() []byte {
	var b bytes.Buffer
	for i := range 3000 {
		switch {
		case i%700 == 5:
			fmt.Fprintf(&b, "%d %s\n", i, strings.Repeat("x", blockBytes+10))
		case i%100 == 7:
			fmt.Fprintf(&b, "%d crlf\r\n", i)
		case i%100 == 8:
			b.WriteString("\n")
		default:
			fmt.Fprintf(&b, `{"level":"INFO","message":"line %d"}`+"\n", i)
		}
	}
	fmt.Fprintf(&b, "%s\n", strings.Repeat("y", logfile.MaxLineSize+5))
	b.WriteString("the last line, unterminated")
	return b.Bytes()
}

type lineKey struct {
	number  int
	bytes   string
	tooLong bool
	length  int64
}

func keysOf(lines []logfile.Line) []lineKey {
	var out []lineKey
	for _, l := range lines {
		out = append(out, lineKey{l.Number, string(l.Bytes), l.TooLong, l.Length})
	}
	return out
}

// readerLines is what the logfile Reader reads of path.
func readerLines(t *testing.T, path string, data []byte) []logfile.Line {
	t.Helper()
	var lines []logfile.Line
	r := logfile.NewReader(path, bytes.NewReader(data))
	for r.Next() {
		l := r.Line()
		l.Bytes = bytes.Clone(l.Bytes)
		lines = append(lines, l)
	}
	return lines
}

// TestSegmentReadsWhatTheReaderReads: the blocks of the index, read one by
// one, plain or gzipped, are the logfile Reader's lines of the file, each
// once, numbered alike.
func TestSegmentReadsWhatTheReaderReads(t *testing.T) {
	data := segmentInput()
	dir := t.TempDir()
	plain := filepath.Join(dir, "w.log")
	os.WriteFile(plain, data, 0o644)
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(data)
	zw.Close()
	gz := filepath.Join(dir, "w-2026-01-01T00-00-00.000.log.gz")
	os.WriteFile(gz, z.Bytes(), 0o644)
	want := keysOf(readerLines(t, plain, data))

	for _, name := range []string{plain, gz} {
		seg, err := openSegment(name, false, false)
		if err != nil {
			t.Fatal(err)
		}
		defer seg.file.Close()
		if seg.lines != int64(len(want)) {
			t.Fatalf("%s: the index counts %d lines, the Reader reads %d", name, seg.lines, len(want))
		}
		if len(seg.marks) < 3000/blockLines {
			t.Errorf("%s: %d blocks", name, len(seg.marks))
		}
		var got []logfile.Line
		for k := range seg.marks {
			lines, err := seg.read(k, k)
			if err != nil {
				t.Fatalf("%s: block %d: %v", name, k, err)
			}
			got = append(got, lines...)
		}
		if g := keysOf(got); !slices.Equal(g, want) {
			t.Errorf("%s: the blocks read %d lines that differ from the Reader's %d", name, len(g), len(want))
		}
	}
	// Live, the last line is still being written: the follower hands it
	// over once it ends.
	seg, err := openSegment(plain, true, false)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.file.Close()
	if seg.lines != int64(len(want)-1) {
		t.Errorf("live: %d lines, want %d: all but the unterminated one", seg.lines, len(want)-1)
	}
}

// TestFollowSkipsWhatTheIndexHolds: the follower hands over exactly the
// lines after those indexed: the unterminated last one once it ends, and
// those written since.
func TestFollowSkipsWhatTheIndexHolds(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.jsonl")
	os.WriteFile(path, []byte("a\nb\nc-start"), 0o644)
	st := openStream(path, func(err error) { t.Error(err) })
	if st.static != 2 {
		t.Fatalf("%d lines indexed, want 2", st.static)
	}
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() {
		st.follow(ctx, 5e6, func(err error) { t.Error(err) }, func() { got <- struct{}{} })
		close(done)
	}()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("-end\nd\n")
	f.Close()
	for st.count() < 4 {
		<-got
	}
	cancel()
	<-done
	var lines []string
	for p := int64(0); p < st.count(); {
		for _, it := range st.chunkFrom(p) {
			lines = append(lines, string(it.line.Bytes))
			p = it.pos + 1
		}
	}
	if want := []string{"a", "b", "c-start-end", "d"}; !slices.Equal(lines, want) {
		t.Errorf("lines %q, want %q", lines, want)
	}
}

// TestExpand: a DIR stands for its log files, a backup for the file it
// was rotated from; files are named once, in order.
func TestExpand(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"a.jsonl", "a-2026-01-01T00-00-00.000.jsonl.gz", "b.log", "c.txt", "d.gz",
		"x-2026-01-01T00-00-00.000.log", "w-debug.json"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	os.Mkdir(filepath.Join(dir, "sub.log"), 0o755)
	got, err := Expand([]string{dir, filepath.Join(dir, "b.log"), filepath.Join(dir, "later.jsonl")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range got {
		names = append(names, strings.TrimPrefix(g, dir+"/"))
	}
	if want := []string{"a.jsonl", "b.log", "w-debug.json", "x.log", "later.jsonl"}; !slices.Equal(names, want) {
		t.Errorf("Expand: %q, want %q", names, want)
	}
	if _, err := Expand([]string{"/dev/null"}, nil); err == nil {
		t.Error("Expand(/dev/null): no error for a file that is not regular")
	}
}

// TestCompressedFileNamedIsReadWhole: a .gz named as a file is read to
// its end, its last line too, and not followed.
func TestCompressedFileNamedIsReadWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.jsonl.gz")
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte("a\nb\nlast"))
	zw.Close()
	os.WriteFile(path, z.Bytes(), 0o644)
	st := openStream(path, func(err error) { t.Error(err) })
	defer st.close()
	if st.static != 3 || st.followed() {
		t.Errorf("%d lines, followed %v; want 3, not followed", st.static, st.followed())
	}
}

// TestLiveLinesLetGoAreSaid: past maxLiveBytes the oldest lines read
// live are let go, and the walk meets one gap in their place, backwards
// and forwards, never a silent hole.
func TestLiveLinesLetGoAreSaid(t *testing.T) {
	defer func(n int) { maxLiveBytes = n }(maxLiveBytes)
	maxLiveBytes = 10 * (64 + 10)
	path := filepath.Join(t.TempDir(), "w.jsonl")
	os.WriteFile(path, []byte("indexed\n"), 0o644)
	st := openStream(path, func(err error) { t.Error(err) })
	defer st.close()
	var lines []liveLine
	for i := range 25 {
		lines = append(lines, liveLine{line: logfile.Line{File: path, Number: i + 2, Bytes: fmt.Appendf(nil, "live %04d", i)}})
	}
	st.add(lines)
	if n := st.count(); n != 26 {
		t.Fatalf("count %d, want 26", n)
	}
	var back []string
	for p := st.count(); p > 0; {
		chunk := st.chunkBefore(p)
		for i := len(chunk) - 1; i >= 0; i-- {
			it := chunk[i]
			if it.gap > 0 {
				back = append(back, fmt.Sprintf("gap %d at %d", it.gap, it.pos))
			} else {
				back = append(back, string(it.line.Bytes))
			}
			p = it.pos
		}
	}
	slices.Reverse(back)
	var fwd []string
	for p := int64(0); p < st.count(); {
		for _, it := range st.chunkFrom(p) {
			if it.gap > 0 {
				fwd = append(fwd, fmt.Sprintf("gap %d at %d", it.gap, it.pos))
				p = it.pos + it.gap
			} else {
				fwd = append(fwd, string(it.line.Bytes))
				p = it.pos + 1
			}
		}
	}
	want := []string{"indexed", "gap 15 at 1"}
	for i := 15; i < 25; i++ {
		want = append(want, fmt.Sprintf("live %04d", i))
	}
	if !slices.Equal(back, want) || !slices.Equal(fwd, want) {
		t.Errorf("backwards %q\nforwards %q\nwant %q", back, fwd, want)
	}
}

// TestRotationAtStartIsSaid: a file rotated between its indexing and the
// follower's first read is not skipped into: the new file's lines come
// whole, after a note.
func TestRotationAtStartIsSaid(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.jsonl")
	os.WriteFile(path, []byte("old 1\nold 2\nold 3\n"), 0o644)
	st := openStream(path, func(err error) { t.Error(err) })
	defer st.close()
	os.Rename(path, filepath.Join(dir, "w-2026-01-01T00-00-00.000.jsonl"))
	os.WriteFile(path, []byte("new 1\nnew 2\n"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan struct{}, 16)
	done := make(chan struct{})
	go func() {
		st.follow(ctx, 5e6, func(err error) { t.Error(err) }, func() { got <- struct{}{} })
		close(done)
	}()
	for st.count() < 6 {
		<-got
	}
	cancel()
	<-done
	var lines []string
	for p := int64(0); p < st.count(); {
		for _, it := range st.chunkFrom(p) {
			lines = append(lines, string(it.line.Bytes)+it.note)
			p = it.pos + 1
		}
	}
	want := []string{"old 1", "old 2", "old 3",
		path + " was rotated while dynlog serve started: the 3 lines indexed are the old file's, read on from here is the new one",
		"new 1", "new 2"}
	if !slices.Equal(lines, want) {
		t.Errorf("lines\n%q\nwant\n%q", lines, want)
	}
}
