package serve

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/dynlog/dynlog/cmd/dynlog/internal/logfile"
	"github.com/dynlog/dynlog/cmd/dynlog/internal/waterfall"
)

// TestTailWaitersBounded: past maxWaiting tail requests waiting for new
// lines, one more is answered 503 at once, not held: thousands of long
// polls do not hold thousands of goroutines and buffers.
func TestTailWaitersBounded(t *testing.T) {
	defer func(n int) { maxWaiting = n }(maxWaiting)
	maxWaiting = 2
	file := filepath.Join(t.TempDir(), "a.jsonl")
	os.WriteFile(file, []byte(`{"level":"INFO","message":"one"}`+"\n"), 0o644)
	srv, err := New(Config{
		Files: []string{file},
		Render: func() func(*logfile.Record) ([]byte, bool) {
			return func(*logfile.Record) ([]byte, bool) { return nil, false }
		},
		Trace: func(context.Context, []*os.File, string) (*waterfall.JSONTrace, bool, error) {
			return nil, false, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	defer func() { hs.Close(); srv.Close() }()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{}, maxWaiting)
	for range maxWaiting {
		req, _ := http.NewRequestWithContext(ctx, "GET", hs.URL+"/api/tail?after=1", nil)
		go func() {
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
			done <- struct{}{}
		}()
	}
	for len(srv.waiting) < maxWaiting { // both wait for lines
		runtime.Gosched()
	}
	resp, err := http.Get(hs.URL + "/api/tail?after=1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := `{"error":"2 requests already wait for new lines; ask again later"}`
	if resp.StatusCode != 503 || string(body) != want || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("one tail more: %s %s, Retry-After %q; want 503 %s, 2", resp.Status, body, resp.Header.Get("Retry-After"), want)
	}
	cancel()
	for range maxWaiting {
		<-done
	}
}
