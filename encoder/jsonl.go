package encoder

import (
	"fmt"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/dynlog/dynlog/encoder/internal/jsonfmt"
	"github.com/dynlog/dynlog/encoder/internal/timefmt"
	"github.com/dynlog/dynlog/encoder/vocab"
	"github.com/dynlog/dynlog/internal/levels"
	"github.com/dynlog/dynlog/internal/spancache"
	"github.com/dynlog/dynlog/internal/target"
	"go.uber.org/zap/buffer"
	"go.uber.org/zap/zapcore"
)

var bufferPool = buffer.NewPool()

// startLine takes a buffer from the pool for a line of about n bytes and
// returns it with its storage, emptied, which the encoder appends the line
// to: the line is written once, where zap will read it, and a pooled buffer
// that once held a long line holds the next one without allocating. When
// the storage is shorter than n, the line is written to a slice of n bytes
// instead and copied into the buffer at the end.
func startLine(n int) (*buffer.Buffer, []byte) {
	out := bufferPool.Get()
	b := out.Bytes()[:0]
	if cap(b) < n {
		b = make([]byte, 0, n)
	}
	return out, b
}

// finishLine gives the buffer of startLine the line b. While b is still the
// buffer's storage, the copy is onto itself.
func finishLine(out *buffer.Buffer, b []byte) *buffer.Buffer {
	out.Reset()
	_, _ = out.Write(b)
	return out
}

// keyValue is one top-level key of a JSONL line and its encoded value.
type keyValue struct {
	key string
	// start is where the value begins in the owning encoder's values buffer,
	// until resolve turns it into val.
	start int
	val   []byte
	// full: val already holds `,"key":value`, pre-encoded for a context.
	full bool
}

// frozenContext is a context (the fields of With) sorted by key, with later
// duplicates winning, and pre-encoded once so EncodeEntry copies bytes: runs
// of context keys between the line's own keys go out in one append.
type frozenContext struct {
	kvs []keyValue // val holds `,"key":value`; start is its offset in enc
	enc []byte     // every kv's bytes, back to back, in key order
	// bridged: the context holds log.target (a bridge's With).
	bridged bool
	// An OpenNamespace in the context stays open: the line's own fields go
	// inside it. openKey is its key, openBytes its value so far, nsOpen how
	// many objects are open.
	openKey   string
	openBytes []byte
	nsOpen    int
	// self holds the context itself when it is a Spans' cached encoding
	// (jsonlKeys): the Spans keeps a pointer to it, so caching costs no
	// allocation of its own.
	self any
}

type jsonlEncoder struct {
	cfg    *config
	kvs    []keyValue
	vals   jsonWriter // the values of kvs, back to back
	nsOpen int        // top-level namespaces open: later fields nest
	spans  *vocab.Spans
	// literal: AddString and AddByteString write JSON strings whatever the
	// text. EncodeEntry's encoder is literal, because zap reaches AddString
	// from zap.Stringer and zap.Error too, and it embeds the JSON of
	// zap.String fields itself, where it can see their type. A context
	// (With) encoder is not: there zap passes no type (see doc.go).
	literal bool

	// cut: the line's own string values are cut to a line cap
	// (WithMaxLineBytes), while set.
	cut *lineCut
	// guarded: addFields is adding the line's fields, and recovers from
	// a panic in the caller's code; the value writers leave it to it.
	guarded bool

	frozen atomic.Pointer[frozenContext] // set on first use as a context
	order  []int32                       // scratch: kvs's indexes in key order
	// headDay is the date of the last line's own time, kept apart from
	// the values' (vals.day): a line's time and its values' are often of
	// different days.
	headDay timefmt.Day
}

var _ zapcore.Encoder = (*jsonlEncoder)(nil)

var jsonlPool = sync.Pool{New: func() any { return &jsonlEncoder{vals: jsonWriter{serde: true}} }}

// NewJSONL returns an encoder for Dynamo's JSONL layout.
func NewJSONL(opts ...Option) zapcore.Encoder {
	cfg := newConfig(opts)
	return &jsonlEncoder{cfg: &cfg, vals: jsonWriter{serde: true}}
}

// topKey is the key a top-level field is printed under. The head keys
// (time, level, file, line, target, message) start every line; a field that
// uses one of them is renamed "fields.<key>" so that each key appears once
// and the head keeps its meaning (Dynamo has no such field; tracing-subscriber's
// JSON puts event fields under "fields" too). A key with invalid UTF-8 is
// sorted and deduplicated as it will be printed, with U+FFFD.
func topKey(k string) string {
	if !utf8.ValidString(k) {
		// Ranging over k decodes each invalid byte as U+FFFD.
		b := make([]byte, 0, len(k)+8)
		for _, r := range k {
			b = utf8.AppendRune(b, r)
		}
		return string(b)
	}
	switch k {
	case "time":
		return "fields.time"
	case "level":
		return "fields.level"
	case "file":
		return "fields.file"
	case "line":
		return "fields.line"
	case "target":
		return "fields.target"
	case "message":
		return "fields.message"
	}
	return k
}

// begin starts the value of key k: a new top-level key, or, inside an open
// namespace, a nested key.
func (e *jsonlEncoder) begin(k string) {
	if e.nsOpen > 0 {
		e.vals.key(k)
		return
	}
	e.kvs = append(e.kvs, keyValue{key: topKey(k), start: len(e.vals.b)})
	e.vals.fresh = true
}

// addFields adds a line's fields. A field whose value runs the caller's
// code (a marshaler, a MarshalJSON) and panics costs itself alone: what it
// wrote is cut and it is written as zap writes a field whose marshaler
// failed, null (nothing, for zap.Inline) with the panic beside it as
// <key>Error, "PANIC=…", as zap writes a panicking Error or String method.
// A bug in the caller's code costs one value, not the line or the program.
// One deferred call per line, not per value (addFieldsFrom).
func (e *jsonlEncoder) addFields(fields []zapcore.Field) {
	e.guarded = true
	for i := 0; i < len(fields); {
		i = e.addFieldsFrom(fields, i)
	}
	e.guarded = false
}

// addFieldsFrom adds fields[i:] and returns the index of the next field
// to add: len(fields), or the one after a field that panicked.
func (e *jsonlEncoder) addFieldsFrom(fields []zapcore.Field, i int) (next int) {
	var m jsonlMark
	defer func() {
		if r := recover(); r != nil {
			e.restore(m)
			writePanicked(e, &fields[next], r)
			next++
		}
	}()
	for next = i; next < len(fields); next++ {
		switch fld := &fields[next]; fld.Type {
		case zapcore.StringType:
			addText(e, fld.Key, fld.String, true)
		case zapcore.ByteStringType:
			addBytes(e, fld.Key, fld.Interface.([]byte), true)
		case zapcore.ObjectMarshalerType, zapcore.ArrayMarshalerType, zapcore.InlineMarshalerType, zapcore.ReflectType:
			m = e.mark()
			fld.AddTo(e)
		default:
			fld.AddTo(e)
		}
	}
	return next
}

// jsonlMark is what a field's value can change in an encoder: the state to
// go back to when the caller's code panics while writing it.
type jsonlMark struct {
	kvs, vals, nsOpen, namespaces int
	fresh                         bool
	spans                         *vocab.Spans
}

func (e *jsonlEncoder) mark() jsonlMark {
	return jsonlMark{len(e.kvs), len(e.vals.b), e.nsOpen, e.vals.openNamespaces, e.vals.fresh, e.spans}
}

func (e *jsonlEncoder) restore(m jsonlMark) {
	e.kvs, e.vals.b, e.nsOpen = e.kvs[:m.kvs], e.vals.b[:m.vals], m.nsOpen
	e.vals.openNamespaces, e.vals.fresh, e.spans = m.namespaces, m.fresh, m.spans
}

// writePanicked writes f, whose value panicked with r, to enc as
// jsonlEncoder.addFields says: null (nothing for zap.Inline), and the panic
// as <key>Error.
func writePanicked(enc zapcore.ObjectEncoder, f *zapcore.Field, r any) {
	if f.Type != zapcore.InlineMarshalerType {
		_ = enc.AddReflected(f.Key, nil)
	}
	enc.AddString(f.Key+"Error", fmt.Sprintf("PANIC=%v", r))
}

// recovered, deferred by a value added outside addFields (a context's
// field, from With), does the same for it: what it wrote is cut, the value
// is null, and the panic is the error, which zap's Field.AddTo writes as
// <key>Error.
func (e *jsonlEncoder) recovered(m jsonlMark, k string, err *error) {
	if r := recover(); r != nil {
		e.restore(m)
		_ = e.AddReflected(k, nil)
		*err = fmt.Errorf("PANIC=%v", r)
	}
}

func (e *jsonlEncoder) AddArray(k string, v zapcore.ArrayMarshaler) (err error) {
	if !e.guarded {
		defer e.recovered(e.mark(), k, &err)
	}
	e.begin(k)
	return e.vals.AppendArray(v)
}

func (e *jsonlEncoder) AddObject(k string, v zapcore.ObjectMarshaler) (err error) {
	if s, ok := v.(*vocab.Spans); ok && k == vocab.SpansKey && e.nsOpen == 0 {
		e.spans = s
		return nil
	}
	if !e.guarded {
		defer e.recovered(e.mark(), k, &err)
	}
	e.begin(k)
	return e.vals.AppendObject(v)
}

func (e *jsonlEncoder) AddBinary(k string, v []byte)          { e.begin(k); e.vals.appendBinary(v) }
func (e *jsonlEncoder) AddByteString(k string, v []byte)      { addBytes(e, k, v, !e.literal) }
func (e *jsonlEncoder) AddBool(k string, v bool)              { e.begin(k); e.vals.AppendBool(v) }
func (e *jsonlEncoder) AddComplex128(k string, v complex128)  { e.begin(k); e.vals.AppendComplex128(v) }
func (e *jsonlEncoder) AddComplex64(k string, v complex64)    { e.begin(k); e.vals.AppendComplex64(v) }
func (e *jsonlEncoder) AddDuration(k string, v time.Duration) { e.begin(k); e.vals.AppendDuration(v) }
func (e *jsonlEncoder) AddFloat64(k string, v float64)        { e.begin(k); e.vals.AppendFloat64(v) }
func (e *jsonlEncoder) AddFloat32(k string, v float32)        { e.begin(k); e.vals.AppendFloat32(v) }
func (e *jsonlEncoder) AddInt(k string, v int)                { e.begin(k); e.vals.AppendInt64(int64(v)) }
func (e *jsonlEncoder) AddInt64(k string, v int64)            { e.begin(k); e.vals.AppendInt64(v) }
func (e *jsonlEncoder) AddInt32(k string, v int32)            { e.begin(k); e.vals.AppendInt64(int64(v)) }
func (e *jsonlEncoder) AddInt16(k string, v int16)            { e.begin(k); e.vals.AppendInt64(int64(v)) }
func (e *jsonlEncoder) AddInt8(k string, v int8)              { e.begin(k); e.vals.AppendInt64(int64(v)) }
func (e *jsonlEncoder) AddString(k, v string)                 { addText(e, k, v, !e.literal) }
func (e *jsonlEncoder) AddTime(k string, v time.Time)         { e.begin(k); e.vals.AppendTime(v) }
func (e *jsonlEncoder) AddUint(k string, v uint)              { e.begin(k); e.vals.AppendUint64(uint64(v)) }
func (e *jsonlEncoder) AddUint64(k string, v uint64)          { e.begin(k); e.vals.AppendUint64(v) }
func (e *jsonlEncoder) AddUint32(k string, v uint32)          { e.begin(k); e.vals.AppendUint64(uint64(v)) }
func (e *jsonlEncoder) AddUint16(k string, v uint16)          { e.begin(k); e.vals.AppendUint64(uint64(v)) }
func (e *jsonlEncoder) AddUint8(k string, v uint8)            { e.begin(k); e.vals.AppendUint64(uint64(v)) }
func (e *jsonlEncoder) AddUintptr(k string, v uintptr)        { e.begin(k); e.vals.AppendUint64(uint64(v)) }

// addText adds a string field: with embed (and the layout's setting on), a
// top-level one whose whole text is JSON as that JSON value, as Dynamo's
// field visitor does with serde_json; otherwise as a JSON string.
func addText(e *jsonlEncoder, k, v string, embed bool) {
	if e.cut != nil && e.nsOpen == 0 {
		addCutText(e, k, e.cut.value(v, 2, jsonEscapedLen), embed)
		return
	}
	if !embedJSON(e, k, v, embed) {
		e.vals.AppendString(v)
	}
}

func addBytes(e *jsonlEncoder, k string, v []byte, embed bool) {
	if e.cut != nil && e.nsOpen == 0 {
		s, ok := e.cut.byteValue(v, 2, jsonEscapedLen)
		if !ok {
			s = string(v) // short: at most a sixth of the cap
		}
		addCutText(e, k, s, embed)
		return
	}
	if !embedJSON(e, k, v, embed) {
		e.vals.AppendByteString(v)
	}
}

// addCutText adds a top-level string value already cut to the line cap,
// and records what it took.
func addCutText(e *jsonlEncoder, k, v string, embed bool) {
	start := len(e.vals.b)
	if !embedJSON(e, k, v, embed) {
		e.vals.AppendString(v)
	}
	e.cut.record(len(e.vals.b) - start)
}

// jsonEscapedLen is what the JSONL layout writes for s inside quotes.
func jsonEscapedLen(s string) int { return jsonfmt.EscapedLen(s, utf8.DecodeRuneInString) }

// embedJSON begins key k and, if it may and v is a JSON text, writes v's
// JSON value and reports true.
func embedJSON[S ~string | ~[]byte](e *jsonlEncoder, k string, v S, embed bool) bool {
	e.begin(k)
	if !embed || e.nsOpen > 0 || !e.cfg.embedJSON {
		return false
	}
	b, ok := jsonfmt.AppendJSONText(e.vals.b, v)
	if ok {
		e.vals.b, e.vals.fresh = b, false
	}
	return ok
}

func (e *jsonlEncoder) AddReflected(k string, v any) (err error) {
	if !e.guarded {
		defer e.recovered(e.mark(), k, &err)
	}
	e.begin(k)
	return e.vals.AppendReflected(v)
}

func (e *jsonlEncoder) OpenNamespace(k string) {
	e.begin(k)
	e.vals.separator()
	e.vals.b = append(e.vals.b, '{')
	e.nsOpen++
}

// Clone returns an encoder with the same context, for zap's With.
func (e *jsonlEncoder) Clone() zapcore.Encoder {
	c := &jsonlEncoder{vals: jsonWriter{serde: true}}
	e.cloneInto(c)
	return c
}

// cloneInto gives c the context of e. The frozen context's bytes are shared:
// they never change.
func (e *jsonlEncoder) cloneInto(c *jsonlEncoder) {
	ctx := e.context()
	c.cfg = e.cfg
	c.spans = e.spans
	c.kvs = append(c.kvs[:0], ctx.kvs...)
	c.vals.b = c.vals.b[:0]
	c.nsOpen = ctx.nsOpen
	if ctx.nsOpen > 0 {
		c.kvs = append(c.kvs, keyValue{key: ctx.openKey})
		c.vals.b = append(c.vals.b, ctx.openBytes...)
	}
}

var emptyContext = &frozenContext{}

// context freezes the fields added to e so far. Encoders that serve as a
// context are not written to after zap's With returns, so computing this
// once, racily, is safe: every racer computes the same value.
func (e *jsonlEncoder) context() *frozenContext {
	if len(e.kvs) == 0 {
		return emptyContext
	}
	if f := e.frozen.Load(); f != nil {
		return f
	}
	f := freeze(e.kvs, e.vals.b, e.nsOpen)
	e.frozen.Store(f)
	return f
}

// freeze sorts kvs (whose values lie in vals), keeps the last of each key
// and pre-encodes them. A namespace still open (nsOpen > 0) is the last kv
// and is kept aside, open.
func freeze(src []keyValue, vals []byte, nsOpen int) *frozenContext {
	f := &frozenContext{}
	kvs := make([]keyValue, len(src))
	copy(kvs, src)
	if nsOpen > 0 {
		open := kvs[len(kvs)-1]
		f.openKey, f.openBytes, f.nsOpen = open.key, vals[open.start:], nsOpen
		kvs = kvs[:len(kvs)-1]
		vals = vals[:open.start] // the closed values end where the namespace starts
	}
	resolve(kvs, vals)
	sortKeys(kvs)
	out := kvs[:0]
	for i, kv := range kvs {
		if i+1 < len(kvs) && kvs[i+1].key == kv.key {
			continue // a later value for the same key wins
		}
		start := len(f.enc)
		f.enc = appendKeyValue(f.enc, &kv)
		f.bridged = f.bridged || kv.key == vocab.LogTargetKey
		out = append(out, keyValue{key: kv.key, start: start, full: true})
	}
	for i := range out {
		end := len(f.enc)
		if i+1 < len(out) {
			end = out[i+1].start
		}
		out[i].val = f.enc[out[i].start:end:end]
	}
	f.kvs = out
	return f
}

// jsonlKeys is s's keys and innermost span's fields, pre-encoded for this
// layout: computed on the first line that carries s and shared by every
// later one, so that a line inside a span costs a copy of these bytes.
func jsonlKeys(s *vocab.Spans) *frozenContext {
	slot := spancache.Of(s)
	if f, ok := slot.Load().(*frozenContext); ok {
		return f
	}
	e := jsonlPool.Get().(*jsonlEncoder)
	e.spans, e.literal = s, true
	e.addSpanKeys()
	f := freeze(e.kvs, e.vals.b, 0)
	e.release()
	f.self = f
	slot.Store(&f.self)
	return f
}

// resolve turns the start offsets of kvs into value slices of vals: each
// value runs to the start of the next unresolved one.
func resolve(kvs []keyValue, vals []byte) {
	end := len(vals)
	for i := len(kvs) - 1; i >= 0; i-- {
		if kvs[i].val != nil {
			continue
		}
		kvs[i].val = vals[kvs[i].start:end:end]
		end = kvs[i].start
	}
}

// sortKeys sorts by key, byte-wise, keeping the order of equal keys. Lines
// have a handful of keys and contexts arrive sorted, so insertion sort beats
// sort.SliceStable and does not allocate.
func sortKeys(kvs []keyValue) {
	for i := 1; i < len(kvs); i++ {
		for j := i; j > 0 && kvs[j].key < kvs[j-1].key; j-- {
			kvs[j], kvs[j-1] = kvs[j-1], kvs[j]
		}
	}
}

// sortedOrder returns the indexes of kvs in sortKeys's order. A line sorts
// indexes rather than its keyValues: those hold pointers, and moving them
// costs a write barrier per pointer whenever the GC is running.
func sortedOrder(order []int32, kvs []keyValue) []int32 {
	order = order[:0]
	for i := range kvs {
		order = append(order, int32(i))
	}
	for i := 1; i < len(order); i++ {
		for j := i; j > 0 && kvs[order[j]].key < kvs[order[j-1]].key; j-- {
			order[j], order[j-1] = order[j-1], order[j]
		}
	}
	return order
}

func appendKeyValue(b []byte, kv *keyValue) []byte {
	if kv.full {
		return append(b, kv.val...)
	}
	b = append(b, ',')
	b = jsonfmt.AppendString(b, kv.key)
	b = append(b, ':')
	return append(b, kv.val...)
}

// EncodeEntry writes one line: the head keys, then every other key sorted,
// each once.
func (e *jsonlEncoder) EncodeEntry(ent zapcore.Entry, fields []zapcore.Field) (*buffer.Buffer, error) {
	if e.cfg.maxLine > 0 {
		return encodeCapped(e.cfg.maxLine, ent, fields, e.encode), nil
	}
	return e.encode(ent, fields, nil), nil
}

// encode writes one line, cutting its message and values as cut says when
// it is not nil.
func (e *jsonlEncoder) encode(ent zapcore.Entry, fields []zapcore.Field, cut *lineCut) *buffer.Buffer {
	ctx := e.context()
	f := jsonlPool.Get().(*jsonlEncoder)
	f.cfg, f.spans, f.literal, f.cut = e.cfg, e.spans, true, cut
	if ctx.nsOpen > 0 {
		f.kvs = append(f.kvs, keyValue{key: ctx.openKey})
		f.vals.b = append(f.vals.b, ctx.openBytes...)
		f.nsOpen = ctx.nsOpen
	}
	f.addFields(fields)
	f.cut = nil
	f.closeNamespaces()
	if ent.Stack != "" {
		f.AddString("stacktrace", ent.Stack)
	}
	var spans *frozenContext
	if f.spans != nil {
		spans = jsonlKeys(f.spans)
	}
	resolve(f.kvs, f.vals.b)
	f.order = sortedOrder(f.order, f.kvs)

	bridged := ctx.bridged || spans != nil && spans.bridged
	for i := 0; i < len(f.kvs) && !bridged; i++ {
		bridged = f.kvs[i].key == vocab.LogTargetKey
	}

	// The line's size, so that a long message or value is written once,
	// into storage of the right size.
	msg := ent.Message
	if cut != nil {
		msg = cutText(msg, 0, cut.msgRoom, 0, jsonEscapedLen)
	}
	n := jsonlHeadRoom + len(ent.Caller.File) + len(ent.LoggerName) + len(msg) + len(f.vals.b) + len(ctx.enc)
	if len(msg) >= jsonfmt.LongText {
		n += jsonEscapedLen(msg) - len(msg)
	}
	for i := range f.kvs {
		n += len(f.kvs[i].key) + len(`,"":`)
	}
	if spans != nil {
		n += len(spans.enc)
	}
	out, b := startLine(n)
	b = append(b, `{"time":"`...)
	if f.cfg.loc == nil {
		b = timefmt.AppendRFC3339Micro(b, ent.Time, true, &f.headDay)
	} else {
		b = timefmt.AppendRFC3339Micro(b, ent.Time.In(f.cfg.loc), false, &f.headDay)
	}
	b = append(b, `","level":"`...)
	b = append(b, levels.DynamoName(ent.Level)...)
	b = append(b, '"')
	if ent.Caller.Defined && !bridged {
		b = append(b, `,"file":`...)
		b = jsonfmt.AppendString(b, ent.Caller.File)
		b = append(b, `,"line":`...)
		b = strconv.AppendInt(b, int64(ent.Caller.Line), 10)
	}
	b = append(b, `,"target":`...)
	if bridged {
		b = append(b, `"`+vocab.BridgedTarget+`"`...)
	} else {
		b = jsonfmt.AppendString(b, target.Of(ent))
	}
	b = append(b, `,"message":`...)
	msgStart := len(b)
	b = jsonfmt.AppendString(b, msg)
	if cut != nil {
		cut.msgSize = len(b) - msgStart - 2
	}

	if spans != nil {
		b = f.appendMerged(b, ctx, spans)
	} else {
		b = f.appendMergedContext(b, ctx)
	}
	b = append(b, '}', '\n')

	f.release()
	return finishLine(out, b)
}

// jsonlHeadRoom is room enough for what a line holds besides the caller's
// file, the target, the message and the fields: time, level, line, the head
// keys.
const jsonlHeadRoom = 128

// appendMergedContext appends the line's keys merged into the sorted
// context. Of equal keys the line's last one wins, and over the context's.
func (e *jsonlEncoder) appendMergedContext(b []byte, ctx *frozenContext) []byte {
	next := 0 // the first context key not yet written
	for n, i := range e.order {
		kv := &e.kvs[i]
		if n+1 < len(e.order) && e.kvs[e.order[n+1]].key == kv.key {
			continue
		}
		until := next
		for until < len(ctx.kvs) && ctx.kvs[until].key < kv.key {
			until++
		}
		b = ctx.appendRun(b, next, until)
		if until < len(ctx.kvs) && ctx.kvs[until].key == kv.key {
			until++
		}
		next = until
		b = appendKeyValue(b, kv)
	}
	return ctx.appendRun(b, next, len(ctx.kvs))
}

// appendMerged is appendMergedContext with the span keys as a third sorted
// source, which wins over the line's keys and the context's: span fields
// replace event fields of the same name.
func (e *jsonlEncoder) appendMerged(b []byte, ctx, spans *frozenContext) []byte {
	ci, si, n := 0, 0, 0
	for {
		var line *keyValue // the line's next key, the last of its duplicates
		for ; n < len(e.order); n++ {
			if n+1 == len(e.order) || e.kvs[e.order[n+1]].key != e.kvs[e.order[n]].key {
				line = &e.kvs[e.order[n]]
				break
			}
		}
		var key string
		have := false
		if line != nil {
			key, have = line.key, true
		}
		if ci < len(ctx.kvs) && (!have || ctx.kvs[ci].key < key) {
			key, have = ctx.kvs[ci].key, true
		}
		if si < len(spans.kvs) && (!have || spans.kvs[si].key < key) {
			key, have = spans.kvs[si].key, true
		}
		if !have {
			return b
		}
		fromSpans := si < len(spans.kvs) && spans.kvs[si].key == key
		fromLine := line != nil && line.key == key
		fromContext := ci < len(ctx.kvs) && ctx.kvs[ci].key == key
		switch {
		case fromSpans:
			b = append(b, spans.kvs[si].val...)
		case fromLine:
			b = appendKeyValue(b, line)
		default:
			b = append(b, ctx.kvs[ci].val...)
		}
		if fromSpans {
			si++
		}
		if fromLine {
			n++
		}
		if fromContext {
			ci++
		}
	}
}

// appendRun appends context keys from up to (not including) until, which
// lie back to back in enc.
func (c *frozenContext) appendRun(b []byte, from, until int) []byte {
	if from >= until {
		return b
	}
	end := len(c.enc)
	if until < len(c.kvs) {
		end = c.kvs[until].start
	}
	return append(b, c.enc[c.kvs[from].start:end]...)
}

func (e *jsonlEncoder) closeNamespaces() {
	for ; e.nsOpen > 0; e.nsOpen-- {
		e.vals.b = append(e.vals.b, '}')
	}
}

// addSpanKeys adds the span keys and the innermost span's fields, after the
// event's own fields so that they win over fields of the same name. Span
// field values are JSON strings, as Dynamo prints them.
func (e *jsonlEncoder) addSpanKeys() {
	for _, kv := range e.spans.Keys() {
		if kv.Value != "" {
			e.AddString(kv.Key, kv.Value)
		}
	}
	inner := e.spans.Innermost()
	if inner == nil {
		return
	}
	for _, fld := range inner.Fields {
		if fld.Type == zapcore.SkipType {
			continue
		}
		e.begin(fld.Key)
		e.vals.fresh = false
		e.vals.b = append(e.vals.b, '"')
		e.vals.b = appendFieldText(e.vals.b, fld)
		e.vals.b = append(e.vals.b, '"')
	}
}

// appendFieldText appends f's value as the inside of a JSON string: the text
// a Rust span field's Display gives (no quotes around strings).
func appendFieldText(b []byte, f zapcore.Field) []byte {
	switch f.Type {
	case zapcore.StringType:
		return jsonfmt.AppendStringContent(b, f.String)
	case zapcore.Int64Type, zapcore.Int32Type, zapcore.Int16Type, zapcore.Int8Type:
		return strconv.AppendInt(b, f.Integer, 10)
	case zapcore.Uint64Type, zapcore.Uint32Type, zapcore.Uint16Type, zapcore.Uint8Type, zapcore.UintptrType:
		return strconv.AppendUint(b, uint64(f.Integer), 10)
	case zapcore.BoolType:
		return strconv.AppendBool(b, f.Integer == 1)
	case zapcore.Float64Type:
		return jsonfmt.AppendFloat64(b, math.Float64frombits(uint64(f.Integer)))
	}
	// Anything else: its JSON value, as a string. A value that is a JSON
	// string already holds valid string content between its quotes.
	enc := &jsonlEncoder{cfg: &config{}, literal: true, vals: jsonWriter{serde: true}}
	f.AddTo(enc)
	enc.closeNamespaces()
	resolve(enc.kvs, enc.vals.b)
	if len(enc.kvs) == 0 {
		return b
	}
	v := enc.kvs[0].val
	if len(v) > 1 && v[0] == '"' {
		return append(b, v[1:len(v)-1]...)
	}
	return jsonfmt.AppendBytesContent(b, v)
}

func (e *jsonlEncoder) release() {
	e.kvs = e.kvs[:0]
	e.order = e.order[:0]
	e.vals.b = e.vals.b[:0]
	e.spans = nil
	e.nsOpen = 0
	if cap(e.vals.b) > maxPooledLine {
		return
	}
	jsonlPool.Put(e)
}
