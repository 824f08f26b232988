package tracing_test

import (
	"context"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// TestInjectExtractRoundTrip carries a request over a message plane: the
// headers of a map, as NATS or a TCP request plane would hold them.
func TestInjectExtractRoundTrip(t *testing.T) {
	in := propagation.MapCarrier{
		"traceparent":  "00-" + tpTrace + "-" + tpParent + "-01",
		"tracestate":   "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
		"x-request-id": "8372eac7-5f43-4d76-beca-0a94cfb311d0",
		"request-id":   "0f8fad5b-d9cb-469f-a165-70867728950e",
	}
	ctx := tracing.Extract(context.Background(), in)

	// Untouched, the context sends on exactly what came in.
	out := propagation.MapCarrier{}
	tracing.Inject(ctx, out)
	if !maps.Equal(out, in) {
		t.Errorf("Inject(Extract(in)) = %v, want %v", out, in)
	}

	// A span started in it continues the trace; the next hop's parent is
	// that span.
	sl := newServiceLog("prefill")
	ctx, span := tracing.Start(tracing.WithLogger(ctx, sl.log), "prefill")
	sc := span.SpanContext()
	if sc.TraceID().String() != tpTrace || sc.SpanID().String() == tpParent {
		t.Fatalf("span %v does not continue trace %s as a child", sc, tpTrace)
	}
	out = propagation.MapCarrier{}
	tracing.Inject(ctx, out)
	want := maps.Clone(in)
	want["traceparent"] = "00-" + tpTrace + "-" + sc.SpanID().String() + "-01"
	if !maps.Equal(out, want) {
		t.Errorf("Inject after Start = %v, want %v", out, want)
	}

	// The next service reads it back.
	next := tracing.Extract(context.Background(), out)
	got := trace.SpanContextFromContext(next)
	if got.TraceID() != sc.TraceID() || got.SpanID() != sc.SpanID() || !got.IsSampled() || !got.IsRemote() {
		t.Errorf("extracted %v, want remote %v", got, sc)
	}
	if got.TraceState().String() != in["tracestate"] {
		t.Errorf("OpenTelemetry's trace state = %q, want %q", got.TraceState().String(), in["tracestate"])
	}
	span.End()

	for i, line := range sl.lines(t) {
		for k, v := range map[string]string{
			"trace_id":     tpTrace,
			"parent_id":    tpParent,
			"span_id":      sc.SpanID().String(),
			"tracestate":   in["tracestate"],
			"x_request_id": in["x-request-id"],
			"request_id":   in["request-id"],
		} {
			if line[k] != v {
				t.Errorf("line %d: %s = %v, want %s", i, k, line[k], v)
			}
		}
	}
}

// TestExtractTraceparent checks the W3C rules at the carrier, where the
// flags can be seen exactly.
func TestExtractTraceparent(t *testing.T) {
	tests := []struct {
		value string
		valid bool
		flags trace.TraceFlags
	}{
		{"00-" + tpTrace + "-" + tpParent + "-01", true, trace.FlagsSampled},
		{"00-" + tpTrace + "-" + tpParent + "-00", true, 0},
		{"00-" + tpTrace + "-" + tpParent + "-02", true, 0},
		{"00-" + tpTrace + "-" + tpParent + "-03", true, trace.FlagsSampled},
		{"00-" + tpTrace + "-" + tpParent + "-ff", true, trace.FlagsSampled},
		{"fe-" + tpTrace + "-" + tpParent + "-01", true, trace.FlagsSampled},
		{"fe-" + tpTrace + "-" + tpParent + "-01-", true, trace.FlagsSampled},
		{"01-" + tpTrace + "-" + tpParent + "-00-extra-fields", true, 0},

		{"", false, 0},
		{"ff-" + tpTrace + "-" + tpParent + "-01", false, 0},
		{"00-" + tpTrace + "-" + tpParent + "-01-", false, 0},
		{"00-" + tpTrace + "-" + tpParent + "-01 ", false, 0},
		{" 00-" + tpTrace + "-" + tpParent + "-01", false, 0},
		{"01-" + tpTrace + "-" + tpParent + "-0", false, 0},
		{"01-" + tpTrace + "-" + tpParent + "-01.", false, 0},
		{"00-" + tpTrace + "-" + tpParent + "-0F", false, 0},
		{"00-" + tpTrace + "-" + tpParent + "-+1", false, 0},
		{"00-" + tpTrace + "-" + strings.Repeat("0", 16) + "-01", false, 0},
		{"00-" + strings.Repeat("0", 32) + "-" + tpParent + "-01", false, 0},
		{"00-" + tpTrace + "-" + tpParent, false, 0},
		{"00-" + tpTrace + tpParent + "-01", false, 0},
		{"00-" + tpTrace[:16] + "-" + tpTrace[16:] + "-" + tpParent[:14] + "-01", false, 0},
	}
	for _, tt := range tests {
		ctx := tracing.Extract(context.Background(), propagation.MapCarrier{"traceparent": tt.value})
		sc := trace.SpanContextFromContext(ctx)
		if sc.IsValid() != tt.valid {
			t.Errorf("%q: valid = %v, want %v", tt.value, sc.IsValid(), tt.valid)
			continue
		}
		if !tt.valid {
			continue
		}
		if sc.TraceID().String() != tpTrace || sc.SpanID().String() != tpParent || sc.TraceFlags() != tt.flags || !sc.IsRemote() {
			t.Errorf("%q: got %v flags %s, want %s %s flags %s, remote", tt.value, sc, sc.TraceFlags(), tpTrace, tpParent, tt.flags)
		}
		// Inject writes version 00 with the flags reduced.
		out := propagation.MapCarrier{}
		tracing.Inject(ctx, out)
		if want := "00-" + tpTrace + "-" + tpParent + "-" + tt.flags.String(); out["traceparent"] != want {
			t.Errorf("%q: Inject wrote %q, want %q", tt.value, out["traceparent"], want)
		}
	}
}

// TestExtractKeepsOwnSpan: like OpenTelemetry's propagator, Extract without
// a valid traceparent leaves the context's span as it is.
func TestExtractKeepsOwnSpan(t *testing.T) {
	ctx, span := tracing.Start(tracing.WithLogger(context.Background(), newServiceLog("x").log), "outer")
	defer span.End()
	got := trace.SpanContextFromContext(tracing.Extract(ctx, propagation.MapCarrier{"traceparent": "junk"}))
	if !got.Equal(span.SpanContext()) {
		t.Errorf("Extract replaced the context's span %v with %v", span.SpanContext(), got)
	}
}

// TestExtractDropsBadValues: what a message plane can deliver and no HTTP
// server would, a newline or NUL in a value, is dropped like any bad value.
func TestExtractDropsBadValues(t *testing.T) {
	for _, bad := range []string{"abc\ndef", "abc\r\nx-evil: 1", "abc\x00", "abc\x7f", "abc\t", "é", strings.Repeat("a", 257)} {
		ctx := tracing.Extract(context.Background(), propagation.MapCarrier{
			"x-request-id": bad,
			"request-id":   "8372eac7-5f43-4d76-beca-0a94cfb311d0" + bad[:1],
		})
		out := propagation.MapCarrier{}
		tracing.Inject(ctx, out)
		if v, ok := out["x-request-id"]; ok {
			t.Errorf("x-request-id %q kept", v)
		}
		if v := out["request-id"]; !uuidV4.MatchString(v) {
			t.Errorf("request-id %q, want a fresh v4 UUID", v)
		}
		if v, ok := out["traceparent"]; ok {
			t.Errorf("traceparent %q from a carrier without one", v)
		}
	}
}

// TestExtractTraceStateLimit: through a carrier with one value per key, as a
// message plane's is, tracestate is kept up to 4096 bytes and dropped past
// them, as through http.Header.
func TestExtractTraceStateLimit(t *testing.T) {
	for _, tt := range []struct {
		size int
		kept bool
	}{{4096, true}, {4097, false}} {
		ts := "a=" + strings.Repeat("b", tt.size-2)
		ctx := tracing.Extract(context.Background(), propagation.MapCarrier{
			"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
			"tracestate":  ts,
		})
		out := propagation.MapCarrier{}
		tracing.Inject(ctx, out)
		if got, ok := out["tracestate"]; tt.kept && got != ts || !tt.kept && ok {
			t.Errorf("%d bytes: tracestate sent on %d bytes (present %v), want kept %v", tt.size, len(got), ok, tt.kept)
		}
	}
}

// TestExtractHeaderCarrier reads http.Header the way Middleware does:
// names in any case, repeated fields.
func TestExtractHeaderCarrier(t *testing.T) {
	h := http.Header{}
	h.Set("TRACEPARENT", "00-"+tpTrace+"-"+tpParent+"-01")
	h.Add("Tracestate", "a=1")
	h.Add("tracestate", "b=2")
	h.Set("X-REQUEST-ID", "abc")
	ctx := tracing.Extract(context.Background(), propagation.HeaderCarrier(h))
	out := http.Header{}
	tracing.Inject(ctx, propagation.HeaderCarrier(out))
	for k, want := range map[string]string{
		"Traceparent":  "00-" + tpTrace + "-" + tpParent + "-01",
		"Tracestate":   "a=1,b=2",
		"X-Request-Id": "abc",
	} {
		if v := out.Values(k); len(v) != 1 || v[0] != want {
			t.Errorf("%s = %q, want %q", k, v, want)
		}
	}

	h.Add("traceparent", "00-"+tpTrace+"-"+tpParent+"-01")
	if sc := trace.SpanContextFromContext(tracing.Extract(context.Background(), propagation.HeaderCarrier(h))); sc.IsValid() {
		t.Errorf("two traceparent fields gave %v, want none", sc)
	}
}

func TestInjectEmptyContext(t *testing.T) {
	out := propagation.MapCarrier{}
	tracing.Inject(context.Background(), out)
	if len(out) != 0 {
		t.Errorf("Inject of an empty context wrote %v", out)
	}
}

func TestFreshRequestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		out := propagation.MapCarrier{}
		tracing.Inject(tracing.Extract(context.Background(), propagation.MapCarrier{}), out)
		id := out["request-id"]
		if !uuidV4.MatchString(id) || seen[id] {
			t.Fatalf("request-id %q: not a v4 UUID, or given twice", id)
		}
		seen[id] = true
	}
}
