package benchmarks

import (
	"strings"
	"testing"

	"github.com/dynlog/dynlog/internal/logtest"
)

// TestPeersLogAlike: every logger of the suite, in every scenario, writes
// one line with the message, the caller (but zap-nocaller,
// dynlog-jsonl-nocaller, which have none, and dynlog-readable) and, but in
// Static, the fields; and nothing when disabled. The comparison is only
// fair if they all do the same work.
func TestPeersLogAlike(t *testing.T) {
	for _, p := range peers {
		for _, s := range scenarios {
			t.Run(s.name+"/"+p.name, func(t *testing.T) {
				var w logtest.Buffer
				s.call(p.build(t, &w))()
				out := w.String()
				if strings.HasPrefix(s.name, "Disabled") {
					if out != "" {
						t.Fatalf("a disabled call wrote %q", out)
					}
					return
				}
				if n := strings.Count(out, "\n"); n != 1 {
					t.Fatalf("wrote %d lines, want 1: %q", n, out)
				}
				if !strings.Contains(out, benchMessage) {
					t.Errorf("line lacks the message: %q", out)
				}
				// Dynamo's readable layout prints the target, not the file
				// and line, though core.New annotates the caller for it too.
				// The two -nocaller loggers are the suite's without one.
				switch hasCaller := strings.Contains(out, "peers_bench_test.go"); {
				case strings.HasSuffix(p.name, "-nocaller"):
					if hasCaller {
						t.Errorf("line has a caller: %q", out)
					}
				case p.name != "dynlog-readable" && !hasCaller:
					t.Errorf("line lacks the caller: %q", out)
				}
				if s.name != "Static" {
					for _, want := range []string{"Jane Doe", "jane@test.com", "fail"} {
						if !strings.Contains(out, want) {
							t.Errorf("line lacks %q: %q", want, out)
						}
					}
				}
			})
		}
	}
}

// TestZapFloorRejectsInEnabled: the floor's disabled calls stop at Enabled,
// as the others' do, and write nothing.
func TestZapFloorRejectsInEnabled(t *testing.T) {
	var w logtest.Buffer
	c := zapFloor.build(t, &w)
	for _, s := range scenarios {
		if strings.HasPrefix(s.name, "Disabled") {
			s.call(c)()
		}
	}
	if w.Len() != 0 {
		t.Fatalf("the floor wrote %q", w.String())
	}
}
