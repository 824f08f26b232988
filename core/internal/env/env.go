// Package env holds the parsing rules for environment variables that the
// presets in package core share.
package env

import (
	"os"
	"strings"
)

// Bool reports whether v is true under Dynamo's rule for boolean variables:
// trimmed and lower-cased, true iff it is "1", "true", "on" or "yes".
// Anything else, the empty string included, is false.
func Bool(v string) bool {
	b, _ := ParseBool(v)
	return b
}

// BoolWords are the values ParseBool recognises, for messages.
const BoolWords = "1, true, on, yes, 0, false, off, no or empty"

// ParseBool is Bool, and whether v is one of the values Dynamo's rule
// names (after trimming and lower-casing: 1, true, on, yes for true; 0,
// false, off, no or the empty string for false). An unrecognised value is
// false, as in Dynamo, with known false.
func ParseBool(v string) (b, known bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "on", "yes":
		return true, true
	case "0", "false", "off", "no", "":
		return false, true
	}
	return false, false
}

// ReadFile reads the TOML configuration files (package config); tests
// replace it to count the reads.
var ReadFile = os.ReadFile
