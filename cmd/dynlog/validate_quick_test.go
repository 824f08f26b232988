package main

import (
	"testing"
)

// TestQuickChecksAgreeWithTheLibrary: a value a quick check passes, the
// library passes too; and the quick checks pass the common values.
func TestQuickChecksAgreeWithTheLibrary(t *testing.T) {
	schema, err := compileLineSchema()
	if err != nil {
		t.Fatal(err)
	}
	values := []string{
		`"2025-09-02T16:38:06.656503Z"`, `"2025-09-02T16:38:06Z"`, `"2025-02-28T23:59:59.1Z"`, `"2025-13-02T16:38:06Z"`,
		`"2025-02-30T16:38:06Z"`, `"2025-09-02t16:38:06Z"`, `"2025-09-02T24:00:00Z"`, `"2025-09-02T16:38:60Z"`,
		`"2025-09-02T16:38:06.Z"`, `"2025-09-02T16:38:06+02:00"`, `"2025-09-02 16:38:06Z"`, `"x"`, `""`,
		`"6959a1b2d1ee41a5"`, `"6959A1B2D1EE41A5"`, `"6959a1b2d1ee41a"`, `"425ef761ca5b44c795b4c912f1d84b39"`,
		`"\u0036959a1b2d1ee41a5"`, `0`, `12`, `-3`, `1.0`, `1e3`, `-0`, `18446744073709551616`, `true`, `null`, `[]`, `{}`,
	}
	checked := 0
	// The keys the schema checks one by one (file, line and target it
	// checks together).
	for _, key := range []string{"time", "message", "span_id", "parent_id", "trace_id",
		"time.busy_us", "time.idle_us", "time.duration_us"} {
		class := newLineChecker(schema).classOf([]byte(key))
		if class.sub == nil || class.quick == nil {
			t.Errorf("%s: subschema %v, no quick check", key, class.sub)
			continue
		}
		for _, raw := range values {
			if !class.quick([]byte(raw)) {
				continue
			}
			checked++
			v, err := decodeValue([]byte(raw))
			if err != nil || class.sub.Validate(v) != nil {
				t.Errorf("%s: the quick check passes %s, the library does not", key, raw)
			}
		}
	}
	if checked < 30 {
		t.Errorf("only %d values passed a quick check", checked)
	}
}
