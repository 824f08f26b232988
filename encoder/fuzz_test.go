package encoder_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/encoder/vocab"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// The fuzz targets feed each encoder any message, keys and values (invalid
// UTF-8, control characters, quotes, huge strings) through a real zap core,
// with fields both on the entry and in a With context, and check what every
// line of its layout must be whatever the input:
//
//   - JSONL: one '\n'-terminated line of valid JSON and UTF-8; top-level keys
//     time, level, [file, line], target, message, then the rest in strictly
//     increasing byte order, none twice; level, message and the head values
//     as the JSONL layout says.
//   - readable: one line, except for the newlines the message, the stack and
//     error texts carry (the readable layout keeps them) and the one that puts the
//     stack on a line of its own; valid UTF-8; no ESC without colour, and
//     with colour only the layout's own SGR sequences.
//   - vLLM: every '\n' but the last is "\r\n" followed by the full header
//    ; valid UTF-8.
//
// All three also check that a field gives the same bytes in the context
// (logger.With) as on the entry.

// fuzzCase is one decoded fuzz input. Each string has fixed uses, so that
// the readable check can tell where a newline may come from: msg is only the
// message, v3 only the stack and the error texts (see fields for the one
// exception).
type fuzzCase struct {
	msg, k1, v1, k2, v2, k3, v3 string
	n                           int64
	fbits                       uint64
	flag                        bool
	// sel picks everything else; see the bit accessors below.
	sel uint64
	// flatStack: the stack (v3) with its newlines made spaces.
	flatStack bool
}

func (c fuzzCase) bit(i uint) bool { return c.sel>>i&1 == 1 }

func (c fuzzCase) bits(i, width uint) int { return int(c.sel >> i & (1<<width - 1)) }

const (
	selLevelRaw   = 3  // level from bits 56-63 instead of fuzzLevels[bits 0-2]
	selCaller     = 4  // the entry has a caller
	selStack      = 5  // the entry has a stack: v3
	selLogger     = 6  // through a *zap.Logger rather than the core alone
	selNamed      = 7  // logger name k3
	selNamespace  = 8  // 4 bits: where zap.Namespace(k2) goes among the fields
	selSplit      = 12 // 4 bits: how many fields go to the With context
	selLogTarget  = 16 // a bridged record's log.target
	selLogOrigin  = 17 // a bridged record's log.file and log.line
	selObjectNS   = 18 // the zap.Object opens a namespace inside
	selPrefix     = 19 // vLLM prefix: v2 without newlines
	selRotate     = 20 // 4 bits: rotate the field order
	selSpans      = 24 // a Spans field, as the tracing core attaches
	selSpecialK1  = 25 // k1 is a key the layouts treat specially: bits 26-28
	selSpecialK3  = 29 // k3 is a key the layouts treat specially: bits 30-32
	selRawLevelAt = 56
)

var fuzzLevels = [8]zapcore.Level{
	zapcore.DebugLevel - 1, // TRACE
	zapcore.DebugLevel, zapcore.InfoLevel, zapcore.WarnLevel, zapcore.ErrorLevel,
	zapcore.DPanicLevel, zapcore.PanicLevel, zapcore.FatalLevel,
}

// specialKeys are the keys a mutator would hardly invent: the JSONL head,
// the rename of a head key, a bridged record's origin.
var specialKeys = [8]string{"time", "level", "file", "line", "target", "message", "log.target", "fields.time"}

// withSpecialKeys returns c with k1 and k3 replaced as sel says.
func (c fuzzCase) withSpecialKeys() fuzzCase {
	if c.bit(selSpecialK1) {
		c.k1 = specialKeys[c.bits(selSpecialK1+1, 3)]
	}
	if c.bit(selSpecialK3) {
		c.k3 = specialKeys[c.bits(selSpecialK3+1, 3)]
	}
	return c
}

func (c fuzzCase) level() zapcore.Level {
	if c.bit(selLevelRaw) {
		l := zapcore.Level(int8(c.sel >> selRawLevelAt))
		return max(l, -127) // the core below enables -127 and up
	}
	return fuzzLevels[c.bits(0, 3)]
}

func (c fuzzCase) stack() string {
	if c.bit(selStack) && c.flatStack {
		return strings.ReplaceAll(c.v3, "\n", " ")
	}
	if c.bit(selStack) {
		return c.v3
	}
	return ""
}

func (c fuzzCase) name() string {
	if c.bit(selNamed) {
		return c.k3
	}
	return ""
}

// fuzzObject is a zap.Object whose keys and values come from the input.
type fuzzObject struct {
	k1, v1, k2 string
	n          int64
	f          float64
	namespace  bool
}

func (o fuzzObject) MarshalLogObject(enc zapcore.ObjectEncoder) error {
	enc.AddString(o.k1, o.v1)
	if o.namespace {
		enc.OpenNamespace(o.k2)
	}
	enc.AddInt64(o.k2, o.n)
	enc.AddFloat64(o.k1, o.f)
	return nil
}

// fields returns the context fields (for With) and the entry's own. Error
// fields stay on the entry: through With, zap hands an encoder an error's
// text as a plain string, and the text layouts then quote it.
func (c fuzzCase) fields() (ctx, own []zap.Field) {
	f := math.Float64frombits(c.fbits)
	fs := []zap.Field{
		zap.String(c.k1, c.v1),
		zap.Int64(c.k2, c.n),
		zap.Float64(c.k3, f),
		zap.Bool(c.k1, c.flag),
		zap.ByteString(c.k2, []byte(c.v2)),
		zap.Object(c.k3, fuzzObject{c.k1, c.v1, c.k2, c.n, f, c.bit(selObjectNS)}),
		zap.Strings(c.k2, []string{c.v1, c.v2}),
		zap.Any(c.k1, map[string]string{c.k2: c.v2}),
	}
	if c.bit(selLogTarget) {
		fs = append(fs, zap.String("log.target", c.v1))
	}
	if c.bit(selLogOrigin) {
		fs = append(fs, zap.String("log.file", c.v2), zap.Int64("log.line", c.n))
	}
	if c.bit(selSpans) {
		fs = append(fs, vocab.SpansField(&vocab.Spans{
			TraceID: "425ef761ca5b44c795b4c912f1d84b39", SpanID: "6959a1b2d1ee41a5",
			Chain: []vocab.Span{{Name: "root"}, {Name: "inner", Fields: []zap.Field{
				zap.String(c.k2, c.v1), zap.Int64(c.k1, c.n),
			}}},
		}))
	}
	r := c.bits(selRotate, 4) % len(fs)
	fs = append(fs[r:], fs[:r]...)
	p := c.bits(selNamespace, 4)
	inNamespace := p <= len(fs)
	if inNamespace {
		fs = slices.Insert(fs, p, zap.Namespace(c.k2))
	}
	split := min(c.bits(selSplit, 4), len(fs))
	// An error keyed log.* at the top level is no error to the text layouts
	// but a bridged record's target or file, a name that must stay on its
	// line: its text is v1, whose newlines never reach the output.
	named := c.v3
	if !inNamespace && len(c.k3) > 4 && strings.HasPrefix(c.k3, "log.") {
		named = c.v1
	}
	own = append(fs[split:len(fs):len(fs)],
		zap.Error(errors.New(c.v3)), zap.NamedError(c.k3, errors.New(named)))
	return fs[:split], own
}

// fuzzTime has sub-microsecond digits, which every layout must truncate.
var fuzzTime = time.Date(2025, 9, 2, 16, 38, 6, 656503999, time.UTC)

type fixedClock struct{}

func (fixedClock) Now() time.Time                         { return fuzzTime }
func (fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

// render logs c once through a core around enc and returns the bytes written
// and the entry as the core saw it. Levels that would panic or exit through
// a *zap.Logger go through the core's Check and Write directly.
func (c fuzzCase) render(t *testing.T, enc zapcore.Encoder) (string, zapcore.Entry) {
	t.Helper()
	var out bytes.Buffer
	core := zapcore.NewCore(enc, zapcore.AddSync(&out), zapcore.Level(-127))
	ctx, own := c.fields()
	lvl := c.level()
	var ce *zapcore.CheckedEntry
	if c.bit(selLogger) && lvl < zapcore.DPanicLevel {
		log := zap.New(core, zap.WithCaller(c.bit(selCaller)), zap.WithClock(fixedClock{}))
		ce = log.Named(c.name()).With(ctx...).Check(lvl, c.msg)
	} else {
		ent := zapcore.Entry{Level: lvl, Time: fuzzTime, LoggerName: c.name(), Message: c.msg}
		if c.bit(selCaller) {
			ent.Caller = zapcore.EntryCaller{Defined: true, File: c.v2, Line: int(int32(c.n)), Function: c.k1}
		}
		ce = core.With(ctx).Check(ent, nil)
	}
	if ce == nil {
		t.Fatalf("core refused level %v", lvl)
	}
	ce.Stack = c.stack()
	ent := ce.Entry
	ce.Write(own...)
	return out.String(), ent
}

// renderFlat logs ent with every field on the entry, none in a context.
func (c fuzzCase) renderFlat(t *testing.T, enc zapcore.Encoder, ent zapcore.Entry) string {
	t.Helper()
	var out bytes.Buffer
	core := zapcore.NewCore(enc, zapcore.AddSync(&out), zapcore.Level(-127))
	ctx, own := c.fields()
	core.Check(ent, nil).Write(append(ctx, own...)...)
	return out.String()
}

// checkContext: fields in a With context print as they do on the entry.
func (c fuzzCase) checkContext(t *testing.T, newEnc func() zapcore.Encoder, got string, ent zapcore.Entry) {
	t.Helper()
	if flat := c.renderFlat(t, newEnc(), ent); flat != got {
		t.Errorf("With context and entry fields differ:\nwith %s\nflat %s", clip(got), clip(flat))
	}
}

// replaceInvalid replaces each byte that is not part of valid UTF-8 with
// U+FFFD, one per byte, as the encoders do. strings.ToValidUTF8 would
// replace a run of invalid bytes with a single U+FFFD.
func replaceInvalid(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteString("\uFFFD")
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// clip quotes s for a failure message, cut down to what a reader can take.
func clip(s string) string {
	const keep = 600
	if len(s) <= keep {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:keep/2]) + fmt.Sprintf("…(%d bytes)…", len(s)-keep) + strconv.Quote(s[len(s)-keep/2:])
}

// jsonObject reads the top-level keys of line in order, duplicates kept,
// and the first value of each.
func jsonObject(line string) ([]string, map[string]json.RawMessage, error) {
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("not an object")
	}
	var keys []string
	vals := map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys = append(keys, key)
		if _, ok := vals[key]; !ok {
			vals[key] = v
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, nil, errors.New("object not closed")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, errors.New("data after the object")
	}
	return keys, vals, nil
}

func jsonString(t *testing.T, raw json.RawMessage) string {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("value %s is not a string: %v", raw, err)
	}
	return s
}

func dynamoLevelName(l zapcore.Level) string {
	switch {
	case l < zapcore.DebugLevel:
		return "TRACE"
	case l == zapcore.DebugLevel:
		return "DEBUG"
	case l == zapcore.InfoLevel:
		return "INFO"
	case l == zapcore.WarnLevel:
		return "WARN"
	}
	return "ERROR"
}

func checkJSONL(t *testing.T, c fuzzCase) {
	newEnc := func() zapcore.Encoder { return encoder.NewJSONL() }
	out, ent := c.render(t, newEnc())
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Fatalf("want exactly one line ending in '\\n', got %s", clip(out))
	}
	line := out[:len(out)-1]
	if !utf8.ValidString(line) {
		t.Fatalf("invalid UTF-8: %s", clip(line))
	}
	if !json.Valid([]byte(line)) {
		t.Fatalf("invalid JSON: %s", clip(line))
	}
	keys, vals, err := jsonObject(line)
	if err != nil {
		t.Fatalf("%v: %s", err, clip(line))
	}

	_, bridged := vals["log.target"]
	head := []string{"time", "level"}
	if ent.Caller.Defined && !bridged {
		head = append(head, "file", "line")
	}
	head = append(head, "target", "message")
	if len(keys) < len(head) || !slices.Equal(keys[:len(head)], head) {
		t.Fatalf("keys do not start with %q: %s", head, clip(line))
	}
	for i, k := range keys[len(head):] {
		if slices.Contains(head, k) {
			t.Fatalf("head key %s again after the head: %s", clip(k), clip(line))
		}
		if prev := keys[len(head)+i-1]; i > 0 && prev >= k {
			t.Fatalf("keys %s then %s: not strictly increasing: %s", clip(prev), clip(k), clip(line))
		}
	}

	if got := jsonString(t, vals["time"]); got != "2025-09-02T16:38:06.656503Z" {
		t.Errorf("time %q", got)
	}
	if got, want := jsonString(t, vals["level"]), dynamoLevelName(ent.Level); got != want {
		t.Errorf("level %q, want %q for %v", got, want, ent.Level)
	}
	if got, want := jsonString(t, vals["message"]), replaceInvalid(c.msg); got != want {
		t.Errorf("message %s, want %s", clip(got), clip(want))
	}
	switch got := jsonString(t, vals["target"]); {
	case bridged && got != "log":
		t.Errorf("bridged record's target %q, want \"log\"", got)
	case !bridged && ent.LoggerName != "" && got != replaceInvalid(ent.LoggerName):
		t.Errorf("target %q, want the logger name %q", got, ent.LoggerName)
	}
	if slices.Contains(head, "file") {
		if got, want := jsonString(t, vals["file"]), replaceInvalid(ent.Caller.File); got != want {
			t.Errorf("file %q, want %q", got, want)
		}
		if got, want := string(vals["line"]), strconv.Itoa(ent.Caller.Line); got != want {
			t.Errorf("line %s, want %s", got, want)
		}
	}
	if ent.Stack != "" {
		if got, want := jsonString(t, vals["stacktrace"]), replaceInvalid(ent.Stack); got != want {
			t.Errorf("stacktrace %s, want %s", clip(got), clip(want))
		}
	}
	c.checkContext(t, newEnc, out, ent)
}

// readableSGR are the only escape sequences the readable layout writes.
var readableSGR = []string{"[0m", "[1m", "[2m", "[3m", "[31m", "[32m", "[33m", "[34m", "[35m"}

func checkReadable(t *testing.T, c fuzzCase, color bool) {
	newEnc := func() zapcore.Encoder { return encoder.NewReadable(encoder.WithColor(color)) }
	out, ent := c.render(t, newEnc())
	if !utf8.ValidString(out) {
		t.Fatalf("invalid UTF-8: %s", clip(out))
	}

	// The same record with the newlines of the message and stack made
	// spaces must be one line (two with a stack), and differ from the
	// original only there: no other newline reaches the output, not even an
	// error's (Display values write theirs as \n).
	flat := c
	flat.msg = strings.ReplaceAll(c.msg, "\n", " ")
	flat.flatStack = true
	one, _ := flat.render(t, newEnc())
	lines := 1
	if ent.Stack != "" {
		lines++ // the stack starts on a line of its own
	}
	if !strings.HasSuffix(one, "\n") || strings.Count(one, "\n") != lines {
		t.Fatalf("want %d lines ending in '\\n' when message and stack have no newline, got %s", lines, clip(one))
	}
	if len(one) != len(out) {
		t.Fatalf("a newline in the message or stack changed more than itself:\n%s\n%s", clip(out), clip(one))
	}
	for i := range len(out) {
		if out[i] != one[i] && (out[i] != '\n' || one[i] != ' ') {
			t.Fatalf("byte %d differs beyond a newline:\n%s\n%s", i, clip(out), clip(one))
		}
	}

	for i := 0; i < len(out); i++ {
		if out[i] != 0x1b {
			continue
		}
		if !color {
			t.Fatalf("ESC at byte %d without colour: %s", i, clip(out))
		}
		rest := out[i+1:]
		if !slices.ContainsFunc(readableSGR, func(s string) bool { return strings.HasPrefix(rest, s) }) {
			t.Fatalf("ESC at byte %d starts no SGR sequence of the layout: %s", i, clip(out))
		}
	}
	for i, r := range out {
		if r >= 0x80 && r <= 0x9f || isBidiControl(r) {
			t.Fatalf("raw %U at byte %d: %s", r, i, clip(out))
		}
	}
	c.checkContext(t, newEnc, out, ent)
}

func vllmLevelName(l zapcore.Level) string {
	switch {
	case l < zapcore.DebugLevel:
		return "TRACE"
	case l == zapcore.DebugLevel:
		return "DEBUG"
	case l == zapcore.InfoLevel:
		return "INFO"
	case l == zapcore.WarnLevel:
		return "WARNING"
	case l == zapcore.ErrorLevel:
		return "ERROR"
	}
	return "CRITICAL"
}

func baseName(path string) string {
	if i := strings.LastIndexAny(path, `/\`); i >= 0 {
		return path[i+1:]
	}
	return path
}

// vllmHeader is the header the vLLM layout repeats on every line of a record. A
// bridged record (log.target and log.file among the top-level fields, not
// inside a namespace) shows its foreign origin instead of the caller. Line
// breaks and terminal controls in the file name are escaped, or the header
// could not repeat and a file name could drive the terminal.
func (c fuzzCase) vllmHeader(prefix string, ent zapcore.Entry) string {
	ctx, own := c.fields()
	var bridged, inNamespace bool
	var logFile string
	var logLine int64
	for _, f := range append(ctx, own...) {
		switch f.Type {
		case zapcore.NamespaceType:
			inNamespace = true
		case zapcore.StringType, zapcore.ErrorType:
			v := f.String
			if f.Type == zapcore.ErrorType {
				v = f.Interface.(error).Error()
			}
			switch {
			case inNamespace:
			case f.Key == "log.target":
				bridged = true
			case f.Key == "log.file":
				logFile = v
			}
		case zapcore.Int64Type:
			if !inNamespace && f.Key == "log.line" {
				logLine = f.Integer
			}
		}
	}
	file, line := "unknown", int64(0)
	switch {
	case bridged && logFile != "":
		file, line = baseName(logFile), logLine
	case ent.Caller.Defined:
		file, line = baseName(ent.Caller.File), int64(ent.Caller.Line)
	}
	file = escapeName(replaceInvalid(file))
	return escapeBidi(replaceInvalid(prefix)) + vllmLevelName(ent.Level) + " " + ent.Time.UTC().Format("01-02 15:04:05") +
		" [" + file + ":" + strconv.FormatInt(line, 10) + "] "
}

func checkVLLM(t *testing.T, c fuzzCase) {
	prefix := ""
	if c.bit(selPrefix) {
		// A prefix is a short literal set by the operator; a huge one only
		// makes every line huge. Its newlines and %-directives have their
		// own tests.
		prefix = strings.NewReplacer("\n", "", "%", "").Replace(c.v2)
		prefix = prefix[:min(len(prefix), 64)]
	}
	newEnc := func() zapcore.Encoder {
		return encoder.NewVLLM(encoder.WithPrefix(prefix), encoder.WithLocation(time.UTC))
	}
	out, ent := c.render(t, newEnc())
	if !utf8.ValidString(out) {
		t.Fatalf("invalid UTF-8: %s", clip(out))
	}
	if !strings.HasSuffix(out, "\n") {
		t.Fatalf("no final '\\n': %s", clip(out))
	}
	for i, r := range out {
		if isBidiControl(r) {
			t.Fatalf("raw %U at byte %d: %s", r, i, clip(out))
		}
	}
	header := c.vllmHeader(prefix, ent)
	lines := strings.Split(out[:len(out)-1], "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, header) {
			t.Fatalf("line %d does not start with the header %s: %s", i+1, clip(header), clip(out))
		}
		if i < len(lines)-1 && !strings.HasSuffix(l, "\r") {
			t.Fatalf("line %d ends in a bare '\\n': %s", i+1, clip(out))
		}
	}
	c.checkContext(t, newEnc, out, ent)
}

// addFuzzSeeds gives every target the same nasty inputs.
func addFuzzSeeds(f *testing.F) {
	var controls strings.Builder
	for b := range 0x20 {
		controls.WriteByte(byte(b))
	}
	ctl := controls.String()
	huge := strings.Repeat("ab\"\\\x1b\xff\u2028\n", 64<<10/12)

	const (
		caller    = 1 << selCaller
		stack     = 1 << selStack
		logger    = 1 << selLogger
		named     = 1 << selNamed
		noNS      = 0xf << selNamespace
		logTarget = 1 << selLogTarget
		logOrigin = 1 << selLogOrigin
		prefix    = 1 << selPrefix
		spans     = 1 << selSpans
	)
	nan := math.Float64bits(math.NaN())
	seeds := []fuzzCase{
		{sel: noNS},
		{msg: "\x1b[31m", k1: "time", v1: "\x1b[0m", k2: "message", v2: "\x1b]0;title\x07", k3: "log.target", v3: "\x1b[2J", sel: 2 | caller | noNS},
		{msg: "\xff\xfe", k1: "\xff", v1: "\xfe", k2: "\xfe", v2: "\xff", k3: "\xef\xbf\xbe", v3: "\xe2\x82", sel: 3 | caller | stack | noNS},
		{msg: `a"b\c`, k1: `"`, v1: `\`, k2: `a"b\c`, v2: `"}`, k3: `{"`, v3: `\"`, sel: 1 | logger | named | noNS},
		{msg: "\u202eevil\u2066\u200f", k1: "\u202a", v1: "\u2069x", k2: "log.file", v2: "\u200e\u202e[", k3: "k", v3: "\u2067", sel: 3 | caller | stack | prefix | logTarget},
		{msg: "\u2028\u2029", k1: "\u2028", v1: "\u2029", k2: "\u0085", v2: "\u009b31m", k3: "\x7f", v3: "\x07\x08\x0c", sel: 4 | caller | logger},
		{msg: ctl, k1: ctl, v1: ctl, k2: ctl[:8], v2: ctl[8:], k3: ctl[16:], v3: ctl, sel: 5 | caller | stack | noNS},
		{msg: huge, k1: "big", v1: huge, k2: "x", v2: huge[:1000], k3: "y", v3: huge, sel: 2 | stack | prefix | noNS},
		{msg: "\r\n", k1: "\r", v1: "\r\n", k2: "\n", v2: "\r", k3: "k\r\n", v3: "\r\n", sel: 1 | caller | stack | prefix},
		{msg: "\n", k1: "\n", v1: "\n", k2: "a", v2: "\n", k3: "b", v3: "\n", sel: caller | stack | logger | noNS},
		{msg: "head keys", k1: "time", v1: "t", k2: "message", v2: "m", k3: "level", v3: "e", sel: 2 | caller | 3<<selSplit | noNS},
		{msg: "more head keys", k1: "file", v1: "f", k2: "line", v2: "l", k3: "target", v3: "e", sel: 2 | caller | logger | 5<<selSplit},
		{msg: "bridged", k1: "log.target", v1: "main.init", k2: "log.line", v2: "/x/y.py", k3: "log.file", v3: "/a/b.py", n: 191, sel: 2 | caller | logTarget | logOrigin | 2<<selNamespace},
		{msg: "bridged in context", k1: "a", v1: "main.init", k2: "b", v2: "/opt/main.py", k3: "c", v3: "e", n: 7, sel: 2 | caller | logTarget | logOrigin | 15<<selSplit | noNS},
		{msg: "NaN", k1: "f", k2: "g", k3: "nan", fbits: nan, sel: 2 | noNS},
		{msg: "+Inf", k3: "inf", fbits: math.Float64bits(math.Inf(1)), sel: 3 | noNS},
		{msg: "-Inf", k3: "inf", fbits: math.Float64bits(math.Inf(-1)), sel: 4 | noNS},
		{msg: "-0", k3: "zero", fbits: math.Float64bits(math.Copysign(0, -1)), flag: true, sel: 1 | noNS},
		{msg: "fields.time", k1: "time", v1: "1", k2: "fields.time", v2: "2", k3: "fields.time", sel: 2 | 1<<selRotate | noNS},
		{msg: "namespaces", k1: "a", v1: "1", k2: "ns", v2: "2", k3: "b", v3: "e", sel: 2 | 1<<selNamespace | 4<<selSplit | 1<<selObjectNS},
		{msg: "spans", k1: "span_id", v1: "x", k2: "trace_id", v2: "y", k3: "span", v3: "e", sel: 2 | caller | spans | 3<<selSplit | noNS},
		{msg: "fatal", k1: "a", v1: "b", sel: 7 | caller | stack | named | noNS},
		{msg: "panic", k1: "a", v1: "b", sel: 6 | caller | logger | noNS},
		{msg: "dpanic", k1: "a", v1: "b", sel: 5 | logger | noNS},
		{msg: "raw level", sel: 1<<selLevelRaw | 0x80<<selRawLevelAt | noNS},
		{msg: "everything", k1: "log.target", v1: "\xff\n", k2: "time", v2: "\x1b\n", k3: "message", v3: "\n\xfe", n: -1, fbits: nan, flag: true, sel: math.MaxUint64},
	}
	for _, s := range seeds {
		f.Add(s.msg, s.k1, s.v1, s.k2, s.v2, s.k3, s.v3, s.n, s.fbits, s.flag, s.sel)
	}
}

func FuzzJSONL(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, msg, k1, v1, k2, v2, k3, v3 string, n int64, fbits uint64, flag bool, sel uint64) {
		checkJSONL(t, fuzzCase{msg: msg, k1: k1, v1: v1, k2: k2, v2: v2, k3: k3, v3: v3, n: n, fbits: fbits, flag: flag, sel: sel}.withSpecialKeys())
	})
}

func FuzzReadable(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, msg, k1, v1, k2, v2, k3, v3 string, n int64, fbits uint64, flag bool, sel uint64) {
		c := fuzzCase{msg: msg, k1: k1, v1: v1, k2: k2, v2: v2, k3: k3, v3: v3, n: n, fbits: fbits, flag: flag, sel: sel}.withSpecialKeys()
		checkReadable(t, c, false)
		checkReadable(t, c, true)
	})
}

func FuzzVLLM(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, msg, k1, v1, k2, v2, k3, v3 string, n int64, fbits uint64, flag bool, sel uint64) {
		checkVLLM(t, fuzzCase{msg: msg, k1: k1, v1: v1, k2: k2, v2: v2, k3: k3, v3: v3, n: n, fbits: fbits, flag: flag, sel: sel}.withSpecialKeys())
	})
}
