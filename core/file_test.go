package core

import (
	"path/filepath"
	"testing"

	"github.com/dynlog/dynlog/core/config"
	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/internal/logtest"
)

// testBuilder is a builder of the Config opts give, with no call site.
func testBuilder(opts []Option) *builder {
	cfg, err := config.Load(append([]Option{WithSystemConfig(""), WithEnv(func(string) (string, bool) { return "", false })}, opts...)...)
	if err != nil {
		panic(err)
	}
	return newBuilder(cfg, callSite(1))
}

// TestOpenFileReports: the log file New opens reports through the logger's
// diagnostics, to its error output: here, that the file is open already
// with other settings.
func TestOpenFileReports(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.log")
	first := testBuilder(nil).openFile(output.Config{Path: path})
	defer first.Close()
	var warn logtest.Buffer
	c := testBuilder([]Option{WithErrorOutput(&warn)})
	second := c.openFile(output.Config{Path: path, MaxBackups: 3})
	if second == nil {
		t.Fatal("not opened")
	}
	defer second.Close()
	c.diag.flush() // no layout: the reports are plain text
	if want := "dynlog: " + path + " is open already, with other [file] settings; keeping those of the logger that opened it\n"; warn.String() != want {
		t.Errorf("error output %q, want %q", warn.String(), want)
	}
}
