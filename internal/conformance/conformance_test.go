package conformance

import "testing"

// TestTableComplete: every case has bytes for every layout, and every want
// belongs to a case, so a renamed case cannot silently lose its check.
func TestTableComplete(t *testing.T) {
	names := map[string]bool{}
	for _, c := range Cases {
		if names[c.Name] {
			t.Errorf("case %q appears twice", c.Name)
		}
		names[c.Name] = true
		for _, l := range Layouts {
			if _, ok := c.Want[l]; !ok {
				t.Errorf("case %q has no bytes for %s", c.Name, l)
			}
		}
	}
	for name := range wants {
		if !names[name] {
			t.Errorf("want %q has no case", name)
		}
	}
}
