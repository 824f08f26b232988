package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/cmd/dynlog/internal/serve"
	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
	"github.com/dynlog/dynlog/encoder"
	"github.com/dynlog/dynlog/internal/outside"
	"go.uber.org/zap/zapcore"
)

const serveUsage = `Usage: dynlog serve [--addr HOST:PORT] [--token T | --token-file F]
                    [--jaeger URL] [--victorialogs URL] FILE|DIR...

Serves the lines of the log files to a browser, and the waterfall of
any request traced in them, with nothing else installed: the page
(HTML, CSS and JavaScript inside the binary) shows the records as the
readable layout prints them, newest at the bottom, merged across files
by time; filters them as view does (a DYN_LOG directive box, the level,
trace_id, x_request_id; but a line that is not a record, which view
passes through, shows only while none of these is set) and by text;
keeps its state in its address, so a view can be linked; shows new
lines as the files grow and are rotated, as view -f follows them; and,
clicking a line with a trace_id, draws its trace as dynlog trace
computes it (from every file, compressed backups too), each span's
lines a click away.

A FILE is read with its rotated backups (NAME-TIME.EXT and
NAME-TIME.EXT.gz beside it), oldest first; a DIR stands for the
.jsonl, .json and .log files directly in it, not symbolic links
(said on stderr; name one to serve it). Those are the only files
read: nothing a request says names a file, and a symbolic link put in
place of one or among its backups while serving is said, not read.

Safe by default:
  - read-only: GET and HEAD only;
  - it listens on 127.0.0.1 unless --addr says otherwise, and refuses
    an address that is not loopback without a token (--token-file F or
    --token T), which is then required on every request
    ("Authorization: Bearer T", or ?token=T once, which the page keeps
    in a cookie); serve speaks plain HTTP, so
    across a network the token and the logs travel in the clear: prefer
    an SSH tunnel to 127.0.0.1 (ssh -L 7070:127.0.0.1:7070 node), or a
    TLS proxy in front;
  - a loopback port is open to every user of this machine: on a shared
    node give a token there too, with --token-file F (its first line):
    --token T is in the command line, which every local user can read
    (ps);
  - without a token it answers only requests addressed to localhost or
    a loopback address, so that no other site's page can reach it
    through a DNS name pointed at this machine;
  - its API answers no request a browser marks as sent by another
    site's page (Sec-Fetch-Site), which could time a search;
  - the page inserts every piece of log text as text, and its
    Content-Security-Policy forbids any script but its own.

The files are indexed when it starts (the offset of every 256th line,
not the lines: memory stays small whatever their size); lines that
arrive while it serves are held in memory, the newest 32 MiB of each
file, and the page says how many it no longer holds.

Exit status: 0 interrupted, 1 it could not listen, 2 a usage error.

Flags:
`

// serveContext is the context serve runs under: it ends on an interrupt.
// Tests replace it.
var serveContext = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// serveListening is told the address serve listens on. Tests replace it.
var serveListening = func(addr string) {}

// servePoll is how often serve looks for new lines.
var servePoll = 200 * time.Millisecond

func serveCmd(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:7070", "the `HOST:PORT` to listen on (port 0: any free port)")
	token := fs.String("token", "", "a `secret` every request must carry; required for an address that is not loopback")
	tokenFile := fs.String("token-file", "", "a `file` whose first line is the token: unlike --token, not shown to other users by ps")
	jaeger := fs.String("jaeger", "", "a Jaeger UI's `URL`, which the waterfall links each trace to")
	victoria := fs.String("victorialogs", "", "a VictoriaLogs `URL`, which the waterfall links each trace's lines to")
	if code, ok := parseFlags(fs, serveUsage, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() == 0 {
		return commandUsageError(stderr, "serve", "name at least one FILE or DIR to serve")
	}
	for _, a := range fs.Args() {
		// Flags stop at the first FILE: a flag after one would be taken
		// for a file that does not exist yet, and waited for.
		if _, err := os.Lstat(a); strings.HasPrefix(a, "-") && len(a) > 1 && errors.Is(err, os.ErrNotExist) {
			return commandUsageError(stderr, "serve", fmt.Sprintf("%s after the files: flags go before them (dynlog serve %s … FILE|DIR...)", a, a))
		}
	}
	if *tokenFile != "" {
		if *token != "" {
			return commandUsageError(stderr, "serve", "give --token or --token-file, not both")
		}
		t, perm, err := readTokenFile(*tokenFile)
		if err != nil {
			return commandUsageError(stderr, "serve", err.Error())
		}
		if perm&0o077 != 0 {
			fmt.Fprintf(stderr, "dynlog serve: --token-file %s can be read by other users (mode %04o): chmod 600 it\n", outside.Text(*tokenFile), perm)
		}
		*token = t
	}
	if err := checkToken(*token); err != nil {
		return commandUsageError(stderr, "serve", err.Error())
	}
	if err := checkServeAddr(*addr, *token); err != nil {
		fmt.Fprintf(stderr, "dynlog serve: %v\n", err)
		return 2
	}
	files, err := serve.Expand(fs.Args(), func(link string) {
		fmt.Fprintf(stderr, "dynlog serve: %s is a symbolic link: not served (name it to serve it)\n", link)
	})
	if err != nil {
		return commandUsageError(stderr, "serve", err.Error())
	}
	if len(files) == 0 {
		return commandUsageError(stderr, "serve", fmt.Sprintf("no .jsonl, .json or .log file in %s", strings.Join(fs.Args(), ", ")))
	}
	for _, f := range files {
		if _, err := os.Stat(f); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "dynlog serve: %s does not exist yet; waiting for it\n", f)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "dynlog serve: %v\n", err)
		return 1
	}
	start := time.Now()
	srv, err := newServer(files, *token, *jaeger, *victoria, stderr)
	if err != nil {
		ln.Close()
		return commandUsageError(stderr, "serve", err.Error())
	}
	defer srv.Close()
	fmt.Fprintf(stderr, "dynlog serve: %d lines of %d files indexed in %v; serving them at %s", srv.Lines(), len(files), time.Since(start).Round(time.Millisecond), serveURL(ln.Addr()))
	if *token != "" {
		fmt.Fprint(stderr, " (open it once with ?token=… to have the page keep the token)")
	}
	fmt.Fprintln(stderr)
	serveListening(ln.Addr().String())

	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 64 << 10}
	ctx, cancel := serveContext()
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-served:
		fmt.Fprintf(stderr, "dynlog serve: %v\n", err)
		return 1
	}
	sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer scancel()
	if err := hs.Shutdown(sctx); err != nil {
		hs.Close()
	}
	return 0
}

// serveURL is the address to open the page at, served at addr: on every
// interface (0.0.0.0, ::), which no browser opens, the machine's name.
func serveURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if ip := net.ParseIP(host); err == nil && ip != nil && ip.IsUnspecified() {
		if name, err := os.Hostname(); err == nil && name != "" {
			return "http://" + net.JoinHostPort(name, port) + "/ (every interface)"
		}
	}
	return "http://" + addr.String() + "/"
}

// newServer makes the server of files: their lines rendered as view
// renders them, their traces computed as trace computes them.
func newServer(files []string, token, jaeger, victoria string, stderr io.Writer) (*serve.Server, error) {
	return serve.New(serve.Config{
		Files: files, Token: token, JaegerURL: jaeger, VictoriaLogsURL: victoria, Follow: servePoll,
		Render: serveRenderer, Trace: serveTrace,
		OnError: func(err error) { fmt.Fprintf(stderr, "dynlog serve: %v; skipped\n", err) },
	})
}

// readTokenFile reads a token from the first line of path, at most 4 KiB,
// trimmed of spaces, not empty; with the file's permission bits.
func readTokenFile(path string) (string, os.FileMode, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("--token-file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", 0, fmt.Errorf("--token-file: %w", err)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4<<10+1))
	if err != nil {
		return "", 0, fmt.Errorf("--token-file: %w", err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	if len(line) > 4<<10 {
		return "", 0, fmt.Errorf("--token-file: %s: the first line is longer than 4 KiB", path)
	}
	t := strings.TrimSpace(line)
	if t == "" {
		return "", 0, fmt.Errorf("--token-file: %s: the first line is empty", path)
	}
	return t, fi.Mode().Perm(), nil
}

// checkToken reports a token that the page's cookie could not carry: a
// byte that is not printable ASCII, or one of space " , ; \ (RFC 6265's
// cookie-octet).
func checkToken(t string) error {
	for _, c := range []byte(t) {
		if c < 0x21 || c > 0x7e || strings.IndexByte(`",;\`, c) >= 0 {
			return fmt.Errorf("the token holds %s, which a cookie cannot carry: use letters, digits and punctuation other than \" , ; \\", outside.Quote(string([]byte{c})))
		}
	}
	return nil
}

// checkServeAddr refuses to listen where others can connect without a
// token: an address is loopback if its host is localhost (resolving to
// loopback addresses only) or a loopback IP; an empty host, 0.0.0.0 and
// :: are every interface.
func checkServeAddr(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %v (want HOST:PORT, e.g. 127.0.0.1:7070)", addr, err)
	}
	if token != "" || isLoopbackName(host) {
		return nil
	}
	what := host
	if host == "" || host == "0.0.0.0" || host == "::" {
		what = "every interface"
	}
	return fmt.Errorf("refusing to listen on %s (%s) without a token: it is not a loopback address, so anyone who can reach it could read these logs; give --token-file F or --token SECRET (then required on every request), or listen on 127.0.0.1", addr, what)
}

func isLoopbackName(host string) bool {
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	if host == "" {
		return false
	}
	ips, err := net.LookupIP(host)
	if err != nil || len(ips) == 0 {
		return false
	}
	for _, ip := range ips {
		if !ip.IsLoopback() {
			return false
		}
	}
	return true
}

// serveRenderer is serve's Config.Render: a record in the readable
// layout, coloured, as view prints it, the input's controls escaped.
func serveRenderer() func(*logfile.Record) ([]byte, bool) {
	enc := encoder.NewReadable(encoder.WithColor(true))
	var fields []zapcore.Field
	return func(rec *logfile.Record) ([]byte, bool) {
		escapeRecord(rec)
		ent, fs := entryOf(rec, true, false, fields[:0])
		fields = fs
		buf, err := enc.EncodeEntry(ent, fs)
		if err != nil {
			return nil, false
		}
		out := bytes.Clone(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		buf.Free()
		return out, true
	}
}

// serveTrace is serve's Config.Trace: the trace as dynlog trace --json
// computes it from the same files (readTraces, selectTraces), fed only
// the lines that can be the trace's: those holding its trace_id's bytes
// (all of them when JSON may escape some), a rotated backup through gzip
// when compressed.
func serveTrace(ctx context.Context, files []*os.File, id string) (*waterfall.JSONTrace, bool, error) {
	pr, pw := io.Pipe()
	var readErrs []error
	go func() {
		pw.CloseWithError(traceLines(ctx, pw, files, id, &readErrs))
	}()
	b, _, _, err := readTraces(nil, pr, id, "", io.Discard)
	pr.Close()
	err = errors.Join(append(readErrs, err)...)
	for _, t := range selectTraces(b.Traces(), id, "", false) {
		if t.ID == id {
			j := waterfall.ToJSON(t)
			return &j, true, err
		}
	}
	return nil, false, err
}

// traceLines writes to w the lines of files that may hold trace_id id,
// each with its "\n"; a file that cannot be read is noted in errs and
// skipped.
func traceLines(ctx context.Context, w io.Writer, files []*os.File, id string, errs *[]error) error {
	plain := !strings.ContainsFunc(id, func(r rune) bool { return r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '/' })
	bw := bufio.NewWriterSize(w, 64<<10)
	for _, f := range files {
		name := f.Name()
		var in io.Reader = f
		if strings.HasSuffix(name, ".gz") {
			zr, err := gzip.NewReader(f)
			if err != nil {
				*errs = append(*errs, fmt.Errorf("read %s: %w", name, err))
				continue
			}
			in = zr
		}
		r := logfile.NewReader(name, in)
		for r.Next() && ctx.Err() == nil {
			l := r.Line()
			if l.TooLong || plain && !bytes.Contains(l.Bytes, []byte(id)) {
				continue
			}
			bw.Write(l.Bytes)
			if err := bw.WriteByte('\n'); err != nil {
				return err
			}
		}
		if err := r.Err(); err != nil {
			*errs = append(*errs, err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	return bw.Flush()
}
