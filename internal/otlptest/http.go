package otlptest

import (
	"compress/gzip"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// TracesPath is where OTLP/HTTP exporters post traces.
const TracesPath = "/v1/traces"

// NewHTTPReceiver starts an OTLP/HTTP receiver on a loopback port: a
// net/http server that takes POSTs of ExportTraceServiceRequest at
// /v1/traces, as application/x-protobuf or application/json, plain or
// gzip-encoded, and answers in kind. Its Endpoint is
// http://127.0.0.1:<port> and its TracesEndpoint that plus /v1/traces. It
// stops when tb ends.
func NewHTTPReceiver(tb testing.TB) *Receiver {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("otlptest: HTTP receiver: %v", err)
	}
	r := &Receiver{}
	r.endpoint = "http://" + lis.Addr().String()
	r.tracesEndpoint = r.endpoint + TracesPath

	mux := http.NewServeMux()
	mux.HandleFunc(TracesPath, r.serveHTTP)
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

func (r *Receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
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
	var msg coltracepb.ExportTraceServiceRequest
	if json {
		err = protojson.Unmarshal(raw, &msg)
	} else {
		err = proto.Unmarshal(raw, &msg)
	}
	if err != nil {
		http.Error(w, "otlptest: decoding ExportTraceServiceRequest: "+err.Error(), http.StatusBadRequest)
		return
	}
	if !r.receive(&msg) {
		http.Error(w, "otlptest: receiver rejects exports", http.StatusBadRequest)
		return
	}

	var out []byte
	if json {
		out, err = protojson.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/json")
	} else {
		out, err = proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
		w.Header().Set("Content-Type", "application/x-protobuf")
	}
	if err != nil {
		http.Error(w, "otlptest: encoding the response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(out)
}
