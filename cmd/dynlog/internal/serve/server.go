package serve

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
	"github.com/dynlog/dynlog/internal/outside"
)

// Config is what a Server serves and how.
type Config struct {
	// Files are the log files to serve (Expand's): each with its rotated
	// backups, the only files the server reads.
	Files []string
	// Token, when set, is required on every request: the header
	// "Authorization: Bearer TOKEN", the query parameter token (the page
	// then keeps it in a cookie) or that cookie.
	Token string
	// JaegerURL and VictoriaLogsURL, when set, are where the waterfall
	// links a trace to (http or https).
	JaegerURL, VictoriaLogsURL string
	// Follow is how often the files are polled for new lines; 0: never.
	Follow time.Duration
	// Render returns a function that writes a record in the readable
	// layout with colour, every string from the input escaped, or false
	// when it cannot (the line is then shown as it is, escaped); it may
	// change the record's strings. One function per request.
	Render func() func(*logfile.Record) ([]byte, bool)
	// Trace returns the trace with this trace_id in files, open and read
	// from their start, as `dynlog trace --json` computes it; false when
	// there is none. It does not close them.
	Trace func(ctx context.Context, files []*os.File, traceID string) (*waterfall.JSONTrace, bool, error)
	// OnError is told of files that could not be read.
	OnError func(error)
}

// Server serves the lines of log files and the waterfalls of their
// traces to a browser. Its Handler is read-only.
type Server struct {
	cfg      Config
	streams  []*stream
	tokenSum [sha256.Size]byte

	mu      sync.Mutex
	changed chan struct{} // closed when a stream gets lines
	work    chan struct{} // bounds the requests that read files at once
	waiting chan struct{} // bounds the tail requests that wait for lines
	stop    context.CancelFunc
	done    sync.WaitGroup
}

// maxWaiting bounds the tail requests that wait for new lines at once:
// past it one is answered 503 at once, and the page asks again a little
// later. Tests lower it.
var maxWaiting = 512

// Limits of one request.
const (
	pageLines   = 500              // lines in a page, at most
	scanBudget  = 200_000          // lines a request looks at, at most
	pageBytes   = 4 << 20          // bytes of text a request answers, about (the line that passes it included)
	writeWait   = 30 * time.Second // for a client to take an answer
	tailWait    = 20 * time.Second
	maxQuery    = 16 << 10 // bytes of a request's query
	maxTraceID  = 256
	workers     = 2
	cookieName  = "dynlog_token"
	tokenHeader = "Authorization"
)

//go:embed assets
var assets embed.FS

// New indexes cfg.Files and, with cfg.Follow, starts following them until
// Close.
func New(cfg Config) (*Server, error) {
	if cfg.Render == nil || cfg.Trace == nil {
		return nil, errors.New("serve: Config.Render and Config.Trace are required")
	}
	for _, u := range []string{cfg.JaegerURL, cfg.VictoriaLogsURL} {
		if u == "" {
			continue
		}
		if err := checkLinkURL(u); err != nil {
			return nil, err
		}
	}
	if cfg.OnError == nil {
		cfg.OnError = func(error) {}
	}
	s := &Server{cfg: cfg, changed: make(chan struct{}), work: make(chan struct{}, workers), waiting: make(chan struct{}, maxWaiting)}
	if cfg.Token != "" {
		s.tokenSum = sha256.Sum256([]byte(cfg.Token))
	}
	for _, f := range cfg.Files {
		s.streams = append(s.streams, openStream(f, cfg.OnError))
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	if cfg.Follow > 0 {
		for _, st := range s.streams {
			s.done.Add(1)
			go func() {
				defer s.done.Done()
				st.follow(ctx, cfg.Follow, cfg.OnError, s.notify)
			}()
		}
	}
	return s, nil
}

// checkLinkURL accepts an http or https URL with a host, what a link may
// point to.
func checkLinkURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("%q is not an http or https URL", u)
	}
	return nil
}

// Close stops following and closes the files.
func (s *Server) Close() error {
	s.stop()
	s.done.Wait()
	for _, st := range s.streams {
		st.close()
	}
	return nil
}

// Lines is how many lines the server holds or indexes in all.
func (s *Server) Lines() int64 {
	var n int64
	for _, st := range s.streams {
		n += st.count()
	}
	return n
}

func (s *Server) notify() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

func (s *Server) changes() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.servePage)
	mux.HandleFunc("GET /trace/{id}", s.servePage)
	mux.HandleFunc("GET /app.js", s.serveAsset("assets/app.js", "text/javascript; charset=utf-8"))
	mux.HandleFunc("GET /app.css", s.serveAsset("assets/app.css", "text/css; charset=utf-8"))
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	mux.HandleFunc("GET /api/info", s.serveInfo)
	mux.HandleFunc("GET /api/lines", s.serveLines)
	mux.HandleFunc("GET /api/tail", s.serveTail)
	mux.HandleFunc("GET /api/trace/{id}", s.serveTrace)
	return s.guard(mux)
}

// guard is the wall every request passes: the headers that keep the page
// from running what it did not ship, read-only methods, a bounded query,
// a Host that is this machine's (without a token, so that a page of
// another site cannot reach the server through a DNS name pointed at
// 127.0.0.1), and the token.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			h.Set("Allow", "GET, HEAD")
			http.Error(w, "dynlog serve is read-only: "+r.Method+" is not allowed (GET and HEAD are)", http.StatusMethodNotAllowed)
			return
		}
		if len(r.URL.RawQuery) > maxQuery {
			http.Error(w, fmt.Sprintf("the query is longer than the %d bytes dynlog serve reads", maxQuery), http.StatusRequestURITooLong)
			return
		}
		if s.cfg.Token == "" && !loopbackHost(r.Host) {
			http.Error(w, "dynlog serve without a token answers only requests to a loopback address or localhost, not to "+strconv.Quote(outside.Text(r.Host)), http.StatusForbidden)
			return
		}
		if site := r.Header.Get("Sec-Fetch-Site"); strings.HasPrefix(r.URL.Path, "/api/") && site != "" && site != "same-origin" && site != "none" {
			// Another site's page asking, which cannot read the answer
			// but could time it (how long a search takes tells whether
			// the logs hold a word) or make the server work.
			http.Error(w, "dynlog serve answers its API to its own page only, not to a request from another site (Sec-Fetch-Site: "+outside.Text(site)+")", http.StatusForbidden)
			return
		}
		if s.cfg.Token != "" {
			fromQuery, ok := s.authorized(r)
			if !ok {
				http.Error(w, "dynlog serve: a token is required (--token): give it as \"Authorization: Bearer TOKEN\" or ?token=TOKEN", http.StatusUnauthorized)
				return
			}
			if fromQuery && !strings.HasPrefix(r.URL.Path, "/api/") {
				// Keep the token in a cookie, out of the address bar,
				// the history and links made from it.
				http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.cfg.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
				q := r.URL.Query()
				q.Del("token")
				u := *r.URL
				u.RawQuery = q.Encode()
				http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// authorized reports whether r carries the token, and whether it came in
// the query.
func (s *Server) authorized(r *http.Request) (fromQuery, ok bool) {
	match := func(t string) bool {
		sum := sha256.Sum256([]byte(t))
		return subtle.ConstantTimeCompare(sum[:], s.tokenSum[:]) == 1
	}
	if v, found := strings.CutPrefix(r.Header.Get(tokenHeader), "Bearer "); found && match(v) {
		return false, true
	}
	if c, err := r.Cookie(cookieName); err == nil && match(c.Value) {
		return false, true
	}
	if q := r.URL.Query(); len(q["token"]) == 1 && match(q.Get("token")) {
		return true, true
	}
	return false, false
}

// loopbackHost reports whether host (a Host header) names this machine:
// localhost or a loopback address, with or without a port.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) servePage(w http.ResponseWriter, r *http.Request) {
	s.serveAsset("assets/index.html", "text/html; charset=utf-8")(w, r)
}

func (s *Server) serveAsset(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := assets.ReadFile(name)
		if err != nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		if r.Method == http.MethodHead {
			return
		}
		w.Write(b)
	}
}

// info is what the page learns of the server first.
type info struct {
	Files        []string `json:"files"`
	Lines        int64    `json:"lines"`
	Jaeger       string   `json:"jaeger,omitempty"`
	VictoriaLogs string   `json:"victorialogs,omitempty"`
	Live         bool     `json:"live"`
}

func (s *Server) serveInfo(w http.ResponseWriter, r *http.Request) {
	in := info{Files: []string{}, Lines: s.Lines(), Jaeger: s.cfg.JaegerURL, VictoriaLogs: s.cfg.VictoriaLogsURL, Live: s.cfg.Follow > 0}
	for _, st := range s.streams {
		in.Files = append(in.Files, outside.Text(st.base))
	}
	writeJSON(w, r, http.StatusOK, in)
}

// serveLines answers a page of lines: the newest that pass the filters,
// before the cursor "before" (the end when absent).
func (s *Server) serveLines(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q, err := parseQuery(v)
	if err != nil {
		httpError(w, r, http.StatusBadRequest, err)
		return
	}
	limit, err := limitOf(v)
	if err != nil {
		httpError(w, r, http.StatusBadRequest, err)
		return
	}
	end := s.now()
	from := end
	if b := v.Get("before"); b != "" {
		if from, err = s.parseCursor(b); err != nil {
			httpError(w, r, http.StatusBadRequest, err)
			return
		}
	}
	if !s.acquire(r.Context()) {
		return
	}
	lines, next, more, looked := s.walk(from, end, true, q, limit, scanBudget)
	s.release() // before writing: a client that does not read holds no worker
	writeJSON(w, r, http.StatusOK, page{Lines: nonNil(lines), Before: next.String(), After: end.String(), More: more, Looked: looked})
}

// serveTail answers the lines after the cursor "after" that pass the
// filters, waiting up to tailWait for some to arrive.
func (s *Server) serveTail(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q, err := parseQuery(v)
	if err != nil {
		httpError(w, r, http.StatusBadRequest, err)
		return
	}
	from, err := s.parseCursor(v.Get("after"))
	if err != nil {
		httpError(w, r, http.StatusBadRequest, err)
		return
	}
	select {
	case s.waiting <- struct{}{}:
		defer func() { <-s.waiting }()
	default:
		w.Header().Set("Retry-After", "2")
		httpError(w, r, http.StatusServiceUnavailable, fmt.Errorf("%d requests already wait for new lines; ask again later", cap(s.waiting)))
		return
	}
	timer := time.NewTimer(tailWait)
	defer timer.Stop()
	for {
		changes := s.changes()
		end := s.now()
		if !equalCursor(from, end) {
			if !s.acquire(r.Context()) {
				return
			}
			lines, next, more, looked := s.walk(from, end, false, q, pageLines, scanBudget)
			s.release()
			if len(lines) > 0 || more {
				writeJSON(w, r, http.StatusOK, page{Lines: nonNil(lines), Before: from.String(), After: next.String(), More: more, Looked: looked})
				return
			}
			from = next // nothing passed the filters: wait on from there
		}
		select {
		case <-changes:
		case <-timer.C:
			writeJSON(w, r, http.StatusOK, page{Lines: []jsonLine{}, Before: from.String(), After: from.String()})
			return
		case <-r.Context().Done():
			return
		}
	}
}

// traceAnswer is a trace as the page gets it.
type traceAnswer struct {
	Trace        *waterfall.JSONTrace `json:"trace"`
	Jaeger       string               `json:"jaeger,omitempty"`
	VictoriaLogs string               `json:"victorialogs,omitempty"`
}

// serveTrace answers the trace with the path's trace_id, from the files'
// lines as they are now, as `dynlog trace --json` computes it.
func (s *Server) serveTrace(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if id == "" || len(id) > maxTraceID {
		httpError(w, r, http.StatusBadRequest, fmt.Errorf("a trace_id is 1 to %d bytes", maxTraceID))
		return
	}
	if !s.acquire(r.Context()) {
		return
	}
	var files []*os.File
	var openErrs []error
	for _, st := range s.streams {
		for _, name := range chain(st.base) {
			f, err := openFile(name, st.link && name == st.base)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) { // a backup pruned since it was listed
					openErrs = append(openErrs, err)
				}
				continue
			}
			files = append(files, f)
		}
	}
	t, found, err := s.cfg.Trace(r.Context(), files, id)
	for _, f := range files {
		f.Close()
	}
	s.release() // before writing: a client that does not read holds no worker
	err = errors.Join(append(openErrs, err)...)
	if !found {
		msg := fmt.Errorf("no trace with trace_id %q in the files", outside.Text(id))
		if err != nil {
			msg = fmt.Errorf("%w (%v)", msg, err)
		}
		httpError(w, r, http.StatusNotFound, msg)
		return
	}
	ans := traceAnswer{Trace: t}
	if s.cfg.JaegerURL != "" {
		ans.Jaeger = strings.TrimSuffix(s.cfg.JaegerURL, "/") + "/trace/" + url.PathEscape(id)
	}
	if s.cfg.VictoriaLogsURL != "" {
		ans.VictoriaLogs = strings.TrimSuffix(s.cfg.VictoriaLogsURL, "/") + "/select/vmui/#/?query=" + url.QueryEscape("trace_id:"+strconv.Quote(id))
	}
	writeJSON(w, r, http.StatusOK, ans)
}

func (s *Server) acquire(ctx context.Context) bool {
	select {
	case s.work <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Server) release() { <-s.work }

func limitOf(v url.Values) (int, error) {
	l := v.Get("limit")
	if l == "" {
		return 200, nil
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 1 || n > pageLines {
		return 0, fmt.Errorf("limit %q: want 1 to %d", outside.Text(l), pageLines)
	}
	return n, nil
}

func equalCursor(a, b cursor) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func nonNil(l []jsonLine) []jsonLine {
	if l == nil {
		return []jsonLine{}
	}
	return l
}

func writeJSON(w http.ResponseWriter, r *http.Request, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	// A client that does not read its answer lets it go after writeWait.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(writeWait))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(b)
	}
}

// httpError answers {"error": …}, which the page shows as text.
func httpError(w http.ResponseWriter, r *http.Request, code int, err error) {
	writeJSON(w, r, code, map[string]string{"error": err.Error()})
}
