package logfile

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type gotLine struct {
	file    string
	number  int
	text    string
	tooLong bool
}

func readAll(r *Reader) []gotLine {
	var got []gotLine
	for r.Next() {
		l := r.Line()
		got = append(got, gotLine{l.File, l.Number, string(l.Bytes), l.TooLong})
	}
	return got
}

func TestReaderLines(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		max      int
		want     []string // text, with "!" prefixed when TooLong
	}{
		{"empty", "", 0, nil},
		{"one line", "a\n", 0, []string{"a"}},
		{"no final newline", "a\nb", 0, []string{"a", "b"}},
		{"CRLF", "a\r\nb\r\n", 0, []string{"a", "b"}},
		{"CR alone kept inside", "a\rb\n", 0, []string{"a\rb"}},
		{"blank lines", "\n\n", 0, []string{"", ""}},
		{"NUL and invalid UTF-8", "a\x00b\n\xff\xfe\n", 0, []string{"a\x00b", "\xff\xfe"}},
		{"too long, cut and skipped", "abcdefghij\nxy\n", 4, []string{"!abcd", "xy"}},
		{"too long, last line", "abcdefghij", 4, []string{"!abcd"}},
		{"exactly max", "abcd\n", 4, []string{"abcd"}},
		{"too long, CR not stripped", "abcd\r\n", 4, []string{"!abcd"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReader("in", strings.NewReader(tc.in))
			if tc.max > 0 {
				r.max = tc.max
			}
			var got []string
			for i, l := range readAll(r) {
				if l.file != "in" || l.number != i+1 {
					t.Errorf("line %d: file %q number %d", i+1, l.file, l.number)
				}
				if l.tooLong {
					l.text = "!" + l.text
				}
				got = append(got, l.text)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReaderLongLineBeyondBuffer(t *testing.T) {
	long := bytes.Repeat([]byte("x"), 1<<20)
	in := append(append(long, '\n'), "end\n"...)
	r := NewReader("in", bytes.NewReader(in))
	got := readAll(r)
	if len(got) != 2 || len(got[0].text) != 1<<20 || got[0].tooLong || got[1].text != "end" {
		t.Fatalf("got %d lines, first %d bytes", len(got), len(got[0].text))
	}
}

func TestOpenManyFilesAndStdin(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	if err := os.WriteFile(a, []byte("a1\na2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	var heard []error
	r := Open(context.Background(), []string{a, missing, "-", dir}, strings.NewReader("s1"),
		WithErrorFunc(func(err error) { heard = append(heard, err) }))
	got := readAll(r)
	want := []gotLine{{a, 1, "a1", false}, {a, 2, "a2", false}, {StdinName, 1, "s1", false}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if len(heard) != 2 || !errors.Is(r.Err(), os.ErrNotExist) || !strings.Contains(r.Err().Error(), "is a directory") {
		t.Errorf("errors: heard %v, Err %v", heard, r.Err())
	}
}

// TestOpenCompressed reads a rotated backup named with its .gz on the
// command line through gzip, between two plain files, and with WithFollow
// as the last name reads it to its end and stops; a .gz that is not gzip
// is reported and skipped.
func TestOpenCompressed(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	gz := filepath.Join(dir, "a-2026-12-05T01-00-00.000.jsonl.gz")
	bad := filepath.Join(dir, "b.jsonl.gz")
	if err := os.WriteFile(a, []byte("a1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	zw.Write([]byte("z1\nz2\r\nz3"))
	zw.Close()
	if err := os.WriteFile(gz, zb.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("a plain line, not gzip\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := Open(context.Background(), []string{gz, bad, a, gz}, nil)
	got := readAll(r)
	want := []gotLine{{gz, 1, "z1", false}, {gz, 2, "z2", false}, {gz, 3, "z3", false}, {a, 1, "a1", false},
		{gz, 1, "z1", false}, {gz, 2, "z2", false}, {gz, 3, "z3", false}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if err := r.Err(); err == nil || err.Error() != "read "+bad+": named .gz but not gzip: gzip: invalid header" {
		t.Errorf("Err() = %v, want the .gz that is not gzip named", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	done := make(chan []gotLine)
	go func() { done <- readAll(Open(ctx, []string{gz}, nil, WithFollow(time.Millisecond))) }()
	select {
	case got := <-done:
		if len(got) != 3 || got[2].text != "z3" {
			t.Errorf("followed .gz: got %v, want its three lines", got)
		}
	case <-ctx.Done():
		t.Fatal("a followed .gz is still being followed after a minute: want it read to its end and the Reader done")
	}
}

func TestOpenNoNamesReadsStdin(t *testing.T) {
	got := readAll(Open(context.Background(), nil, strings.NewReader("x\n")))
	if len(got) != 1 || got[0].file != StdinName || got[0].text != "x" {
		t.Fatalf("got %v", got)
	}
}

// TestFollow appends to a file while a Reader follows it, then truncates
// it, then replaces it, and expects every line once, in order.
func TestFollow(t *testing.T) {
	path := filepath.Join(t.TempDir(), "live.jsonl")
	if err := os.WriteFile(path, []byte("one\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline, stop := context.WithTimeout(context.Background(), 10*time.Second)
	defer stop()
	ctx, cancel := context.WithCancel(deadline)
	defer cancel()
	r := Open(ctx, []string{path}, nil, WithFollow(5*time.Millisecond))
	// The hook, on the Reader's goroutine, says when the Reader holds the
	// unterminated "partial" at the end of the file.
	heldPartial := make(chan struct{}, 1)
	testHook = func(point string) {
		if point == "eof" && string(r.cur.partial) == "partial" {
			select {
			case heldPartial <- struct{}{}:
			default:
			}
		}
	}
	lines := make(chan gotLine)
	defer func() { // the Reader's goroutine ends before testHook is reset
		cancel()
		for range lines {
		}
		testHook = func(string) {}
	}()
	go func() {
		defer close(lines)
		for r.Next() {
			l := r.Line()
			lines <- gotLine{l.File, l.Number, string(l.Bytes), l.TooLong}
		}
	}()
	expect := func(number int, text string) {
		t.Helper()
		select {
		case l := <-lines:
			if l.number != number || l.text != text {
				t.Fatalf("got line %d %q, want %d %q", l.number, l.text, number, text)
			}
		case <-deadline.Done():
			t.Fatalf("timed out waiting for %q", text)
		}
	}
	appendTo := func(s string) {
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(s)
		f.Close()
	}
	expect(1, "one")
	appendTo("tw")
	time.Sleep(20 * time.Millisecond) // a half-written line waits for its end
	appendTo("o\r\nthree\n")
	expect(2, "two")
	expect(3, "three")

	if err := os.WriteFile(path, []byte("a\n"), 0o600); err != nil { // truncated
		t.Fatal(err)
	}
	expect(1, "a")

	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte("rotated\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	expect(1, "rotated")

	appendTo("partial")
	select {
	case <-heldPartial:
	case <-deadline.Done():
		t.Fatal(`timed out waiting for the Reader to read "partial"`)
	}
	cancel()
	expect(2, "partial") // an unterminated last line is shown when following ends
	if l, ok := <-lines; ok {
		t.Fatalf("extra line %v", l)
	}
}

// TestFollowWaitsForTheFile: a followed file that does not exist yet is
// waited for, not reported.
func TestFollowWaitsForTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "later.log")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var heard []error
	r := Open(ctx, []string{path}, nil, WithFollow(5*time.Millisecond), WithErrorFunc(func(err error) { heard = append(heard, err) }))
	got := make(chan string)
	go func() {
		defer close(got)
		for r.Next() {
			got <- string(r.Line().Bytes)
		}
	}()
	if err := os.WriteFile(path, []byte("first\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if line := <-got; line != "first" {
		t.Errorf("got %q", line)
	}
	cancel()
	for range got {
	}
	if len(heard) != 0 || r.Err() != nil {
		t.Errorf("errors %v, %v", heard, r.Err())
	}
}

// TestReaderLength: a line's Length is its length in the input, a cut
// line's included, without "\n" (and without the "\r" of a CRLF that was
// stripped).
func TestReaderLength(t *testing.T) {
	r := NewReader("in", strings.NewReader("abcdefghij\nxy\r\nabcd\r\nlast"))
	r.max = 4
	type got struct {
		text    string
		tooLong bool
		length  int64
	}
	var lines []got
	for r.Next() {
		l := r.Line()
		lines = append(lines, got{string(l.Bytes), l.TooLong, l.Length})
	}
	want := []got{{"abcd", true, 10}, {"xy", false, 2}, {"abcd", true, 5}, {"last", false, 4}}
	if len(lines) != len(want) {
		t.Fatalf("got %v, want %v", lines, want)
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Fatalf("got %v, want %v", lines, want)
		}
	}
}
