package filter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/dynlog/dynlog/internal/outside"
	"github.com/dynlog/dynlog/internal/unwrap"
	"go.uber.org/zap/zapcore"
)

// maxSpecBytes bounds a PUT body: MaxDirectives directives of 63 bytes
// each fit.
const maxSpecBytes = 64 << 10

// filterState is the JSON of GET and of a successful PUT or DELETE.
type filterState struct {
	Filter     string          `json:"filter"`
	Directives []directiveJSON `json:"directives"`
	// Override reports whether a runtime override is in force.
	Override bool `json:"override"`
	// Configured is the configured filter, in force when Override is false.
	Configured string `json:"configured"`
	// Warnings are the filter's Warnings, on the answer to a PUT.
	Warnings []string `json:"warnings,omitempty"`
}

type directiveJSON struct {
	Target string `json:"target,omitempty"`
	Span   string `json:"span,omitempty"`
	Level  string `json:"level"`
	Source string `json:"source,omitempty"`
}

type errorJSON struct {
	Error string `json:"error"`
}

// ServeHTTP makes an [Atomic] an http.Handler, like zap's AtomicLevel:
//
//   - GET answers the filter in force as JSON: {"filter": "<spec>",
//     "directives": [{"target": …, "span": …, "level": …, "source": …}],
//     "override": <bool>, "configured": "<spec>"}, target, span and source
//     left out when empty. source is where each directive came from
//     ("built-in", a TOML file's path, "env DYN_LOG", "runtime"); override
//     says whether a runtime override is in force, configured is the
//     configured filter beneath it.
//   - PUT sets the runtime override: the whole filter (defaults included:
//     edit what GET shows and send it back), in force until DELETE, whatever
//     a reload does to the configured filter meanwhile. The body is the spec
//     as text, or an object {"filter": "<spec>"}, read as JSON when the
//     Content-Type is application/json or the body starts with '{' after
//     any white space (as no sensible spec does; curl -d labels a body a
//     form). zap's level handler's {"level": ...} is refused with 400. A
//     spec with any directive that does not parse is refused with 400 and
//     the parser's message, and so is a spec with no directive at all (an
//     empty body, or only spaces and commas: "off" turns every line off),
//     or with more than [MaxDirectives] directives; a body over 64 KiB is
//     refused with 413. A refused PUT leaves the filter in force as it
//     was. The answer is GET's, with "warnings": the filter's Warnings, if
//     any.
//   - PATCH merges directives into the filter in force and sets the result
//     as the runtime override: a directive whose target and span are
//     already there replaces that one's level, the others stay, built-in
//     defaults and their sources included ("info" replaces the default
//     level). The body and the answer are PUT's, and so are the refusals,
//     with 400 too for a merge that would make the filter hold more than
//     [MaxDirectives] directives (unless it holds more already and the
//     merge adds none).
//   - DELETE removes the runtime override, putting the configured filter
//     back in force, and answers as GET does.
//
// PUT, PATCH and DELETE are limited to [ChangeBurst] at once and
// [ChangesPerSecond] a second after that, refused or not; one more is
// answered 429 with Retry-After, and the filter in force stays. GET is not
// limited.
//
// Every change is reported to the OnChange callbacks as made by
// "HTTP PUT from ADDR", "HTTP PATCH from ADDR" or "HTTP DELETE from ADDR",
// ADDR being the request's remote address, escaped and cut as
// [Change.String] escapes text from outside. A nil *Atomic answers 503:
// there is no filter to serve.
//
// Anyone who can reach the handler can change what the program logs: serve
// it on a loopback address (127.0.0.1:PORT) unless you mean otherwise.
func (a *Atomic) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a == nil {
		writeJSON(w, http.StatusServiceUnavailable, errorJSON{ErrNoFilter.Error()})
		return
	}
	switch r.Method {
	case http.MethodPut, http.MethodPatch, http.MethodDelete:
		if wait, ok := a.limit.take(); !ok {
			secs := int64((wait + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
			writeJSON(w, http.StatusTooManyRequests, errorJSON{fmt.Sprintf(
				"filter: too many changes: the handler takes %d at once and %d a second after; retry in %ds; the filter in force stays",
				ChangeBurst, ChangesPerSecond, secs)})
			return
		}
	}
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		writeJSON(w, http.StatusOK, a.state())
	case http.MethodPut, http.MethodPatch:
		ds, status, err := readDirectives(w, r)
		if err != nil {
			writeJSON(w, status, errorJSON{err.Error()})
			return
		}
		by := "HTTP " + r.Method + " from " + outside.Text(r.RemoteAddr)
		var f *Filter
		if r.Method == http.MethodPut {
			f = New(ds...)
			a.Override(f, by)
		} else if f, err = a.merge(ds, by); err != nil {
			writeJSON(w, http.StatusBadRequest, errorJSON{err.Error() + "; the filter in force stays"})
			return
		}
		st := a.state()
		st.Warnings = f.Warnings()
		writeJSON(w, http.StatusOK, st)
	case http.MethodDelete:
		a.ClearOverride("HTTP DELETE from " + outside.Text(r.RemoteAddr))
		writeJSON(w, http.StatusOK, a.state())
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT, PATCH, DELETE")
		writeJSON(w, http.StatusMethodNotAllowed, errorJSON{fmt.Sprintf("method %s not allowed: use GET to read the filter, PUT to override it, PATCH to merge directives into it, DELETE to remove the override", r.Method)})
	}
}

// readDirectives reads the spec of a PUT or PATCH and parses it, with
// SourceRuntime: the status and error to answer if it is refused.
func readDirectives(w http.ResponseWriter, r *http.Request) ([]Directive, int, error) {
	spec, status, err := readSpec(w, r)
	if err != nil {
		return nil, status, err
	}
	f, err := Parse(spec)
	if err != nil {
		return nil, http.StatusBadRequest, errors.New(err.Error() + "; the filter in force stays")
	}
	if len(f.Directives()) == 0 {
		hint := `send "off" to turn every line off, DELETE to go back to the configured filter`
		if r.Method == http.MethodPatch {
			hint = "send the directives to merge into the filter in force"
		}
		return nil, http.StatusBadRequest, fmt.Errorf("filter: spec %q holds no directive (%s); the filter in force stays", spec, hint)
	}
	return WithSource(f.Directives(), SourceRuntime), 0, nil
}

// ErrNoFilter is why [Handler]'s and a nil *[Atomic]'s answers are 503, and
// why [AtomicOf] returns nil: the core has no filter core inside.
var ErrNoFilter = errors.New("filter: the logger has no filter core (core.New, core.NewVLLM, filter.NewCore and filter.NewAtomicCore build one; looked through Unwrap methods, zap.Hooks, zap's sampler, zap.WrapCore wrappers that embed a zapcore.Core, and tees), so there is no filter to read or change")

func readSpec(w http.ResponseWriter, r *http.Request) (string, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSpecBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return "", http.StatusRequestEntityTooLarge, fmt.Errorf("filter: body larger than %d bytes", maxSpecBytes)
		}
		return "", http.StatusBadRequest, fmt.Errorf("filter: reading body: %v", err)
	}
	// A body that opens an object is JSON whatever its type says: curl -d
	// sends a form's type, and read as a spec, zap's {"level":"debug"}
	// would be one target at trace and every other line off.
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "application/json" && !bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n"), []byte("{")) {
		return string(body), 0, nil
	}
	var req struct {
		Filter *string `json:"filter"`
		Level  *string `json:"level"` // zap's AtomicLevel body, refused with a hint
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(&req)
	if err == nil {
		if _, end := dec.Token(); end != io.EOF {
			err = errors.New("data after the object")
		}
	}
	switch {
	case err != nil:
		return "", http.StatusBadRequest, fmt.Errorf("filter: body is not a JSON object {\"filter\": \"<spec>\"}: %v", err)
	case req.Level != nil:
		return "", http.StatusBadRequest, errors.New(`filter: JSON body has "level", as zap's level handler takes; this one takes {"filter": "<spec>"} (PATCH {"filter": "debug"} sets the default level alone)`)
	case req.Filter == nil:
		return "", http.StatusBadRequest, errors.New(`filter: JSON body has no "filter" key`)
	}
	return *req.Filter, 0, nil
}

// state is GET's answer.
func (a *Atomic) state() filterState {
	a.mu.Lock()
	in, configured, over := a.p.Load(), a.configured, a.override != nil
	a.mu.Unlock()
	s := filterState{Filter: in.String(), Directives: []directiveJSON{}, Override: over, Configured: configured.String()}
	for _, d := range in.Directives() {
		s.Directives = append(s.Directives, directiveJSON{Target: d.Target, Span: d.Span, Level: LevelName(d.Level), Source: d.Source})
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// AtomicOf returns the [Atomic] behind a logger's core (log.Core()) that
// [github.com/dynlog/dynlog/core.New],
// [github.com/dynlog/dynlog/core.NewVLLM], [NewCore] or [NewAtomicCore]
// built, or nil if there is none ([ErrNoFilter] says why). A nil *[Atomic]
// is safe to serve: it answers 503.
//
// A filter core, or a core of this module wrapping one, answers in O(1).
// Behind a wrapper of zap's or one of yours that hides the filter core
// ([go.uber.org/zap.Hooks], zap's sampler, a [go.uber.org/zap.WrapCore]
// wrapper that embeds a [zapcore.Core], a tee, whose first filter core
// wins; any core implementing [vocab.Unwrapper]) AtomicOf walks the cores
// to find it: call it when you set a logger up, not per line.
func AtomicOf(c zapcore.Core) *Atomic {
	if h := unwrap.HeldBy(c); h != nil {
		a, _ := h.Filter.(*Atomic)
		return a
	}
	if fc, ok := unwrap.Find(c, gateOf); ok {
		return fc.filter
	}
	return nil
}

// Handler is the HTTP handler of the filter of the logger whose core is c
// (see [Atomic.ServeHTTP]), found as [AtomicOf] finds it. If c holds no
// filter core, every request is answered 503 with [ErrNoFilter]'s message.
func Handler(c zapcore.Core) http.Handler {
	a := AtomicOf(c)
	if a == nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusServiceUnavailable, errorJSON{ErrNoFilter.Error()})
		})
	}
	return a
}
