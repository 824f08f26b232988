package logfile

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dynlog/dynlog/internal/levels"
	"go.uber.org/zap/zapcore"
)

func TestDecodeGolden(t *testing.T) {
	data, err := os.ReadFile("testdata/golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	closed, err := Decode([]byte(lines[3]))
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2025, 9, 2, 16, 38, 8, 787232000, time.UTC); !closed.Time.Equal(want) {
		t.Errorf("time %v", closed.Time)
	}
	if closed.Level != zapcore.InfoLevel || !closed.HasLevel || closed.Message != "SPAN_CLOSED" ||
		closed.Target != "dynamo_runtime::pipeline::network::ingress::push_endpoint" ||
		closed.File != "/workspace/lib/runtime/src/pipeline/network/ingress/push_endpoint.rs" || closed.Line != 108 ||
		closed.SpanID != "b035f33bdd5c4b50" || closed.ParentID != "6959a1b2d1ee41a5" ||
		closed.TraceID != "425ef761ca5b44c795b4c912f1d84b39" || closed.SpanName != "handle_payload" ||
		!closed.HasTiming || closed.BusyUS != 1090 || closed.IdleUS != 2120000 || closed.DurationUS != 2121090 {
		t.Errorf("SPAN_CLOSED decoded as %+v", closed)
	}
	var keys []string
	for _, f := range closed.Fields {
		keys = append(keys, f.Key+"="+string(f.Value))
	}
	if got := strings.Join(keys, " "); got != `component="backend" endpoint="generate" instance_id="7587888160958627596" namespace="dynamo"` {
		t.Errorf("fields %s", got)
	}

	bridged, err := Decode([]byte(lines[6]))
	if err != nil {
		t.Fatal(err)
	}
	if !bridged.Bridged() || bridged.LogTarget != "main.init" || bridged.LogLine != 191 ||
		bridged.LogFile != "/opt/dynamo/venv/lib/python3.12/site-packages/dynamo/vllm/main.py" || len(bridged.Fields) != 0 {
		t.Errorf("bridged decoded as %+v", bridged)
	}
	req, _ := Decode([]byte(lines[5]))
	if req.XRequestID != "8372eac7-5f43-4d76-beca-0a94cfb311d0" {
		t.Errorf("x_request_id %q", req.XRequestID)
	}
}

func TestDecodeTolerant(t *testing.T) {
	rec, err := Decode([]byte(`{"level":3,"line":"12","time":"yesterday","message":"a\ufffd\u0000","span_id":7,"x":1,"x":2,"level":"trace"}`))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Level != levels.Trace || rec.LevelText != "trace" || rec.Line != 0 || !rec.Time.IsZero() ||
		rec.TimeText != "yesterday" || rec.Message != "a\ufffd\x00" || rec.SpanID != "" {
		t.Errorf("decoded as %+v", rec)
	}
	var got []string
	for _, f := range rec.Fields {
		got = append(got, f.Key+"="+string(f.Value))
	}
	if strings.Join(got, " ") != `level=3 line="12" span_id=7 x=2` {
		t.Errorf("fields %q", got)
	}
	if rec, _ := Decode([]byte("{\"message\":\"\xff\"}")); rec.Message != "\ufffd" {
		t.Errorf("invalid UTF-8 message %q", rec.Message)
	}
}

func TestDecodeErrors(t *testing.T) {
	for in, notObject := range map[string]bool{
		`[1,2]`:             true,
		`"s"`:               true,
		`42`:                true,
		`null`:              true,
		``:                  false,
		`plain text`:        false,
		`{"a":1`:            false,
		`{"a":1} {"b":2}`:   false,
		`{"a":1}x`:          false,
		"{\"a\":\x00}":      false,
		`{"a" 1}`:           false,
		"\x00\x01\x02\xff{": false,
	} {
		_, err := Decode([]byte(in))
		if err == nil {
			t.Errorf("%q: no error", in)
			continue
		}
		if errors.Is(err, ErrNotObject) != notObject {
			t.Errorf("%q: %v, want ErrNotObject %v", in, err, notObject)
		}
	}
}
