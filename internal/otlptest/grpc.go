package otlptest

import (
	"context"
	"net"
	"testing"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	_ "google.golang.org/grpc/encoding/gzip" // exporters configured for gzip
	"google.golang.org/grpc/status"
)

// NewGRPCReceiver starts an OTLP/gRPC TraceService and LogsService on a
// loopback port, without TLS; its Endpoint (and TracesEndpoint and
// LogsEndpoint) is http://127.0.0.1:<port>. It stops when tb ends.
func NewGRPCReceiver(tb testing.TB) *Receiver {
	tb.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("otlptest: gRPC receiver: %v", err)
	}
	r := &Receiver{}
	r.endpoint = "http://" + lis.Addr().String()
	r.tracesEndpoint = r.endpoint
	r.logsEndpoint = r.endpoint

	srv := grpc.NewServer()
	coltracepb.RegisterTraceServiceServer(srv, traceService{r: r})
	collogspb.RegisterLogsServiceServer(srv, logsService{r: r})
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(lis) // returns when Stop closes the listener
	}()
	r.stop = func() {
		srv.Stop()
		<-done
	}
	return r.cleanup(tb)
}

type traceService struct {
	coltracepb.UnimplementedTraceServiceServer
	r *Receiver
}

func (s traceService) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	if !s.r.receive(req) {
		return nil, status.Error(codes.InvalidArgument, s.r.refusal())
	}
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

type logsService struct {
	collogspb.UnimplementedLogsServiceServer
	r *Receiver
}

func (s logsService) Export(_ context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	if !s.r.receiveLogs(req) {
		return nil, status.Error(codes.InvalidArgument, s.r.refusal())
	}
	return &collogspb.ExportLogsServiceResponse{}, nil
}
