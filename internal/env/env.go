// Package env holds the parsing rules for environment variables that the
// presets in package core share.
package env

import "strings"

// Bool reports whether v is true under Dynamo's rule for boolean variables:
// trimmed and lower-cased, true iff it is "1", "true", "on" or "yes".
// Anything else, the empty string included, is false.
func Bool(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "on", "yes":
		return true
	}
	return false
}
