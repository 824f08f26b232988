//go:build browser

package main

// The page of dynlog serve in a real browser: Debian's chromium, headless,
// driven over the DevTools protocol (a websocket, spoken here with the
// standard library alone). make e2e runs it (go test -tags browser
// -artifacts: the screenshots land in the test's output directory).

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
)

// TestServeInBrowser loads the page of two services' files, filters it
// with a directive, opens a request's waterfall and a span's lines, and
// checks that log text made of markup and script is shown as text and
// runs nothing.
func TestServeInBrowser(t *testing.T) {
	files, traceID := serveFiles(t, t.TempDir())
	base := startServeCommand(t, files)
	b := startBrowser(t)
	shots := t.ArtifactDir()

	b.navigate(base + "/")
	b.waitFor(`document.querySelectorAll("#lines .line").length > 0`)
	texts := b.strings(`[...document.querySelectorAll("#lines .line")].map(e => e.textContent)`)
	want := viewLines(t, files)
	if strings.Join(sorted(texts), "\n") != strings.Join(sorted(want), "\n") {
		t.Errorf("the page shows\n%s\nwant view's lines\n%s", strings.Join(texts, "\n"), strings.Join(want, "\n"))
	}
	hostile := `<img src=x onerror=alert(1)> <script>alert(2)</script>`
	if !strings.Contains(strings.Join(texts, "\n"), hostile) {
		t.Errorf("the page does not show the hostile message as text")
	}
	if n := b.number(`document.querySelectorAll("#lines img, #lines script, #lines svg, #lines b, #lines a").length`); n != 0 {
		t.Errorf("the page holds %v elements made from log text", n)
	}
	// A long line wraps between words (and after a hyphen): a key or a
	// value shorter than the page is wide is never cut in two.
	if cut := b.strings(`[...document.querySelectorAll("#lines .line span")].filter(e => !/[\s-]/.test(e.textContent) && e.textContent.length <= 60 && e.getClientRects().length > 1).map(e => e.textContent)`); len(cut) > 0 {
		t.Errorf("%d words cut across lines, e.g. %q", len(cut), cut[0])
	}
	b.screenshot(filepath.Join(shots, "lines.png"))

	// Live: a line written now appears; paused, the page holds the next
	// until resumed; each comes once.
	appendLine := func(msg string) {
		f, err := os.OpenFile(files[1], os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(f, `{"time":%q,"level":"INFO","target":"dynamo_llm::decode","message":%q}`+"\n", time.Now().UTC().Format(time.RFC3339Nano), msg)
		f.Close()
	}
	count := func(msg string) float64 {
		return b.number(`[...document.querySelectorAll("#lines .line")].filter(e => e.textContent.includes(` + strconvQuote(msg) + `)).length`)
	}
	appendLine("live line one")
	b.waitFor(`document.getElementById("lines").textContent.includes("live line one")`)
	b.eval(`document.getElementById("pause").click()`)
	appendLine("live line two")
	// The server has it; the page, paused, does not show it.
	for len(allLines(t, base, "q=live+line+two")) == 0 {
		time.Sleep(50 * time.Millisecond)
	}
	if n := count("live line two"); n != 0 {
		t.Errorf("paused, the page shows a new line")
	}
	b.eval(`document.getElementById("pause").click()`)
	b.waitFor(`document.getElementById("lines").textContent.includes("live line two")`)
	if one, two := count("live line one"), count("live line two"); one != 1 || two != 1 {
		t.Errorf("live lines shown %v and %v times, want once each", one, two)
	}

	// A directive in the filter box: WARN and above only, and the state in
	// the address.
	b.eval(`document.getElementById("f-filter").value = "warn"; document.getElementById("filters").requestSubmit()`)
	b.waitFor(`location.search === "?filter=warn" && document.getElementById("status").textContent === "1 line"`)
	filtered := b.strings(`[...document.querySelectorAll("#lines .line")].map(e => e.textContent)`)
	var wantWarn []string
	for _, l := range viewLines(t, files, "--filter", "warn") {
		if strings.HasPrefix(l, "20") {
			wantWarn = append(wantWarn, l)
		}
	}
	if strings.Join(filtered, "\n") != strings.Join(wantWarn, "\n") {
		t.Errorf("filter=warn shows\n%q\nwant\n%q", filtered, wantWarn)
	}
	b.screenshot(filepath.Join(shots, "filtered.png"))
	// Reloaded from its address, the view is the same.
	b.navigate(base + "/?filter=warn")
	b.waitFor(`document.getElementById("status").textContent === "1 line" && document.getElementById("f-filter").value === "warn"`)

	// A click on a line of the request opens its waterfall: the rows of
	// dynlog trace --json.
	b.navigate(base + "/?trace=" + traceID)
	b.waitFor(`document.querySelectorAll("#lines .line.traced").length > 0`)
	b.eval(`document.querySelector("#lines .line.traced").click()`)
	b.waitFor(`document.querySelectorAll("#rows .row").length > 0`)
	if p := b.str(`location.pathname`); p != "/trace/"+traceID {
		t.Errorf("the click went to %q", p)
	}
	rows := b.strings(`[...document.querySelectorAll("#rows .row")].map(r => [r.dataset.spanId, r.dataset.depth, r.dataset.offsetUs, r.dataset.durationUs, r.querySelector(".span-name").textContent, r.querySelector(".target").textContent].join(" "))`)
	var out, errOut bytes.Buffer
	if code := run(append([]string{"trace", "--json", "--trace", traceID}, files...), &out, &errOut); code != 0 {
		t.Fatalf("trace: exit %d: %s", code, errOut.String())
	}
	var doc waterfall.JSONOutput
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var wantRows []string
	for _, s := range doc.Traces[0].Spans {
		wantRows = append(wantRows, fmt.Sprintf("%s %d %d %d %s %s", s.SpanID, s.Depth, s.OffsetUS, s.DurationUS, s.Name, s.Target))
	}
	if strings.Join(rows, "\n") != strings.Join(wantRows, "\n") {
		t.Errorf("waterfall rows\n%s\nwant trace --json's\n%s", strings.Join(rows, "\n"), strings.Join(wantRows, "\n"))
	}
	// The axis has ticks at round times, in one unit: 1, 2 or 5 times a
	// power of ten µs apart, at most 8 steps.
	total := doc.Traces[0].DurationUS
	step := int64(1)
	for _, m := range []int64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000} {
		step = m
		if m*8 >= total {
			break
		}
	}
	unit, name := 1.0, "µs"
	if step >= 1_000_000 {
		unit, name = 1e6, "s"
	} else if step >= 1000 {
		unit, name = 1e3, "ms"
	}
	var wantTicks []string
	for v := int64(0); v <= total; v += step {
		wantTicks = append(wantTicks, strconv.FormatFloat(float64(v)/unit, 'f', -1, 64)+name)
	}
	if ticks := b.strings(`[...document.querySelectorAll("#axis span")].map(e => e.textContent)`); !slices.Equal(ticks, wantTicks) {
		t.Errorf("the axis of a %d µs trace: %q, want %q", total, ticks, wantTicks)
	}
	if href := b.str(`document.getElementById("jaeger").href`); href != "http://127.0.0.1:16686/trace/"+traceID {
		t.Errorf("Jaeger link %q", href)
	}
	b.screenshot(filepath.Join(shots, "waterfall.png"))
	// A click on a bar lists the span's lines.
	b.eval(`document.querySelectorAll("#rows .row")[1].click()`)
	b.waitFor(`document.getElementById("span-lines").dataset.count > 0`)
	spanLines := b.strings(`[...document.querySelectorAll("#span-lines .line")].map(e => e.textContent)`)
	for _, l := range spanLines {
		if !strings.Contains(l, "kv_router.select_worker") {
			t.Errorf("a line of another span: %q", l)
		}
	}
	b.screenshot(filepath.Join(shots, "span-lines.png"))

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.alarms {
		t.Errorf("the browser saw: %s", e)
	}
	t.Logf("screenshots in %s", shots)
}

// TestServeInBrowserWithToken: opened once with ?token=, the page loads
// without the token in its address (kept in an HttpOnly cookie), its
// script and data carried by that cookie.
func TestServeInBrowserWithToken(t *testing.T) {
	files, _ := serveFiles(t, t.TempDir())
	base := startServeCommand(t, files, "--token", "tok-123456")
	b := startBrowser(t)
	b.navigate(base + "/?filter=warn&token=tok-123456")
	b.waitFor(`document.getElementById("status").textContent === "1 line"`)
	if got := b.str(`location.search + "|" + document.cookie`); got != "?filter=warn|" {
		t.Errorf("address and script-visible cookies %q, want ?filter=warn and none", got)
	}
	b.navigate(base + "/trace/x")
	b.waitFor(`document.getElementById("error").textContent !== ""`)
	if got := b.str(`document.getElementById("error").textContent`); got != `no trace with trace_id "x" in the files` {
		t.Errorf("a trace page with the cookie: %q", got)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.alarms {
		if !strings.Contains(e, "status of 404") { // the unknown trace's answer
			t.Errorf("the browser saw: %s", e)
		}
	}
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// startServeCommand runs dynlog serve on files on a free loopback port
// until the test ends, returning its base URL.
func startServeCommand(t *testing.T, files []string, flags ...string) string {
	t.Helper()
	addr, cancel := hookServe(t, false)
	done := make(chan int)
	var errOut bytes.Buffer
	go func() {
		args := append([]string{"serve", "--addr", "127.0.0.1:0", "--jaeger", "http://127.0.0.1:16686"}, flags...)
		done <- run(append(args, files...), io.Discard, &errOut)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	select {
	case a := <-addr:
		return "http://" + a
	case code := <-done:
		t.Fatalf("dynlog serve: exit %d: %s", code, errOut.String())
	}
	return ""
}

// browser is a headless chromium's page, driven over the DevTools protocol.
type browser struct {
	t    *testing.T
	conn net.Conn
	br   *bufio.Reader
	wmu  sync.Mutex
	mu   sync.Mutex
	next int
	wait map[int]chan cdpMessage
	// alarms are what must not happen: a dialog (alert), a violation of
	// the Content-Security-Policy, an exception in the page.
	alarms []string
}

type cdpMessage struct {
	ID     int             `json:"id"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Result json.RawMessage `json:"result"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error"`
}

func startBrowser(t *testing.T) *browser {
	t.Helper()
	bin := os.Getenv("CHROMIUM")
	if bin == "" {
		bin = "chromium"
	}
	if _, err := exec.LookPath(bin); err != nil {
		t.Fatalf("no %s to run the page in (make e2e installs Debian's chromium): %v", bin, err)
	}
	profile, err := os.MkdirTemp("", "dynlog-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--remote-debugging-port=0", "--user-data-dir="+profile, "--window-size=1400,900", "about:blank")
	// Its own process group, so that its renderers end with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		cmd.Wait()
		// Its processes may write the profile until the kernel has
		// reaped them all.
		for i := 0; i < 100 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(20 * time.Millisecond)
		}
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		re := regexp.MustCompile(`DevTools listening on (ws://\S+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	var ws string
	select {
	case ws = <-found:
	case <-time.After(30 * time.Second):
		t.Fatal("chromium did not say where its DevTools listen within 30s")
	}
	u, _ := url.Parse(ws)
	// The page the browser opened.
	resp, err := http.Get("http://" + u.Host + "/json/list")
	if err != nil {
		t.Fatal(err)
	}
	var targets []struct {
		Type string `json:"type"`
		WS   string `json:"webSocketDebuggerUrl"`
	}
	json.NewDecoder(resp.Body).Decode(&targets)
	resp.Body.Close()
	page := ""
	for _, tg := range targets {
		if tg.Type == "page" {
			page = tg.WS
		}
	}
	if page == "" {
		t.Fatalf("no page among chromium's targets: %v", targets)
	}
	b := &browser{t: t, wait: map[int]chan cdpMessage{}}
	if err := b.dial(page); err != nil {
		t.Fatal(err)
	}
	go b.readLoop()
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable"} {
		b.call(m, nil)
	}
	return b
}

// dial opens the websocket (RFC 6455) of a DevTools target.
func (b *browser) dial(ws string) error {
	u, err := url.Parse(ws)
	if err != nil {
		return err
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		return err
	}
	var nonce [16]byte
	rand.Read(nonce[:])
	key := base64.StdEncoding.EncodeToString(nonce[:])
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", u.RequestURI(), u.Host, key)
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return err
	}
	sum := sha1.Sum([]byte(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	if resp.StatusCode != 101 || resp.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		return fmt.Errorf("websocket handshake with %s: %s", ws, resp.Status)
	}
	b.conn, b.br = conn, br
	return nil
}

// send writes one masked text frame.
func (b *browser) send(payload []byte) error {
	b.wmu.Lock()
	defer b.wmu.Unlock()
	hdr := []byte{0x81}
	switch n := len(payload); {
	case n < 126:
		hdr = append(hdr, 0x80|byte(n))
	case n < 1<<16:
		hdr = append(hdr, 0x80|126, byte(n>>8), byte(n))
	default:
		hdr = append(hdr, 0x80|127)
		hdr = binary.BigEndian.AppendUint64(hdr, uint64(n))
	}
	var mask [4]byte
	rand.Read(mask[:])
	hdr = append(hdr, mask[:]...)
	masked := make([]byte, len(payload))
	for i, c := range payload {
		masked[i] = c ^ mask[i%4]
	}
	_, err := b.conn.Write(append(hdr, masked...))
	return err
}

// readMessage reads one whole message, joining fragments.
func (b *browser) readMessage() ([]byte, error) {
	var msg []byte
	for {
		var h [2]byte
		if _, err := io.ReadFull(b.br, h[:]); err != nil {
			return nil, err
		}
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var x [2]byte
			if _, err := io.ReadFull(b.br, x[:]); err != nil {
				return nil, err
			}
			n = uint64(binary.BigEndian.Uint16(x[:]))
		case 127:
			var x [8]byte
			if _, err := io.ReadFull(b.br, x[:]); err != nil {
				return nil, err
			}
			n = binary.BigEndian.Uint64(x[:])
		}
		if n > 256<<20 {
			return nil, fmt.Errorf("a %d-byte websocket frame", n)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(b.br, payload); err != nil {
			return nil, err
		}
		switch op := h[0] & 0x0f; op {
		case 0x8:
			return nil, errors.New("websocket closed by chromium")
		case 0x9, 0xa: // ping, pong: nothing to say
			continue
		}
		msg = append(msg, payload...)
		if h[0]&0x80 != 0 {
			return msg, nil
		}
	}
}

func (b *browser) readLoop() {
	for {
		raw, err := b.readMessage()
		if err != nil {
			b.mu.Lock()
			for id, ch := range b.wait {
				close(ch)
				delete(b.wait, id)
			}
			b.mu.Unlock()
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.wait[m.ID]
			delete(b.wait, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		b.event(m)
	}
}

// event notes what must not happen; a dialog is also dismissed, or the
// page would hang on it.
func (b *browser) event(m cdpMessage) {
	alarm := ""
	switch m.Method {
	case "Page.javascriptDialogOpening":
		alarm = "a dialog: " + string(m.Params)
		b.mu.Lock()
		b.next++
		id := b.next
		b.mu.Unlock()
		msg, _ := json.Marshal(map[string]any{"id": id, "method": "Page.handleJavaScriptDialog", "params": map[string]any{"accept": false}})
		go b.send(msg) // its answer is dropped: no one waits for it
	case "Runtime.exceptionThrown":
		alarm = "an exception: " + string(m.Params)
	case "Log.entryAdded":
		if bytes.Contains(m.Params, []byte("Content Security Policy")) || bytes.Contains(m.Params, []byte(`"level":"error"`)) {
			alarm = "a log entry: " + string(m.Params)
		}
	}
	if alarm != "" {
		b.mu.Lock()
		b.alarms = append(b.alarms, alarm)
		b.mu.Unlock()
	}
}

// call sends a DevTools command and returns its result.
func (b *browser) call(method string, params any) json.RawMessage {
	b.t.Helper()
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan cdpMessage, 1)
	b.wait[id] = ch
	b.mu.Unlock()
	msg, _ := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err := b.send(msg); err != nil {
		b.t.Fatalf("%s: %v", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			b.t.Fatalf("%s: chromium went away", method)
		}
		if m.Error != nil {
			b.t.Fatalf("%s: %s", method, m.Error.Message)
		}
		return m.Result
	case <-time.After(60 * time.Second):
		b.t.Fatalf("%s: no answer within 60s", method)
	}
	return nil
}

func (b *browser) navigate(u string) {
	b.t.Helper()
	b.call("Page.navigate", map[string]any{"url": u})
	b.waitFor(`document.readyState === "complete"`)
}

// eval evaluates expr in the page and returns its value as JSON.
func (b *browser) eval(expr string) json.RawMessage {
	b.t.Helper()
	res := b.call("Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true})
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	json.Unmarshal(res, &r)
	if r.Exception != nil {
		b.t.Fatalf("%s: %s", expr, r.Exception.Text)
	}
	return r.Result.Value
}

func (b *browser) str(expr string) string {
	var s string
	json.Unmarshal(b.eval(expr), &s)
	return s
}

func (b *browser) strings(expr string) []string {
	var s []string
	json.Unmarshal(b.eval(expr), &s)
	return s
}

func (b *browser) number(expr string) float64 {
	var n float64
	json.Unmarshal(b.eval(expr), &n)
	return n
}

// waitFor waits until cond holds in the page, asking every 50ms; after
// 30s the test fails (the page never got there).
func (b *browser) waitFor(cond string) {
	b.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for string(b.eval("Boolean("+cond+")")) != "true" {
		if time.Now().After(deadline) {
			b.t.Fatalf("the page never got to %s; it shows:\n%s", cond, b.str(`document.body.innerText`))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (b *browser) screenshot(path string) {
	b.t.Helper()
	var r struct {
		Data string `json:"data"`
	}
	json.Unmarshal(b.call("Page.captureScreenshot", map[string]any{"format": "png"}), &r)
	png, err := base64.StdEncoding.DecodeString(r.Data)
	if err != nil || len(png) == 0 {
		b.t.Fatalf("screenshot: %v", err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestServeInBrowserLongLive: past the 5,000 lines the page holds, live
// lines push the oldest out; "older lines" brings them back, each once,
// in order.
func TestServeInBrowserLongLive(t *testing.T) {
	file := filepath.Join(t.TempDir(), "w.jsonl")
	line := func(i int) string {
		return fmt.Sprintf(`{"time":"2026-01-01T00:%02d:%02d.%06dZ","level":"INFO","target":"w","message":"n%05d"}`+"\n", i/60_000_000, i/1_000_000%60, i%1_000_000, i)
	}
	var b strings.Builder
	for i := range 100 {
		b.WriteString(line(i))
	}
	os.WriteFile(file, []byte(b.String()), 0o644)
	base := startServeCommand(t, []string{file})
	br := startBrowser(t)
	br.navigate(base + "/")
	br.waitFor(`document.querySelectorAll("#lines .line").length === 100`)
	b.Reset()
	for i := 100; i < 6100; i++ {
		b.WriteString(line(i))
	}
	f, _ := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(b.String())
	f.Close()
	br.waitFor(`document.getElementById("lines").lastChild.textContent.endsWith("n06099")`)
	if n := br.number(`document.querySelectorAll("#lines .line").length`); n != 5000 {
		t.Errorf("the page holds %v lines, want 5000", n)
	}
	for br.str(`String(document.getElementById("older").hidden)`) == "false" {
		n := br.number(`document.querySelectorAll("#lines .line").length`)
		br.eval(`document.getElementById("older").click()`)
		br.waitFor(fmt.Sprintf(`document.querySelectorAll("#lines .line").length > %v || document.getElementById("older").hidden`, n))
	}
	got := br.strings(`[...document.querySelectorAll("#lines .line")].map(e => e.textContent.slice(-6))`)
	if len(got) != 6100 {
		t.Fatalf("%d lines after paging back, want 6100", len(got))
	}
	for i, g := range got {
		if g != fmt.Sprintf("n%05d", i) {
			t.Fatalf("line %d is %s", i, g)
		}
	}
}
