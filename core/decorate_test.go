package core_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/dynlog/dynlog/core"
	"github.com/dynlog/dynlog/internal/logtest"
	"go.uber.org/zap/zapcore"
)

// TestDecoratedWriter: the decoration goes at every line start, as vLLM's
// patched sys.stdout.write puts it, across writes that end mid-line.
func TestDecoratedWriter(t *testing.T) {
	d := "(EngineCore_DP0 pid=" + strconv.Itoa(os.Getpid()) + ") "
	for _, tc := range []struct {
		name   string
		writes []string
		want   string
	}{
		{"one line", []string{"hello\n"}, d + "hello\n"},
		{"several lines in one write", []string{"a\nb\nc\n"}, d + "a\n" + d + "b\n" + d + "c\n"},
		{"partial writes", []string{"load", "ing ", "weights\n", "done\n"}, d + "loading weights\n" + d + "done\n"},
		{"a write ending mid-line", []string{"a\nb", "c\n"}, d + "a\n" + d + "bc\n"},
		{"empty lines", []string{"\n\n"}, d + "\n" + d + "\n"},
		{"empty write", []string{"", "x\n"}, d + "x\n"},
		{"carriage return is no line start", []string{"50%\r100%\n"}, d + "50%\r100%\n"},
		{"no final newline", []string{"tail"}, d + "tail"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			w := core.NewDecoratedWriter(&out, "EngineCore_DP0", false)
			for _, s := range tc.writes {
				n, err := w.Write([]byte(s))
				if err != nil || n != len(s) {
					t.Fatalf("Write(%q) = %d, %v", s, n, err)
				}
			}
			if out.String() != tc.want {
				t.Errorf("\n got %q\nwant %q", out.String(), tc.want)
			}
		})
	}
	var out bytes.Buffer
	fmt.Fprintln(core.NewDecoratedWriter(&out, "Worker_TP1", true), "colour")
	if want := "\x1b[0;36m(Worker_TP1 pid=" + strconv.Itoa(os.Getpid()) + ")\x1b[0;0m colour\n"; out.String() != want {
		t.Errorf("colour:\n got %q\nwant %q", out.String(), want)
	}
}

// TestDecoratedWriterMatchesTheLogger: a plain line through the writer and
// a log line of NewVLLM with the same name start with the same bytes.
func TestDecoratedWriterMatchesTheLogger(t *testing.T) {
	var out, errOut bytes.Buffer
	log, err := core.NewVLLM(append(vllmOptions(nil, &out, &errOut), core.WithProcessName("EngineCore_DP0"))...)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("from the log")
	w := core.NewDecoratedWriter(&out, "EngineCore_DP0", false)
	fmt.Fprintln(w, "from a print")
	lines := strings.Split(out.String(), "\n")
	d := "(EngineCore_DP0 pid=" + strconv.Itoa(os.Getpid()) + ") "
	if !strings.HasPrefix(lines[0], d+"INFO ") || lines[1] != d+"from a print" {
		t.Errorf("got %q", out.String())
	}
}

// TestDecoratedWriterConcurrent: writers on many goroutines; each Write
// reaches the underlying writer whole, so every line is decorated once.
func TestDecoratedWriterConcurrent(t *testing.T) {
	var out logtest.Buffer
	w := core.NewDecoratedWriter(&out, "W", false)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				fmt.Fprintf(w, "g%d line %d\nsecond of %d\n", g, i, i)
			}
		}()
	}
	wg.Wait()
	d := "(W pid=" + strconv.Itoa(os.Getpid()) + ") "
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*200*2 {
		t.Fatalf("%d lines, want %d", len(lines), 8*200*2)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, d) || strings.Count(l, "pid=") != 1 {
			t.Fatalf("line %d: %q", i, l)
		}
		if i%2 == 1 && !strings.HasPrefix(l, d+"second of ") {
			t.Fatalf("line %d: %q (a write was split)", i, l)
		}
	}
	// It is a zapcore.WriteSyncer too.
	var _ zapcore.WriteSyncer = w
	if err := w.Sync(); err != nil {
		t.Error(err)
	}
}

// shortWriter takes at most n bytes, then fails.
type shortWriter struct {
	n   int
	got []byte
}

func (s *shortWriter) Write(p []byte) (int, error) {
	k := min(len(p), s.n)
	s.got = append(s.got, p[:k]...)
	s.n -= k
	if k < len(p) {
		return k, errors.New("disk full")
	}
	return k, nil
}

// TestDecoratedWriterShortWrite: on a failed write the count is of the
// caller's bytes that went out, not of the decorated bytes.
func TestDecoratedWriterShortWrite(t *testing.T) {
	d := "(W pid=" + strconv.Itoa(os.Getpid()) + ") "
	for _, tc := range []struct {
		room  int
		wantN int
	}{
		{0, 0},
		{len(d) - 1, 0},
		{len(d) + 2, 2},              // "ab"
		{len(d) + 3, 3},              // "ab\n"
		{len(d) + 3 + len(d) + 1, 4}, // "ab\n" + "c"
		{len(d) + 3 + len(d) - 2, 3}, // cut inside the second decoration
		{len(d) + 3 + len(d) + 2, 5}, // "ab\ncd"
	} {
		sw := &shortWriter{n: tc.room}
		n, err := core.NewDecoratedWriter(sw, "W", false).Write([]byte("ab\ncd\n"))
		if err == nil || n != tc.wantN {
			t.Errorf("room %d: Write = %d, %v; want %d and an error", tc.room, n, err, tc.wantN)
		}
	}
}
