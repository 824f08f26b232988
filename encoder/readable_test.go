package encoder_test

import (
	"errors"
	"testing"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// readableLine renders one INFO line of target "t" with message msg.
func readableLine(t *testing.T, color bool, msg string, fields ...zap.Field) string {
	t.Helper()
	ent := zapcore.Entry{Time: mustTime(t, "2025-09-02T16:38:06.656503Z"), LoggerName: "t", Message: msg}
	return encode(t, encoder.NewReadable(encoder.WithColor(color)), ent, fields...)
}

const readableHead = "2025-09-02T16:38:06.656503Z  INFO t: "

// TestReadableFieldNames: a name is written as given when it is a plain
// word (letters, digits, _ . - : #); anything that could forge a field or a
// line is written as a quoted string.
func TestReadableFieldNames(t *testing.T) {
	tests := []struct{ key, want string }{
		{"workers", `m workers=1`},
		{"time.busy", `m time.busy=1`},
		{"r#type", `m r#type=1`},
		{"dynamo_llm::http", `m dynamo_llm::http=1`},
		{"x-request-id", `m x-request-id=1`},
		{"größe", `m größe=1`},
		{"a b", `m "a b"=1`},
		{"a=b", `m "a=b"=1`},
		{`say"`, `m "say\""=1`},
		{"a\nb", `m "a\nb"=1`},
		{"\x1b[31m", `m "\u{1b}[31m"=1`},
		{"a\u2028b", `m "a\u{2028}b"=1`},
		{"", `m ""=1`},
		{"k/v", `m "k/v"=1`},
	}
	for _, tt := range tests {
		if got, want := readableLine(t, false, "m", zap.Int("x", 0), zap.Int(tt.key, 1))[len(readableHead):], "m x=0"+tt.want[1:]+"\n"; got != want {
			t.Errorf("key %q:\n got %q\nwant %q", tt.key, got, want)
		}
	}
	if got, want := readableLine(t, false, "m", zap.Namespace("ns"), zap.Int("a b", 1)), readableHead+`m "ns.a b"=1`+"\n"; got != want {
		t.Errorf("namespaced key:\n got %q\nwant %q", got, want)
	}
}

// TestReadableDisplayValues: errors and zap.Stringer print unquoted, as
// Rust prints &dyn Error and %value; a newline is written \n, and a value
// that would read as a further field is quoted.
func TestReadableDisplayValues(t *testing.T) {
	tests := []struct {
		field zap.Field
		want  string
	}{
		{zap.Stringer("method", textStringer("POST")), `method=POST`},
		{zap.Stringer("v", textStringer("HTTP/1.1")), `v=HTTP/1.1`},
		{zap.Error(errors.New("connection refused")), `error=connection refused`},
		{zap.Error(errors.New("line one\nline two")), `error=line one\nline two`},
		{zap.Error(errors.New("bad\r\x1b[2J")), `error=bad\r\x1b[2J`},
		{zap.Error(errors.New("GET /x?a=b")), `error=GET /x?a=b`},
		{zap.Error(errors.New("a=b")), `error=a=b`},
		{zap.Error(errors.New("oops admin=true")), `error="oops admin=true"`},
		{zap.Stringer("s", textStringer("x user=root")), `s="x user=root"`},
		{zap.String("s", "x user=root"), `s="x user=root"`},
	}
	for _, tt := range tests {
		if got, want := readableLine(t, false, "m", tt.field), readableHead+"m "+tt.want+"\n"; got != want {
			t.Errorf("%s:\n got %q\nwant %q", tt.field.Key, got, want)
		}
	}
}

// TestReadableEmptyMessage: no double space after the target's colon.
func TestReadableEmptyMessage(t *testing.T) {
	if got, want := readableLine(t, false, "", zap.String("k", "v")), readableHead+`k="v"`+"\n"; got != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
	if got, want := readableLine(t, false, ""), readableHead+"\n"; got != want {
		t.Errorf("no fields:\n got %q\nwant %q", got, want)
	}
	spans := &vocab.Spans{Chain: []vocab.Span{{Name: "s", Fields: []zap.Field{zap.Int("n", 1)}}}}
	got := readableLine(t, true, "", vocab.SpansField(spans))
	want := "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[1ms\x1b[0m: \x1b[2mt\x1b[0m\x1b[2m:\x1b[0m " +
		"\x1b[2m\x1b[3mn\x1b[0m\x1b[2m=\x1b[0m1\x1b[0m\n"
	if got != want {
		t.Errorf("colour, span fields only:\n got %q\nwant %q", got, want)
	}
}

// TestReadableColorSpanGroups: in colour each span's fields are one dimmed
// group, as tracing-subscriber's compact format writes them; a span without
// fields writes no group.
func TestReadableColorSpanGroups(t *testing.T) {
	spans := &vocab.Spans{Chain: []vocab.Span{
		{Name: "http-request", Fields: []zap.Field{zap.Stringer("method", textStringer("POST")), zap.String("x_request_id", "abc")}},
		{Name: "quiet"},
		{Name: "inner", Fields: []zap.Field{zap.Int("workers", 8)}},
	}}
	got := readableLine(t, true, "m", zap.Int("a", 1), vocab.SpansField(spans))
	want := "\x1b[2m2025-09-02T16:38:06.656503Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[1mhttp-request\x1b[0m:\x1b[1mquiet\x1b[0m:\x1b[1minner\x1b[0m: " +
		"\x1b[2mt\x1b[0m\x1b[2m:\x1b[0m m \x1b[3ma\x1b[0m\x1b[2m=\x1b[0m1" +
		" \x1b[2m\x1b[3mmethod\x1b[0m\x1b[2m=\x1b[0mPOST \x1b[3mx_request_id\x1b[0m\x1b[2m=\x1b[0m\"abc\"\x1b[0m" +
		" \x1b[2m\x1b[3mworkers\x1b[0m\x1b[2m=\x1b[0m8\x1b[0m\n"
	if got != want {
		t.Errorf("\n got %q\nwant %q", got, want)
	}
	plain := readableLine(t, false, "m", zap.Int("a", 1), vocab.SpansField(spans))
	if want := "2025-09-02T16:38:06.656503Z  INFO http-request:quiet:inner: t: m a=1 method=POST x_request_id=\"abc\" workers=8\n"; plain != want {
		t.Errorf("no colour:\n got %q\nwant %q", plain, want)
	}
}
