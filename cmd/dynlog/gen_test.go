package main

import (
	"bufio"
	"fmt"
	"os"
	"testing"
	"time"
)

// writeSpeedFile writes n lines shaped like a traced service's: every line
// its own time, a new trace and span IDs every few lines, span closings
// with timings, bridged records.
func writeSpeedFile(t testing.TB, path string, n int) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	t0 := time.Date(2025, 9, 2, 16, 38, 6, 0, time.UTC)
	for i := range n {
		ts := t0.Add(time.Duration(i) * 137 * time.Microsecond).Format("2006-01-02T15:04:05.000000Z")
		req := i / 5
		trace := fmt.Sprintf("%016x%016x", uint64(req)*0x9e3779b97f4a7c15, uint64(req)+1)
		span := fmt.Sprintf("%016x", uint64(req)*0xbf58476d1ce4e5b9+7)
		child := fmt.Sprintf("%016x", uint64(i)*0x94d049bb133111eb+3)
		switch i % 5 {
		case 0:
			fmt.Fprintf(w, `{"time":%q,"level":"INFO","file":"/workspace/lib/runtime/src/logging.rs","line":248,"target":"dynamo_runtime::logging","message":"SPAN_CREATED","method":"POST","span_id":%q,"span_name":"http-request","trace_id":%q,"uri":"/v1/chat/completions","version":"HTTP/1.1","x_request_id":"8372eac7-5f43-4d76-beca-%012x"}`+"\n", ts, span, trace, req)
		case 1:
			fmt.Fprintf(w, `{"time":%q,"level":"DEBUG","file":"/opt/dynamo/lib/llm/src/kv_router/prefill_router.rs","line":232,"target":"dynamo_llm::kv_router::prefill_router","message":"Prefill succeeded, using disaggregated params for decode","method":"POST","span_id":%q,"span_name":"http-request","trace_id":%q,"uri":"/v1/chat/completions","version":"HTTP/1.1"}`+"\n", ts, span, trace)
		case 2:
			fmt.Fprintf(w, `{"time":%q,"level":"WARN","target":"log","message":"cudagraph dispatching keys are not initialized. No cudagraph will be used.","log.file":"/opt/vllm/vllm/v1/cudagraph_dispatcher.py","log.line":101,"log.target":"cudagraph_dispatcher.dispatch"}`+"\n", ts)
		case 3:
			fmt.Fprintf(w, `{"time":%q,"level":"INFO","file":"/workspace/lib/runtime/src/pipeline/network/ingress/push_endpoint.rs","line":108,"target":"dynamo_runtime::pipeline::network::ingress::push_endpoint","message":"SPAN_CLOSED","component":"backend","endpoint":"generate","instance_id":"7587888160958627596","namespace":"dynamo","parent_id":%q,"span_id":%q,"span_name":"handle_payload","time.busy_us":%d,"time.duration_us":%d,"time.idle_us":%d,"trace_id":%q}`+"\n", ts, span, child, 1000+i%997, 2121090+i%997, 2120090, trace)
		case 4:
			fmt.Fprintf(w, `{"time":%q,"level":"INFO","file":"/workspace/lib/runtime/src/logging.rs","line":248,"target":"dynamo_runtime::logging","message":"SPAN_CLOSED","method":"POST","span_id":%q,"span_name":"http-request","time.busy_us":%d,"time.duration_us":%d,"time.idle_us":2120000,"trace_id":%q,"uri":"/v1/chat/completions","version":"HTTP/1.1"}`+"\n", ts, span, 13000+i%991, 2133000+i%991, trace)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
