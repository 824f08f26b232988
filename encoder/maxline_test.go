package encoder_test

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dynlog/dynlog/encoder"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

var cappedLayouts = []struct {
	name string
	new  func(...encoder.Option) zapcore.Encoder
}{
	{"jsonl", encoder.NewJSONL},
	{"readable", encoder.NewReadable},
	{"vllm", encoder.NewVLLM},
}

func cappedEntry(msg string) zapcore.Entry {
	return zapcore.Entry{Level: zapcore.InfoLevel, Time: time.Unix(1, 0), LoggerName: "big", Message: msg}
}

var markerRE = regexp.MustCompile(`…\[truncated (\d+) bytes\]`)

// TestMaxLineBytesUnder: a line within the cap is printed as without one.
func TestMaxLineBytesUnder(t *testing.T) {
	for _, l := range cappedLayouts {
		ent := cappedEntry("a message\nof two lines")
		fields := []zap.Field{zap.String("k", "v"), zap.Error(errString("boom")), zap.ByteString("b", []byte("x\x1b"))}
		want := encode(t, l.new(encoder.WithLocation(time.UTC)), ent, fields...)
		got := encode(t, l.new(encoder.WithLocation(time.UTC), encoder.WithMaxLineBytes(len(want))), ent, fields...)
		if got != want {
			t.Errorf("%s: cap at the line's size:\n got %q\nwant %q", l.name, got, want)
		}
	}
}

// TestMaxLineBytesCuts: a line over the cap has its message cut first, then
// its largest values, each with a marker that counts what was left out, and
// fits the cap plus a few bytes; JSONL stays valid JSON, every layout valid
// UTF-8 with no escape broken.
func TestMaxLineBytesCuts(t *testing.T) {
	const limit = 4096
	ten := strings.Repeat("é0123456789", 1<<20) // 12 MB, two-byte characters in it
	for _, tc := range []struct {
		name        string
		msg         string
		fields      []zap.Field
		msgCut      bool
		cutValues   int // how many values are cut
		keptValue   string
		escapedTail string // each layout's last escape before the marker, if the cut text is all escapes
	}{
		{"message only", ten, []zap.Field{zap.String("small", "kept")}, true, 0, "kept", ""},
		{"message and value", ten, []zap.Field{zap.String("payload", ten), zap.String("small", "kept")}, true, 1, "kept", ""},
		{"short message, values", "short", []zap.Field{zap.String("a", ten), zap.ByteString("b", []byte(ten)), zap.Error(errString(ten)), zap.String("small", "kept")}, false, 3, "kept", ""},
		{"escapes", strings.Repeat("\x1b", 20000), nil, true, 0, "", "1b"},
	} {
		for _, l := range cappedLayouts {
			t.Run(tc.name+"/"+l.name, func(t *testing.T) {
				got := encode(t, l.new(encoder.WithMaxLineBytes(limit)), cappedEntry(tc.msg), tc.fields...)
				if len(got) > limit+64 || len(got) < limit-64 { // cut to the cap, not below it
					t.Errorf("line of %d bytes, cap %d", len(got), limit)
				}
				if !utf8.ValidString(got) {
					t.Errorf("invalid UTF-8: %q", got)
				}
				markers := markerRE.FindAllStringSubmatchIndex(got, -1)
				want := tc.cutValues
				if tc.msgCut {
					want++
				}
				if len(markers) != want {
					t.Fatalf("%d markers, want %d: %q", len(markers), want, clip(got))
				}
				if tc.keptValue != "" && !strings.Contains(got, tc.keptValue) {
					t.Errorf("the short value %q was cut: %q", tc.keptValue, clip(got))
				}
				if l.name == "jsonl" {
					var m map[string]any
					if err := json.Unmarshal([]byte(got), &m); err != nil {
						t.Fatalf("not JSON: %v: %q", err, clip(got))
					}
					msg, _ := m["message"].(string)
					if tc.msgCut && !markerRE.MatchString(msg) {
						t.Errorf("message %q has no marker", clip(msg))
					}
				}
				if tc.escapedTail != "" {
					before := got[:markers[0][0]]
					if !strings.HasSuffix(before, tc.escapedTail) {
						t.Errorf("cut inside an escape: %q", before[max(0, len(before)-16):])
					}
				}
				// The marker counts the bytes left out of the message.
				if tc.name == "message only" {
					m := markers[0]
					start := strings.Index(got, "é0123456789")
					kept := got[start:m[0]]
					n, _ := strconv.Atoi(got[m[2]:m[3]])
					if !strings.HasPrefix(ten, kept) || len(kept) < limit/2 || n != len(ten)-len(kept) {
						t.Errorf("kept %d bytes, marker %q", len(kept), got[m[0]:m[1]])
					}
				}
			})
		}
	}
}
