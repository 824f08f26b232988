//go:build race

package core_test

// raceEnabled: the tests run under the race detector, which makes every
// line several times dearer; load tests size themselves by it.
const raceEnabled = true
