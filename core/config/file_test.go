package config

import (
	"fmt"
	"io"
	"testing"

	"github.com/dynlog/dynlog/core/output"
	"github.com/dynlog/dynlog/internal/logtest"
)

func TestFileOutputConfig(t *testing.T) {
	mb := func(n int64) int64 { return n << 20 }
	for _, tc := range []struct {
		name     string
		env      map[string]string
		file     *fileSection
		want     output.Config
		wantOK   bool
		wantWarn string
	}{
		{name: "nothing"},
		{name: "DYN_LOGGING_FILE", env: map[string]string{"DYN_LOGGING_FILE": "/tmp/a.log"},
			want: output.Config{Path: "/tmp/a.log"}, wantOK: true},
		{name: "empty DYN_LOGGING_FILE is unset", env: map[string]string{"DYN_LOGGING_FILE": ""}},
		{name: "[file]", file: &fileSection{Path: ptr("/var/log/w.log"), MaxSizeMB: ptr(5), MaxBackups: ptr(3),
			MaxAgeDays: ptr(7), Compress: ptr(true), RotateDaily: ptr(true)},
			want: output.Config{Path: "/var/log/w.log", MaxBytes: mb(5), MaxBackups: 3, MaxAgeDays: 7,
				Compress: true, RotateDaily: true}, wantOK: true},
		{name: "DYN_LOGGING_FILE wins over [file].path, the rest from [file]",
			env:  map[string]string{"DYN_LOGGING_FILE": "/tmp/a.log"},
			file: &fileSection{Path: ptr("/var/log/w.log"), MaxSizeMB: ptr(1)},
			want: output.Config{Path: "/tmp/a.log", MaxBytes: mb(1)}, wantOK: true},
		{name: "local time backups with DYN_LOG_USE_LOCAL_TZ",
			env:  map[string]string{"DYN_LOGGING_FILE": "/tmp/a.log", "DYN_LOG_USE_LOCAL_TZ": "1"},
			want: output.Config{Path: "/tmp/a.log", LocalTime: true}, wantOK: true},
		{name: "[file] without a path", file: &fileSection{MaxSizeMB: ptr(1)},
			wantWarn: "dynlog: [file] (from /etc/x.toml) has no path and DYN_LOGGING_FILE is not set; logging to stderr\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var warn logtest.Buffer
			c := newConfig([]Option{WithEnv(func(k string) (string, bool) {
				v, ok := tc.env[k]
				return v, ok
			}), WithErrorOutput(&warn)})
			fc := fileConfig{File: tc.file, Sources: map[string]string{}}
			if tc.file != nil {
				fc.Sources["file.max_size_mb"] = "/etc/x.toml"
			}
			r := &resolver{c: c, files: fc}
			var s Config
			r.output(&s)
			ok := s.Output.File != nil
			if ok != tc.wantOK {
				t.Fatalf("ok = %v, want %v", ok, tc.wantOK)
			}
			var got output.Config
			if ok {
				got = *s.Output.File
			}
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tc.want) {
				t.Errorf("config\n got %+v\nwant %+v", got, tc.want)
			}
			flushReports(c, &warn) // no layout: the reports are plain text
			if warn.String() != tc.wantWarn {
				t.Errorf("warning %q, want %q", warn.String(), tc.wantWarn)
			}
		})
	}
}

// flushReports writes the reports c collected to out as plain text, one
// line each, as package core does for a logger with no layout.
func flushReports(c config, out io.Writer) {
	for _, r := range *c.reports {
		fmt.Fprintln(out, r)
	}
}
