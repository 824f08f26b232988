// Package otlptest runs OTLP trace and log receivers in the test process: a
// gRPC TraceService and LogsService on a real grpc.Server, and an HTTP
// endpoint that takes protobuf (or JSON) ExportTraceServiceRequests at
// /v1/traces and ExportLogsServiceRequests at /v1/logs, both on a loopback
// port. Tests point an exporter at one, make spans and log lines, and
// compare what arrived with what the log lines said.
//
//	rcv := otlptest.NewGRPCReceiver(t)
//	p, _ := otlp.NewProvider(ctx, otlp.ExportConfig{Enabled: true, LogsEnabled: true, Endpoint: rcv.Endpoint()})
//	p.Install()
//	...
//	p.Shutdown(ctx)
//	for _, s := range rcv.Spans() { ... s.TraceID, s.ParentSpanID, s.Resource["service.name"] ... }
//	for _, l := range rcv.Logs() { ... l.Body, l.SeverityText, l.TraceID, l.Attributes ... }
package otlptest

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	"google.golang.org/protobuf/encoding/protojson"
)

// Span is one received span, flattened: IDs in the lowercase hex that log
// lines print, attributes rendered as strings, and the resource attributes
// of the ResourceSpans it came in.
type Span struct {
	TraceID      string // 32 hex digits
	SpanID       string // 16 hex digits
	ParentSpanID string // 16 hex digits; empty for a root span
	TraceState   string
	Name         string
	Scope        string // the instrumentation scope's name
	Start, End   time.Time
	Attributes   map[string]string
	Resource     map[string]string
}

// LogRecord is one received log record, flattened like Span: IDs in
// lowercase hex (empty when the record has none), the body and attributes
// rendered as strings, and the resource attributes of the ResourceLogs it
// came in.
type LogRecord struct {
	Time         time.Time
	Severity     int32 // the OTLP SeverityNumber: 1 TRACE, 5 DEBUG, 9 INFO, 13 WARN, 17 ERROR, 21 FATAL
	SeverityText string
	Body         string
	TraceID      string // 32 hex digits, or empty
	SpanID       string // 16 hex digits, or empty
	Flags        uint32
	Scope        string // the instrumentation scope's name
	Attributes   map[string]string
	Resource     map[string]string
}

// Receiver is a running OTLP receiver of traces and logs. Its methods are
// safe for concurrent use.
type Receiver struct {
	endpoint       string
	tracesEndpoint string
	logsEndpoint   string
	stop           func()

	mu          sync.Mutex
	spans       []Span
	logs        []LogRecord
	requests    int
	logRequests int
	reject      bool
	// rejectMessage is RejectWith's answer; empty for the default one.
	rejectMessage string
	closed        bool
}

// Endpoint is the receiver's base URL, as OTEL_EXPORTER_OTLP_ENDPOINT
// would give it: http://127.0.0.1:<port>, to which an OTLP/HTTP exporter
// appends /v1/traces.
func (r *Receiver) Endpoint() string { return r.endpoint }

// TracesEndpoint is the URL as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT would
// give it, used as is: for the HTTP receiver Endpoint()+"/v1/traces", for
// the gRPC receiver the same as Endpoint.
func (r *Receiver) TracesEndpoint() string { return r.tracesEndpoint }

// LogsEndpoint is the URL as OTEL_EXPORTER_OTLP_LOGS_ENDPOINT would give
// it, used as is: for the HTTP receiver Endpoint()+"/v1/logs", for the gRPC
// receiver the same as Endpoint.
func (r *Receiver) LogsEndpoint() string { return r.logsEndpoint }

// Spans returns the spans received so far, in arrival order.
func (r *Receiver) Spans() []Span {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Span(nil), r.spans...)
}

// Requests is the number of trace export requests received, rejected ones
// included.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// Logs returns the log records received so far, in arrival order.
func (r *Receiver) Logs() []LogRecord {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]LogRecord(nil), r.logs...)
}

// LogRequests is the number of log export requests received, rejected ones
// included.
func (r *Receiver) LogRequests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.logRequests
}

// WaitLogs waits until at least n log records have arrived or timeout has
// passed, and returns the records received.
func (r *Receiver) WaitLogs(n int, timeout time.Duration) []LogRecord {
	deadline := time.Now().Add(timeout)
	for {
		logs := r.Logs()
		if len(logs) >= n || time.Now().After(deadline) {
			return logs
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// WaitSpans waits until at least n spans have arrived or timeout has
// passed, and returns the spans received.
func (r *Receiver) WaitSpans(n int, timeout time.Duration) []Span {
	deadline := time.Now().Add(timeout)
	for {
		spans := r.Spans()
		if len(spans) >= n || time.Now().After(deadline) {
			return spans
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// Reject makes the receiver refuse every export, of traces and of logs (on),
// or accept them again (off). A refusal is permanent in OTLP's terms (gRPC
// InvalidArgument, HTTP 400), so exporters report it at once instead of
// retrying; the spans and records of a refused request are not recorded.
func (r *Receiver) Reject(on bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reject = on
	r.rejectMessage = ""
}

// RejectWith makes the receiver refuse every export as Reject(true) does,
// answering with message: the body of the HTTP 400, the gRPC status's
// message. Tests use it to play a collector whose answer holds what a
// report must not print raw.
func (r *Receiver) RejectWith(message string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.reject = true
	r.rejectMessage = message
}

// refusal is the message of a refused export.
func (r *Receiver) refusal() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rejectMessage != "" {
		return r.rejectMessage
	}
	return "otlptest: receiver rejects exports"
}

// Close stops the receiver and closes its port. It is safe to call more
// than once; the constructors register it with tb.Cleanup.
func (r *Receiver) Close() {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return
	}
	r.closed = true
	r.mu.Unlock()
	r.stop()
}

// receive records req unless the receiver rejects requests; it reports
// whether it accepted.
func (r *Receiver) receive(req *coltracepb.ExportTraceServiceRequest) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	if r.reject {
		return false
	}
	r.spans = append(r.spans, flatten(req)...)
	return true
}

// receiveLogs is receive for a log export request.
func (r *Receiver) receiveLogs(req *collogspb.ExportLogsServiceRequest) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.logRequests++
	if r.reject {
		return false
	}
	r.logs = append(r.logs, flattenLogs(req)...)
	return true
}

func flattenLogs(req *collogspb.ExportLogsServiceRequest) []LogRecord {
	var out []LogRecord
	for _, rl := range req.GetResourceLogs() {
		resource := attributeMap(rl.GetResource().GetAttributes())
		for _, sl := range rl.GetScopeLogs() {
			for _, l := range sl.GetLogRecords() {
				out = append(out, LogRecord{
					Time:         time.Unix(0, int64(l.GetTimeUnixNano())),
					Severity:     int32(l.GetSeverityNumber()),
					SeverityText: l.GetSeverityText(),
					Body:         valueString(l.GetBody()),
					TraceID:      hex.EncodeToString(l.GetTraceId()),
					SpanID:       hex.EncodeToString(l.GetSpanId()),
					Flags:        l.GetFlags(),
					Scope:        sl.GetScope().GetName(),
					Attributes:   attributeMap(l.GetAttributes()),
					Resource:     resource,
				})
			}
		}
	}
	return out
}

func flatten(req *coltracepb.ExportTraceServiceRequest) []Span {
	var out []Span
	for _, rs := range req.GetResourceSpans() {
		resource := attributeMap(rs.GetResource().GetAttributes())
		for _, ss := range rs.GetScopeSpans() {
			for _, s := range ss.GetSpans() {
				out = append(out, Span{
					TraceID:      hex.EncodeToString(s.GetTraceId()),
					SpanID:       hex.EncodeToString(s.GetSpanId()),
					ParentSpanID: hex.EncodeToString(s.GetParentSpanId()),
					TraceState:   s.GetTraceState(),
					Name:         s.GetName(),
					Scope:        ss.GetScope().GetName(),
					Start:        time.Unix(0, int64(s.GetStartTimeUnixNano())),
					End:          time.Unix(0, int64(s.GetEndTimeUnixNano())),
					Attributes:   attributeMap(s.GetAttributes()),
					Resource:     resource,
				})
			}
		}
	}
	return out
}

func attributeMap(kvs []*commonpb.KeyValue) map[string]string {
	out := make(map[string]string, len(kvs))
	for _, kv := range kvs {
		out[kv.GetKey()] = valueString(kv.GetValue())
	}
	return out
}

// valueString renders scalars as Go would print them and anything else
// (arrays, maps, bytes) as its protobuf JSON.
func valueString(v *commonpb.AnyValue) string {
	switch x := v.GetValue().(type) {
	case *commonpb.AnyValue_StringValue:
		return x.StringValue
	case *commonpb.AnyValue_BoolValue:
		return strconv.FormatBool(x.BoolValue)
	case *commonpb.AnyValue_IntValue:
		return strconv.FormatInt(x.IntValue, 10)
	case *commonpb.AnyValue_DoubleValue:
		return strconv.FormatFloat(x.DoubleValue, 'g', -1, 64)
	case nil:
		return ""
	}
	b, err := protojson.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// cleanup registers r's Close with tb.
func (r *Receiver) cleanup(tb testing.TB) *Receiver {
	tb.Cleanup(r.Close)
	return r
}
