package env

import "testing"

func TestBool(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		// The four true words, in any case, with surrounding white space.
		{"1", true},
		{"true", true},
		{"on", true},
		{"yes", true},
		{"TRUE", true},
		{" TRUE ", true},
		{"True", true},
		{"On", true},
		{"YES", true},
		{"yEs", true},
		{"\ttrue\n", true},
		{"\r\n on \r\n", true},
		{" 1 ", true},
		{"\u00a0yes\u3000", true}, // Unicode white space is trimmed too, as Rust's str::trim does

		// Everything else is false.
		{"", false},
		{" ", false},
		{"0", false},
		{"false", false},
		{"FALSE", false},
		{"no", false},
		{"off", false},
		{"y", false},
		{"t", false},
		{"2", false},
		{"01", false},
		{"-1", false},
		{"truee", false},
		{"true1", false},
		{"yes please", false},
		{"o n", false},
		{"enabled", false},
		{"ＴＲＵＥ", false}, // full-width letters are not folded to ASCII
	}
	for _, tt := range tests {
		if got := Bool(tt.in); got != tt.want {
			t.Errorf("Bool(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
