package filter

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"go.uber.org/zap/zapcore"
)

// maxSpecBytes bounds a PUT body: a spec of a few hundred directives fits
// many times over.
const maxSpecBytes = 64 << 10

// filterState is the JSON of GET and of a successful PUT.
type filterState struct {
	Filter     string          `json:"filter"`
	Directives []directiveJSON `json:"directives"`
}

type directiveJSON struct {
	Target string `json:"target,omitempty"`
	Span   string `json:"span,omitempty"`
	Level  string `json:"level"`
}

type errorJSON struct {
	Error string `json:"error"`
}

// ServeHTTP makes an Atomic an http.Handler, like zap's AtomicLevel:
//
//   - GET answers the filter in force as JSON: {"filter": "<spec>",
//     "directives": [{"target": …, "span": …, "level": …}]}, target and
//     span left out when empty.
//   - PUT replaces the whole filter (defaults included: edit what GET shows
//     and send it back). The body is the spec as text, or with Content-Type
//     application/json an object {"filter": "<spec>"}. A spec with any
//     directive that does not parse is refused with 400 and the parser's
//     message, and the filter in force stays.
//
// Anyone who can reach the handler can change what the program logs: serve
// it on a loopback address (127.0.0.1:PORT) unless you mean otherwise.
func (a *Atomic) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		writeJSON(w, http.StatusOK, stateOf(a.Load()))
	case http.MethodPut:
		spec, status, err := readSpec(w, r)
		if err != nil {
			writeJSON(w, status, errorJSON{err.Error()})
			return
		}
		f, err := Parse(spec)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, errorJSON{err.Error()})
			return
		}
		a.Store(f)
		writeJSON(w, http.StatusOK, stateOf(f))
	default:
		w.Header().Set("Allow", "GET, HEAD, PUT")
		writeJSON(w, http.StatusMethodNotAllowed, errorJSON{fmt.Sprintf("method %s not allowed: use GET to read the filter, PUT to replace it", r.Method)})
	}
}

func readSpec(w http.ResponseWriter, r *http.Request) (string, int, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxSpecBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return "", http.StatusRequestEntityTooLarge, fmt.Errorf("filter: body larger than %d bytes", maxSpecBytes)
		}
		return "", http.StatusBadRequest, fmt.Errorf("filter: reading body: %v", err)
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt == "application/json" {
		var req struct {
			Filter *string `json:"filter"`
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return "", http.StatusBadRequest, fmt.Errorf("filter: body is not a JSON object {\"filter\": \"<spec>\"}: %v", err)
		}
		if req.Filter == nil {
			return "", http.StatusBadRequest, errors.New(`filter: JSON body has no "filter" key`)
		}
		return *req.Filter, 0, nil
	}
	return string(body), 0, nil
}

func stateOf(f *Filter) filterState {
	s := filterState{Filter: f.String(), Directives: []directiveJSON{}}
	for _, d := range f.Directives() {
		s.Directives = append(s.Directives, directiveJSON{Target: d.Target, Span: d.Span, Level: LevelName(d.Level)})
	}
	return s
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// AtomicOf returns the Atomic behind a core made by NewCore or
// NewAtomicCore (a logger's Core()), or nil if c is not one: the way to
// reach the filter of a logger that core.New built.
func AtomicOf(c zapcore.Core) *Atomic {
	if fc, ok := c.(*filterCore); ok {
		return fc.filter
	}
	return nil
}
