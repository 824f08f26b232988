package encoder_test

import (
	"bytes"
	"testing"

	"github.com/dynlog/dynlog/internal/conformance"
	"go.uber.org/zap/zapcore"
)

// TestConformance runs the conformance table against the three encoders,
// colour on and off, through a real ioCore (With included).
func TestConformance(t *testing.T) {
	for _, c := range conformance.Cases {
		for _, l := range conformance.Layouts {
			t.Run(c.Name+"/"+string(l), func(t *testing.T) {
				var out bytes.Buffer
				conformance.Write(c, conformance.Encoder(l), zapcore.AddSync(&out))
				if got, want := out.String(), c.Want[l]; got != want {
					t.Errorf("\n got %q\nwant %q", got, want)
				}
			})
		}
	}
}
