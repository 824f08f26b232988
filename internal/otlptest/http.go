package otlptest

import (
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// The paths OTLP/HTTP exporters post to.
const (
	TracesPath = "/v1/traces"
	LogsPath   = "/v1/logs"
)

// NewHTTPReceiver starts an OTLP/HTTP receiver on a loopback port: a
// net/http server that takes POSTs of ExportTraceServiceRequest at
// /v1/traces and of ExportLogsServiceRequest at /v1/logs, as
// application/x-protobuf or application/json, plain or gzip-encoded, and
// answers in kind. Its Endpoint is http://127.0.0.1:<port>, its
// TracesEndpoint that plus /v1/traces and its LogsEndpoint that plus
// /v1/logs. It stops when tb ends.
func NewHTTPReceiver(tb testing.TB) *Receiver {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("otlptest: HTTP receiver: %v", err)
	}
	r := &Receiver{}
	r.endpoint = "http://" + lis.Addr().String()
	r.tracesEndpoint = r.endpoint + TracesPath
	r.logsEndpoint = r.endpoint + LogsPath

	mux := http.NewServeMux()
	mux.HandleFunc(TracesPath, func(w http.ResponseWriter, req *http.Request) {
		var msg coltracepb.ExportTraceServiceRequest
		serveHTTP(w, req, &msg, &coltracepb.ExportTraceServiceResponse{}, func() bool { return r.receive(&msg) }, r.refusal)
	})
	mux.HandleFunc(LogsPath, func(w http.ResponseWriter, req *http.Request) {
		var msg collogspb.ExportLogsServiceRequest
		serveHTTP(w, req, &msg, &collogspb.ExportLogsServiceResponse{}, func() bool { return r.receiveLogs(&msg) }, r.refusal)
	})
	srv := &http.Server{Handler: mux}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis) // returns http.ErrServerClosed after Close
	}()
	r.stop = func() {
		_ = srv.Close()
		<-done
	}
	return r.cleanup(tb)
}

// serveHTTP decodes the request body into msg, hands it over with receive,
// and answers with resp in the request's encoding, or with 400 and
// refusal's text when receive refuses.
func serveHTTP(w http.ResponseWriter, req *http.Request, msg, resp proto.Message, receive func() bool, refusal func() string) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "otlptest: POST only", http.StatusMethodNotAllowed)
		return
	}
	body := io.Reader(req.Body)
	if req.Header.Get("Content-Encoding") == "gzip" {
		gz, err := gzip.NewReader(req.Body)
		if err != nil {
			http.Error(w, "otlptest: bad gzip body: "+err.Error(), http.StatusBadRequest)
			return
		}
		defer gz.Close()
		body = gz
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		http.Error(w, "otlptest: reading body: "+err.Error(), http.StatusBadRequest)
		return
	}

	json := strings.HasPrefix(req.Header.Get("Content-Type"), "application/json")
	if json {
		err = protojson.Unmarshal(raw, msg)
	} else {
		err = proto.Unmarshal(raw, msg)
	}
	if err != nil {
		http.Error(w, "otlptest: decoding "+string(msg.ProtoReflect().Descriptor().Name())+": "+err.Error(), http.StatusBadRequest)
		return
	}
	if !receive() {
		http.Error(w, refusal(), http.StatusBadRequest)
		return
	}

	var out []byte
	if json {
		out, err = protojson.Marshal(resp)
		w.Header().Set("Content-Type", "application/json")
	} else {
		out, err = proto.Marshal(resp)
		w.Header().Set("Content-Type", "application/x-protobuf")
	}
	if err != nil {
		http.Error(w, "otlptest: encoding the response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(out)
}
