package tracing_test

import (
	"context"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/dynlog/dynlog/tracing"
	"go.opentelemetry.io/otel/propagation"
)

var (
	sentTraceparent = regexp.MustCompile(`^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$`)
	sentUUID        = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// FuzzPropagation sends hostile header values through Extract and Inject,
// as a service receiving them from anyone and calling the next one does:
// nothing panics, what goes out is what the documentation allows (a
// well-formed traceparent with the caller's trace ID, a tracestate Go's
// HTTP client sends, request IDs kept as given when valid), and a second
// hop passes the headers on unchanged.
func FuzzPropagation(f *testing.F) {
	f.Add("00-"+tpTrace+"-"+tpParent+"-01", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
		"8372eac7-5f43-4d76-beca-0a94cfb311d0", "0f8fad5b-d9cb-469f-a165-70867728950e")
	f.Add("01-"+tpTrace+"-"+tpParent+"-03-extra", "a=\r\nb", "x\ny", "0F8FAD5B-D9CB-469F-A165-70867728950E")
	f.Add("00-"+strings.Repeat("0", 32)+"-"+tpParent+"-01", strings.Repeat("k=v,", 1100), strings.Repeat("r", 257), "not-a-uuid")
	f.Add("ff-"+tpTrace+"-"+tpParent+"-01", "\x1b]0;title\x07", "\x00", "")
	f.Fuzz(func(t *testing.T, traceparent, tracestate, xRequestID, requestID string) {
		in := propagation.MapCarrier{
			"traceparent":  traceparent,
			"tracestate":   tracestate,
			"x-request-id": xRequestID,
			"request-id":   requestID,
		}
		out := propagation.MapCarrier{}
		tracing.Inject(tracing.Extract(context.Background(), in), out)

		if tp, ok := out["traceparent"]; ok {
			if !sentTraceparent.MatchString(tp) {
				t.Fatalf("traceparent sent %q", tp)
			}
			if len(traceparent) < 35 || tp[3:35] != traceparent[3:35] {
				t.Fatalf("traceparent %q sent as %q: another trace", traceparent, tp)
			}
		}
		if ts, ok := out["tracestate"]; ok {
			if _, tp := out["traceparent"]; !tp {
				t.Fatalf("tracestate %q sent without a traceparent", ts)
			}
			if len(ts) > 4096 {
				t.Fatalf("tracestate of %d bytes sent", len(ts))
			}
			for i := 0; i < len(ts); i++ {
				if c := ts[i]; (c < 0x20 && c != '\t') || c > 0x7e {
					t.Fatalf("tracestate sent with byte %#x: %q", c, ts)
				}
			}
		}
		if x, ok := out["x-request-id"]; ok {
			if x != xRequestID {
				t.Fatalf("x-request-id %q sent as %q", xRequestID, x)
			}
			if len(x) == 0 || len(x) > 256 {
				t.Fatalf("x-request-id of %d bytes sent", len(x))
			}
			for i := 0; i < len(x); i++ {
				if x[i] < 0x20 || x[i] > 0x7e {
					t.Fatalf("x-request-id sent with byte %#x: %q", x[i], x)
				}
			}
		}
		rid, ok := out["request-id"]
		if !ok || !sentUUID.MatchString(rid) {
			t.Fatalf("request-id sent %q (present %v), want a UUID", rid, ok)
		}
		if sentUUID.MatchString(requestID) && rid != requestID {
			t.Fatalf("request-id %q sent as %q", requestID, rid)
		}

		// The next service receives what this one sent and sends it on.
		again := propagation.MapCarrier{}
		tracing.Inject(tracing.Extract(context.Background(), out), again)
		if !maps.Equal(again, out) {
			t.Fatalf("second hop: %v, first %v", again, out)
		}
	})
}
