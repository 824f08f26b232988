package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
	"github.com/dynlog/dynlog/core"
	coreservice "github.com/dynlog/dynlog/core/service"
	"github.com/dynlog/dynlog/tracing"
	"github.com/dynlog/dynlog/tracing/otlp"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"golang.org/x/term"
)

const demoUsage = `Usage: dynlog demo [--format jsonl|readable|vllm] [--export] [--width N]
                   [--serve [--addr HOST:PORT]]
       dynlog demo --layouts

Starts three services on loopback, as in Dynamo's disaggregated serving: a
frontend, a prefill worker and a decode worker, real HTTP servers on free
ports, traced through tracing.Middleware and tracing.Transport. It sends
three chat-completion requests to the frontend (the first with x-request-id
` + demoRequestID + `), which routes each to the
prefill worker, then to the decode worker. The services log to stdout,
SPAN_FIRST_ENTRY (or SPAN_CREATED) and SPAN_CLOSED included; then the
demo prints the waterfall of the first request's spans, rebuilt from
their JSONL lines as "dynlog trace" does from files, and exits. With
--serve it then writes the services' JSONL lines to a file each, in a
new temporary directory, and serves them with "dynlog serve" until
interrupted: the lines, the filters and each request's waterfall in a
browser.

Flags:
`

// demoRequestID is the x-request-id of the demo's first request, the one
// whose waterfall it draws.
const demoRequestID = "8372eac7-5f43-4d76-beca-0a94cfb311d0"

// The demo services' targets (logger names), as Dynamo's components name
// theirs.
const (
	frontendTarget = "dynamo_llm::http_service"
	prefillTarget  = "dynamo_llm::prefill"
	decodeTarget   = "dynamo_llm::decode"
)

// demoTimeout bounds every request and every shutdown of the demo, so that
// it always ends.
const demoTimeout = 3 * time.Second

func demo(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	format := fs.String("format", "", "the `layout` of the lines: jsonl, readable (Dynamo's) or vllm;\n"+
		"default: what DYN_LOGGING_CONSOLE_FORMAT / DYN_LOGGING_JSONL say (readable when\nunset); the other DYN_* and VLLM_* variables apply")
	export := fs.Bool("export", false, "export the spans over OTLP as well, to OTEL_EXPORTER_OTLP_ENDPOINT\n"+
		"(default http://localhost:4317, gRPC; OTEL_EXPORTER_OTLP_PROTOCOL and\nOTEL_SERVICE_NAME apply), flushing before exit")
	width := fs.Int("width", waterfall.DefaultWidth, "width of the waterfall's bars in `columns`")
	layouts := fs.Bool("layouts", false, "instead: print the same few lines in each layout dynlog speaks")
	serveLogs := fs.Bool("serve", false, "then serve the services' JSONL files in a browser, as dynlog serve does, until interrupted")
	addr := fs.String("addr", "127.0.0.1:7070", "with --serve, the `HOST:PORT` to serve on (loopback)")
	if code, ok := parseFlags(fs, demoUsage, args, stdout, stderr); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return commandUsageError(stderr, "demo", fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case *width < 1 || *width > 1000:
		return commandUsageError(stderr, "demo", fmt.Sprintf("--width %d is not between 1 and 1000", *width))
	}
	if *layouts {
		return printLayouts(stdout, stderr)
	}
	var newLogger func(...core.Option) (*zap.Logger, error)
	over := map[string]string{}
	switch *format {
	case "":
		newLogger = core.New
	case "jsonl", "readable":
		newLogger = core.New
		over["DYN_LOGGING_CONSOLE_FORMAT"] = *format
	case "vllm":
		newLogger = core.NewVLLM
	default:
		return commandUsageError(stderr, "demo", fmt.Sprintf("--format %q is not jsonl, readable or vllm", *format))
	}
	if _, set := os.LookupEnv("DYN_LOGGING_SPAN_EVENTS"); !set {
		over["DYN_LOGGING_SPAN_EVENTS"] = "1" // the demo is about them: in every layout
		// Dynamo prints span events in the readable layout only with trace
		// context on; its users turn that on with DYN_LOGGING_JSONL=1 under
		// DYN_LOGGING_CONSOLE_FORMAT=readable, and so does the demo.
		_, jsonlSet := os.LookupEnv("DYN_LOGGING_JSONL")
		consoleFormat, consoleSet := os.LookupEnv("DYN_LOGGING_CONSOLE_FORMAT")
		readable := *format == "readable" ||
			*format == "" && (consoleSet && strings.EqualFold(strings.TrimSpace(consoleFormat), "readable") || !consoleSet && !jsonlSet)
		if readable && !jsonlSet {
			over["DYN_LOGGING_JSONL"] = "1"
			over["DYN_LOGGING_CONSOLE_FORMAT"] = "readable"
		}
	}
	d := &demoRun{stdout: stdout, stderr: stderr, consoleEnv: overlayEnv(over), newLogger: newLogger}
	if err := d.run(*export, waterfall.Options{Width: *width, Color: colorOn(stdout)}); err != nil {
		fmt.Fprintf(stderr, "dynlog demo: %v\n", err)
		return 1
	}
	if *serveLogs {
		return d.serve(*addr)
	}
	return 0
}

// serve writes the services' JSONL lines to a file each (frontend.jsonl,
// prefill.jsonl, decode.jsonl) in a new temporary directory, removed at
// the end, and serves it as dynlog serve does until interrupted.
func (d *demoRun) serve(addr string) int {
	dir, err := os.MkdirTemp("", "dynlog-demo-")
	if err != nil {
		fmt.Fprintf(d.stderr, "dynlog demo: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	files := map[string]*bytes.Buffer{}
	for _, l := range bytes.SplitAfter(d.jsonl.Bytes(), []byte("\n")) {
		rec, err := logfile.Decode(bytes.TrimSuffix(l, []byte("\n")))
		if err != nil {
			continue
		}
		name, ok := map[string]string{frontendTarget: "frontend.jsonl", prefillTarget: "prefill.jsonl", decodeTarget: "decode.jsonl"}[rec.Target]
		if !ok {
			name = "demo.jsonl"
		}
		if files[name] == nil {
			files[name] = &bytes.Buffer{}
		}
		files[name].Write(l)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b.Bytes(), 0o644); err != nil {
			fmt.Fprintf(d.stderr, "dynlog demo: %v\n", err)
			return 1
		}
	}
	fmt.Fprintf(d.stdout, "\nThe services' JSONL lines are in %s; serving them (interrupt to stop):\n", dir)
	return serveCmd([]string{"--addr", addr, dir}, nil, d.stdout, d.stderr)
}

// demoRun is one run of the demo: where it writes and how its services'
// loggers are made.
type demoRun struct {
	stdout, stderr io.Writer
	consoleEnv     func(string) (string, bool)
	newLogger      func(...core.Option) (*zap.Logger, error)

	console zapcore.WriteSyncer // stdout, for whole lines from any goroutine
	jsonl   lockedBuffer        // every service's lines in JSONL, for the waterfall
}

func (d *demoRun) run(export bool, opts waterfall.Options) error {
	d.console = lockedOutput(d.stdout)
	frontendLog, err := d.logger(frontendTarget)
	if err != nil {
		return err
	}
	prefillLog, err := d.logger(prefillTarget)
	if err != nil {
		return err
	}
	decodeLog, err := d.logger(decodeTarget)
	if err != nil {
		return err
	}
	defer func() { _, _, _ = frontendLog.Sync(), prefillLog.Sync(), decodeLog.Sync() }()

	// A provider of the demo's own, local or exporting, so that each run
	// has live IDs whatever ran before it in the process.
	ctx := context.Background()
	var provider *otlp.Provider
	if export {
		exportEnv := map[string]string{"OTEL_EXPORT_ENABLED": "1"}
		if _, set := os.LookupEnv("OTEL_SERVICE_NAME"); !set {
			exportEnv["OTEL_SERVICE_NAME"] = "dynlog-demo"
		}
		provider, err = coreservice.StartTracing(ctx, frontendLog, core.WithEnv(overlayEnv(exportEnv)),
			core.WithErrorOutput(zapcore.AddSync(d.stderr)))
	} else {
		if provider, err = otlp.NewProvider(ctx, otlp.ExportConfig{}); err == nil {
			provider.Install()
		}
	}
	if err != nil {
		return fmt.Errorf("starting tracing: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(ctx, demoTimeout)
		defer cancel()
		if err := provider.Shutdown(sctx); err != nil {
			fmt.Fprintf(d.stderr, "dynlog demo: flushing spans to %s: %v\n", provider.Endpoint(), err)
		}
	}()

	client := &http.Client{Transport: tracing.Transport(&http.Transport{}), Timeout: demoTimeout}
	defer client.CloseIdleConnections()
	decode, err := startService(decodeLog, "/decode", decodeHandler(decodeLog))
	if err != nil {
		return err
	}
	defer decode.stop()
	prefill, err := startService(prefillLog, "/prefill", prefillHandler(prefillLog))
	if err != nil {
		return err
	}
	defer prefill.stop()
	frontend, err := startService(frontendLog, "/v1/chat/completions",
		frontendHandler(frontendLog, client, prefill.url+"/prefill", decode.url+"/decode"))
	if err != nil {
		return err
	}
	defer frontend.stop()

	user := &http.Client{Transport: &http.Transport{}, Timeout: demoTimeout}
	defer user.CloseIdleConnections()
	for i, req := range []struct {
		xRequestID string
		body       string
	}{
		{demoRequestID, `{"model":"Qwen/Qwen3-0.6B","messages":[{"role":"user","content":"Hello!"}],"max_tokens":6}`},
		{"", `{"model":"Qwen/Qwen3-0.6B","messages":[{"role":"user","content":"What is KV cache?"}],"max_tokens":4}`},
		{"", `{"model":"Qwen/Qwen3-0.6B","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],"max_tokens":3}`},
	} {
		if err := sendChat(user, frontend.url+"/v1/chat/completions", req.xRequestID, req.body); err != nil {
			return fmt.Errorf("request %d: %w", i+1, err)
		}
	}
	// Stopping waits for the handlers, so that every SPAN_CLOSED is written
	// before the waterfall is drawn.
	for _, s := range []*service{frontend, prefill, decode} {
		if err := s.stop(); err != nil {
			return err
		}
	}
	_, _, _ = frontendLog.Sync(), prefillLog.Sync(), decodeLog.Sync()

	var b waterfall.Builder
	if err := b.Read(logfile.NewReader("demo", bytes.NewReader(d.jsonl.Bytes()))); err != nil {
		return err
	}
	for _, t := range b.Traces() {
		if t.XRequestID == demoRequestID {
			fmt.Fprintf(d.stdout, "\nThe request with x-request-id %s, across %d services (rebuilt from their JSONL lines, as `dynlog trace` does):\n\n",
				demoRequestID, len(t.Targets()))
			return waterfall.Render(d.stdout, t, opts)
		}
	}
	return fmt.Errorf("no trace with x_request_id %s in the services' lines", demoRequestID)
}

// logger makes a service's logger: the console layout the variables (and
// --format) choose, to stdout, teed with a JSONL copy in memory that the
// waterfall is built from whatever the console shows.
func (d *demoRun) logger(target string) (*zap.Logger, error) {
	console, err := d.newLogger(core.WithEnv(d.consoleEnv), core.WithOutput(d.console),
		core.WithErrorOutput(zapcore.AddSync(d.stderr)))
	if err != nil {
		return nil, err
	}
	fixed := map[string]string{"DYN_LOGGING_JSONL": "1", "DYN_LOGGING_SPAN_EVENTS": "1"}
	jsonl, err := core.New(core.WithEnv(func(k string) (string, bool) { v, ok := fixed[k]; return v, ok }),
		core.WithSystemConfig(""), core.WithOutput(&d.jsonl), core.WithErrorOutput(zapcore.AddSync(d.stderr)))
	if err != nil {
		return nil, err
	}
	return zap.New(zapcore.NewTee(console.Core(), jsonl.Core()),
		zap.AddCaller(), zap.ErrorOutput(zapcore.AddSync(d.stderr))).Named(target), nil
}

// service is one of the demo's HTTP servers.
type service struct {
	srv     *http.Server
	url     string
	served  chan error
	stopped bool
}

// startService serves handler at path on a free loopback port, through
// tracing.Middleware, with log for the spans of its requests.
func startService(log *zap.Logger, path string, handler http.HandlerFunc) (*service, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST "+path, handler)
	s := &service{
		srv: &http.Server{
			Handler:           tracing.Middleware(mux),
			ReadHeaderTimeout: demoTimeout,
			BaseContext: func(net.Listener) context.Context {
				return tracing.WithLogger(context.Background(), log)
			},
			ErrorLog: zap.NewStdLog(log),
		},
		url:    "http://" + ln.Addr().String(),
		served: make(chan error, 1),
	}
	go func() { s.served <- s.srv.Serve(ln) }()
	log.Info("serving", zap.String("address", ln.Addr().String()), zap.String("endpoint", "POST "+path))
	return s, nil
}

// stop shuts the server down, waiting for its handlers; it is safe to call
// again.
func (s *service) stop() error {
	if s.stopped {
		return nil
	}
	s.stopped = true
	ctx, cancel := context.WithTimeout(context.Background(), demoTimeout)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	if serr := <-s.served; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// chatRequest is the part of an OpenAI chat-completion request the demo
// reads.
type chatRequest struct {
	Model    string `json:"model"`
	Messages []struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	} `json:"messages"`
	MaxTokens int `json:"max_tokens"`
}

// workRequest is what the frontend sends its workers, and prefillReply what
// the prefill worker answers.
type workRequest struct {
	PromptTokens int `json:"prompt_tokens"`
	MaxTokens    int `json:"max_tokens"`
	KVBlocks     int `json:"kv_blocks,omitempty"`
}

type prefillReply struct {
	KVBlocks int `json:"kv_blocks"`
}

type decodeReply struct {
	Text   string `json:"text"`
	Tokens int    `json:"tokens"`
}

// frontendHandler routes a chat completion to the prefill worker, then to
// the decode worker, each call in a span of its own that waits (idle) for
// the worker, and answers in the OpenAI shape.
func frontendHandler(log *zap.Logger, client *http.Client, prefillURL, decodeURL string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		var req chatRequest
		if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req); err != nil {
			log.Warn("bad chat completion request", tracing.Ctx(ctx), zap.Error(err))
			http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
			return
		}
		prompt := 0
		for _, m := range req.Messages {
			prompt += len(strings.Fields(m.Content)) + 4 // words as tokens, plus the chat template's
		}
		log.Info("chat completion request", tracing.Ctx(ctx), zap.String("model", req.Model),
			zap.Int("messages", len(req.Messages)), zap.Int("max_tokens", req.MaxTokens))

		rctx, route := tracing.Start(ctx, "kv_router.select_worker", zap.Int("workers", 2))
		time.Sleep(200 * time.Microsecond) // hashing the prompt's blocks: busy
		log.Info("selected workers", tracing.Ctx(rctx), zap.String("prefill", "prefill-0"),
			zap.String("decode", "decode-0"), zap.Int("overlap_blocks", 1))
		route.End()

		var kv prefillReply
		if err := callWorker(ctx, client, "remote_prefill", prefillURL, workRequest{PromptTokens: prompt}, &kv); err != nil {
			log.Error("prefill failed", tracing.Ctx(ctx), zap.Error(err))
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		var out decodeReply
		work := workRequest{PromptTokens: prompt, MaxTokens: req.MaxTokens, KVBlocks: kv.KVBlocks}
		if err := callWorker(ctx, client, "remote_decode", decodeURL, work, &out); err != nil {
			log.Error("decode failed", tracing.Ctx(ctx), zap.Error(err))
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		log.Info("chat completion done", tracing.Ctx(ctx), zap.Int("prompt_tokens", prompt),
			zap.Int("completion_tokens", out.Tokens))
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"object":  "chat.completion",
			"model":   req.Model,
			"choices": []any{map[string]any{"index": 0, "message": map[string]string{"role": "assistant", "content": out.Text}, "finish_reason": "length"}},
			"usage":   map[string]int{"prompt_tokens": prompt, "completion_tokens": out.Tokens},
		})
	}
}

// callWorker POSTs in as JSON to url in a span named name, which waits for
// the reply, and decodes the reply into out.
func callWorker(ctx context.Context, client *http.Client, name, url string, in, out any) error {
	ctx, span := tracing.Start(ctx, name, zap.String("url", url))
	defer span.End()
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	span.Wait(func() { // waiting for the worker: idle time
		var req *http.Request
		if req, err = http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body)); err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		var resp *http.Response
		if resp, err = client.Do(req); err != nil {
			return
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("%s answered %s", url, resp.Status)
			return
		}
		err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(out)
	})
	return err
}

// prefillHandler computes the KV cache of the prompt: a wait for the GPU.
func prefillHandler(log *zap.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req workRequest
		_ = json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req)
		log.Info("prefill request received", tracing.Ctx(r.Context()), zap.Int("prompt_tokens", req.PromptTokens))
		ctx, span := tracing.Start(r.Context(), "prefill", zap.Int("prompt_tokens", req.PromptTokens))
		defer span.End()
		span.Wait(func() { time.Sleep(2 * time.Millisecond) }) // the GPU computes the KV cache
		blocks := (req.PromptTokens + 15) / 16
		log.Info("kv cache ready", tracing.Ctx(ctx), zap.Int("kv_blocks", blocks))
		_ = json.NewEncoder(w).Encode(prefillReply{KVBlocks: blocks})
	}
}

// decodeHandler generates the completion token by token, each one a wait
// for the GPU.
func decodeHandler(log *zap.Logger) http.HandlerFunc {
	words := []string{"Hello", "!", " How", " can", " I", " help", " you", " today", "?"}
	return func(w http.ResponseWriter, r *http.Request) {
		var req workRequest
		_ = json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&req)
		n := min(max(req.MaxTokens, 1), len(words))
		log.Info("decode request received", tracing.Ctx(r.Context()), zap.Int("kv_blocks", req.KVBlocks))
		ctx, span := tracing.Start(r.Context(), "decode", zap.Int("output_tokens", n))
		defer span.End()
		var text strings.Builder
		for i := range n {
			span.Wait(func() { time.Sleep(500 * time.Microsecond) }) // one forward pass on the GPU
			text.WriteString(words[i])
		}
		log.Info("decoded", tracing.Ctx(ctx), zap.Int("tokens", n))
		_ = json.NewEncoder(w).Encode(decodeReply{Text: text.String(), Tokens: n})
	}
}

// sendChat is the user: it POSTs a chat completion to the frontend.
func sendChat(client *http.Client, url, xRequestID, body string) error {
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if xRequestID != "" {
		req.Header.Set("x-request-id", xRequestID)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("the frontend answered %s: %s", resp.Status, bytes.TrimSpace(reply))
	}
	return nil
}

// overlayEnv looks variables up in over, then in the process environment.
func overlayEnv(over map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		if v, ok := over[k]; ok {
			return v, true
		}
		return os.LookupEnv(k)
	}
}

// lockedOutput is w as a WriteSyncer that writes each line whole from any
// goroutine: the process's stdout as it is (one write per line, and the
// loggers' colour decision can see it is a terminal), anything else behind
// a lock.
func lockedOutput(w io.Writer) zapcore.WriteSyncer {
	if f, ok := w.(*os.File); ok {
		return f
	}
	return zapcore.Lock(zapcore.AddSync(w))
}

// colorOn reports whether the waterfall drawn on w is coloured: when w is a
// terminal and NO_COLOR is not set.
func colorOn(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return term.IsTerminal(int(f.Fd()))
}

// lockedBuffer is a bytes.Buffer the services' loggers share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) Sync() error { return nil }

// Bytes is a copy of what was written.
func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// commandUsageError prints one line about a usage error of cmd and returns
// exit code 2.
func commandUsageError(stderr io.Writer, cmd, msg string) int {
	fmt.Fprintf(stderr, "dynlog %s: %s (try dynlog %s --help)\n", cmd, msg, cmd)
	return 2
}

// printLayouts prints the same few log calls in each layout dynlog speaks.
func printLayouts(stdout, stderr io.Writer) int {
	out := lockedOutput(stdout)
	for _, layout := range []struct {
		title string
		env   map[string]string
		new   func(...core.Option) (*zap.Logger, error)
	}{
		{"Dynamo readable (DYN_LOGGING_JSONL unset)", nil, core.New},
		{"Dynamo JSONL (DYN_LOGGING_JSONL=1)", map[string]string{"DYN_LOGGING_JSONL": "1"}, core.New},
		{"vLLM (VLLM_LOGGING_PREFIX='[node-0] ')", map[string]string{"VLLM_LOGGING_PREFIX": "[node-0] "}, core.NewVLLM},
	} {
		fmt.Fprintf(stdout, "== %s\n", layout.title)
		env := layout.env
		log, err := layout.new(core.WithOutput(out), core.WithEnv(func(k string) (string, bool) {
			v, ok := env[k]
			return v, ok
		}))
		if err != nil {
			fmt.Fprintf(stderr, "dynlog demo: %v\n", err)
			return 1
		}
		router := log.Named("dynamo_llm::kv_router")
		router.Info("selected worker", zap.String("worker", "decode-0"), zap.Int("overlap_blocks", 12), zap.Float64("load", 0.75))
		router.Warn("prefill queue is deep\nconsider another prefill worker", zap.Int("queued", 42))
		log.Named("dynamo_runtime::system_status_server").Error("health check failed", zap.Error(errors.New("connection refused")))
		_ = log.Sync()
	}
	return 0
}
