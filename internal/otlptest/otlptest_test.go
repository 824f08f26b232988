package otlptest

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	logspb "go.opentelemetry.io/proto/otlp/logs/v1"
	resourcepb "go.opentelemetry.io/proto/otlp/resource/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

func request() *coltracepb.ExportTraceServiceRequest {
	str := func(k, v string) *commonpb.KeyValue {
		return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
	}
	return &coltracepb.ExportTraceServiceRequest{ResourceSpans: []*tracepb.ResourceSpans{{
		Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{str("service.name", "svc")}},
		ScopeSpans: []*tracepb.ScopeSpans{{
			Scope: &commonpb.InstrumentationScope{Name: "scope"},
			Spans: []*tracepb.Span{{
				TraceId:           []byte{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
				SpanId:            []byte{0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
				ParentSpanId:      []byte{1, 2, 3, 4, 5, 6, 7, 8},
				Name:              "op",
				StartTimeUnixNano: uint64(time.Second),
				EndTimeUnixNano:   uint64(2 * time.Second),
				Attributes: []*commonpb.KeyValue{
					str("k", "v"),
					{Key: "n", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_IntValue{IntValue: 42}}},
					{Key: "ok", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_BoolValue{BoolValue: true}}},
					{Key: "f", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: 0.5}}},
				},
			}},
		}},
	}}}
}

func checkSpans(t *testing.T, r *Receiver, n int) {
	t.Helper()
	spans := r.Spans()
	if len(spans) != n {
		t.Fatalf("received %d spans, want %d", len(spans), n)
	}
	for _, s := range spans {
		want := Span{
			TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", SpanID: "00f067aa0ba902b7", ParentSpanID: "0102030405060708",
			Name: "op", Scope: "scope", Start: time.Unix(1, 0), End: time.Unix(2, 0),
		}
		if s.TraceID != want.TraceID || s.SpanID != want.SpanID || s.ParentSpanID != want.ParentSpanID ||
			s.Name != want.Name || s.Scope != want.Scope || !s.Start.Equal(want.Start) || !s.End.Equal(want.End) {
			t.Errorf("span %+v, want %+v", s, want)
		}
		for k, v := range map[string]string{"k": "v", "n": "42", "ok": "true", "f": "0.5"} {
			if s.Attributes[k] != v {
				t.Errorf("attribute %s = %q, want %q", k, s.Attributes[k], v)
			}
		}
		if s.Resource["service.name"] != "svc" {
			t.Errorf("resource %v, want service.name svc", s.Resource)
		}
	}
}

func TestGRPCReceiver(t *testing.T) {
	r := NewGRPCReceiver(t)
	if !strings.HasPrefix(r.Endpoint(), "http://127.0.0.1:") || r.TracesEndpoint() != r.Endpoint() {
		t.Fatalf("endpoints %q, %q", r.Endpoint(), r.TracesEndpoint())
	}
	conn, err := grpc.NewClient(strings.TrimPrefix(r.Endpoint(), "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := coltracepb.NewTraceServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	if _, err := client.Export(ctx, request()); err != nil {
		t.Fatal(err)
	}
	r.Reject(true)
	if _, err := client.Export(ctx, request()); status.Code(err) != codes.InvalidArgument {
		t.Errorf("rejected export: %v, want InvalidArgument", err)
	}
	checkSpans(t, r, 1)
	if r.Requests() != 2 {
		t.Errorf("Requests() = %d, want 2", r.Requests())
	}
	r.Close()
	r.Close() // a second Close, and the cleanup's, do nothing
}

func TestHTTPReceiver(t *testing.T) {
	r := NewHTTPReceiver(t)
	if r.TracesEndpoint() != r.Endpoint()+"/v1/traces" {
		t.Fatalf("endpoints %q, %q", r.Endpoint(), r.TracesEndpoint())
	}
	post := func(contentType string, body []byte, gz bool) *http.Response {
		t.Helper()
		if gz {
			var b bytes.Buffer
			w := gzip.NewWriter(&b)
			_, _ = w.Write(body)
			_ = w.Close()
			body = b.Bytes()
		}
		req, _ := http.NewRequest(http.MethodPost, r.TracesEndpoint(), bytes.NewReader(body))
		req.Header.Set("Content-Type", contentType)
		if gz {
			req.Header.Set("Content-Encoding", "gzip")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}

	pb, _ := proto.Marshal(request())
	js, _ := protojson.Marshal(request())
	for _, tt := range []struct {
		name, contentType string
		body              []byte
		gzip              bool
	}{
		{"protobuf", "application/x-protobuf", pb, false},
		{"protobuf gzip", "application/x-protobuf", pb, true},
		{"json", "application/json", js, false},
	} {
		if resp := post(tt.contentType, tt.body, tt.gzip); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tt.contentType {
			t.Errorf("%s: status %d, content type %q", tt.name, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if resp := post("application/x-protobuf", []byte("not protobuf \xff"), false); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("garbage: status %d, want 400", resp.StatusCode)
	}
	r.Reject(true)
	if resp := post("application/x-protobuf", pb, false); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("rejected: status %d, want 400", resp.StatusCode)
	}
	resp, err := http.Get(r.TracesEndpoint())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", resp.StatusCode)
	}
	checkSpans(t, r, 3)
	if got := len(r.WaitSpans(3, time.Second)); got != 3 {
		t.Errorf("WaitSpans returned %d spans", got)
	}
}

func logsRequest() *collogspb.ExportLogsServiceRequest {
	str := func(k, v string) *commonpb.KeyValue {
		return &commonpb.KeyValue{Key: k, Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: v}}}
	}
	return &collogspb.ExportLogsServiceRequest{ResourceLogs: []*logspb.ResourceLogs{{
		Resource: &resourcepb.Resource{Attributes: []*commonpb.KeyValue{str("service.name", "svc")}},
		ScopeLogs: []*logspb.ScopeLogs{{
			Scope: &commonpb.InstrumentationScope{Name: "dynamo_runtime::x"},
			LogRecords: []*logspb.LogRecord{{
				TimeUnixNano:   uint64(time.Second),
				SeverityNumber: logspb.SeverityNumber_SEVERITY_NUMBER_WARN,
				SeverityText:   "WARN",
				Body:           &commonpb.AnyValue{Value: &commonpb.AnyValue_StringValue{StringValue: "hello"}},
				TraceId:        []byte{0x4b, 0xf9, 0x2f, 0x35, 0x77, 0xb3, 0x4d, 0xa6, 0xa3, 0xce, 0x92, 0x9d, 0x0e, 0x0e, 0x47, 0x36},
				SpanId:         []byte{0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7},
				Flags:          1,
				Attributes:     []*commonpb.KeyValue{str("k", "v")},
			}},
		}},
	}}}
}

func checkLogs(t *testing.T, r *Receiver, n int) {
	t.Helper()
	logs := r.Logs()
	if len(logs) != n {
		t.Fatalf("received %d log records, want %d", len(logs), n)
	}
	for _, l := range logs {
		if !l.Time.Equal(time.Unix(1, 0)) || l.Severity != 13 || l.SeverityText != "WARN" || l.Body != "hello" ||
			l.TraceID != "4bf92f3577b34da6a3ce929d0e0e4736" || l.SpanID != "00f067aa0ba902b7" || l.Flags != 1 ||
			l.Scope != "dynamo_runtime::x" || l.Attributes["k"] != "v" || l.Resource["service.name"] != "svc" {
			t.Errorf("log record %+v", l)
		}
	}
}

func TestGRPCLogsReceiver(t *testing.T) {
	r := NewGRPCReceiver(t)
	if r.LogsEndpoint() != r.Endpoint() {
		t.Fatalf("endpoints %q, %q", r.Endpoint(), r.LogsEndpoint())
	}
	conn, err := grpc.NewClient(strings.TrimPrefix(r.Endpoint(), "http://"), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client := collogspb.NewLogsServiceClient(conn)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := client.Export(ctx, logsRequest()); err != nil {
		t.Fatal(err)
	}
	r.Reject(true)
	if _, err := client.Export(ctx, logsRequest()); status.Code(err) != codes.InvalidArgument {
		t.Errorf("rejected export: %v, want InvalidArgument", err)
	}
	checkLogs(t, r, 1)
	if r.LogRequests() != 2 || r.Requests() != 0 || len(r.Spans()) != 0 {
		t.Errorf("LogRequests() = %d, Requests() = %d, spans %v; want 2, 0, none", r.LogRequests(), r.Requests(), r.Spans())
	}
}

func TestHTTPLogsReceiver(t *testing.T) {
	r := NewHTTPReceiver(t)
	if r.LogsEndpoint() != r.Endpoint()+"/v1/logs" {
		t.Fatalf("endpoints %q, %q", r.Endpoint(), r.LogsEndpoint())
	}
	post := func(contentType string, body []byte) int {
		t.Helper()
		resp, err := http.Post(r.LogsEndpoint(), contentType, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	pb, _ := proto.Marshal(logsRequest())
	js, _ := protojson.Marshal(logsRequest())
	if code := post("application/x-protobuf", pb); code != http.StatusOK {
		t.Errorf("protobuf: status %d", code)
	}
	if code := post("application/json", js); code != http.StatusOK {
		t.Errorf("json: status %d", code)
	}
	// A body that does not decode is refused and not counted.
	if code := post("application/x-protobuf", []byte("not protobuf \xff")); code != http.StatusBadRequest {
		t.Errorf("garbage: status %d, want 400", code)
	}
	r.Reject(true)
	if code := post("application/x-protobuf", pb); code != http.StatusBadRequest {
		t.Errorf("rejected: status %d, want 400", code)
	}
	checkLogs(t, r, 2)
	if got := len(r.WaitLogs(2, time.Second)); got != 2 {
		t.Errorf("WaitLogs returned %d records", got)
	}
	if r.LogRequests() != 3 {
		t.Errorf("LogRequests() = %d, want 3 (garbage is not a request)", r.LogRequests())
	}
}
