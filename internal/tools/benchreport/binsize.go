package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// The binary-size section of BENCHMARKS.md lies between these markers:
// `make binsize` (benchreport -binsize) rewrites only what is between them,
// and the other modes keep it as it stands.
const (
	binsizeBegin = "<!-- binsize:begin (written by make binsize) -->"
	binsizeEnd   = "<!-- binsize:end -->"
)

// A binProgram is one of the hello-world programs of internal/tools/binsize.
type binProgram struct {
	pkg  string // the import path's last element, under internal/tools/binsize
	what string // what it calls
}

var binPrograms = []binProgram{
	{"hello", "`core.New()` and one `Info` line"},
	{"helloinit", "`core.Init()`, one `Info` line, `core.Shutdown`"},
	{"helloservice", "`service.Init()` (core/service: OTLP export, gRPC bridge), one `Info` line, `service.Shutdown`"},
	{"hellospan", "`zap.NewProduction()`, `tracing.Start`, one line with `tracing.Ctx`, `End`"},
}

// binBefore is what the programs (those that existed then) measured at commit e8e46c9, before package
// tracing was split (tracing/otlp, tracing/calltrace): the figures this
// report compares with, fixed, since that tree can no longer be built from
// this one. Measured with go1.26.8 linux/amd64 in a checkout at
// /work/wt-tracing-split (the path is in a build without -trimpath).
var binBefore = map[string]binSize{
	"hello":     {plain: 19364441, stripped: 13312265, packages: 446, grpc: true},
	"hellospan": {plain: 18753159, stripped: 12894473, packages: 432, grpc: true},
}

// binBeforeCommit is the commit binBefore was measured at.
const binBeforeCommit = "e8e46c9"

// binSize is one program measured.
type binSize struct {
	plain    int64 // go build
	stripped int64 // go build -trimpath -ldflags='-s -w'
	packages int   // go list -deps, standard library included
	grpc     bool  // google.golang.org/grpc among them
}

// measureBinaries builds each program twice into a temporary directory
// with goCmd and measures it; dir is the module's root.
func measureBinaries(goCmd, dir string) (map[string]binSize, error) {
	tmp, err := os.MkdirTemp("", "dynlog-binsize")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	out := map[string]binSize{}
	for _, p := range binPrograms {
		pkg := "./internal/tools/binsize/" + p.pkg
		var s binSize
		for _, b := range []struct {
			flags []string
			size  *int64
		}{
			{nil, &s.plain},
			{[]string{"-trimpath", "-ldflags=-s -w"}, &s.stripped},
		} {
			exe := filepath.Join(tmp, p.pkg)
			args := append(append([]string{"build"}, b.flags...), "-o", exe, pkg)
			cmd := exec.Command(goCmd, args...)
			cmd.Dir, cmd.Stderr = dir, os.Stderr
			if err := cmd.Run(); err != nil {
				return nil, fmt.Errorf("%s %s: %w", goCmd, strings.Join(args, " "), err)
			}
			info, err := os.Stat(exe)
			if err != nil {
				return nil, err
			}
			*b.size = info.Size()
		}
		cmd := exec.Command(goCmd, "list", "-deps", pkg)
		cmd.Dir, cmd.Stderr = dir, os.Stderr
		deps, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s list -deps %s: %w", goCmd, pkg, err)
		}
		lines := strings.Fields(string(deps))
		s.packages = len(lines)
		s.grpc = slices.Contains(lines, "google.golang.org/grpc")
		out[p.pkg] = s
	}
	return out, nil
}

// formatBytes writes n with thousands separators: 13,312,265.
func formatBytes(n int64) string { return formatGrouped(float64(n)) }

func yesNo(v bool) string {
	if v {
		return "yes"
	}
	return "no"
}

// writeBinsize writes the binary-size section, markers included: before
// (binBefore) and now (measured) for each program.
func writeBinsize(w io.Writer, now map[string]binSize, m machine) {
	fmt.Fprintln(w, binsizeBegin)
	fmt.Fprintln(w, "## Binary size")
	fmt.Fprintln(w)
	writeWrapped(w, "Written by `make binsize` (internal/tools/benchreport -binsize), which "+
		"builds the hello-world programs of internal/tools/binsize twice, with plain "+
		"`go build` and with `go build -trimpath -ldflags='-s -w'` (no symbol table, no "+
		"DWARF), and counts the packages each links (`go list -deps`, standard library "+
		"included). Before is a fixed figure, measured at commit "+binBeforeCommit+
		", before package tracing lost OTLP export (tracing/otlp) and call tracing "+
		"(tracing/calltrace), with go1.26.8 linux/amd64; now is this run's. "+
		"`make bench`, `make bench-peers` and `make bench-cli` keep this section as it stands.")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "- Date: %s (UTC)\n", m.date.UTC().Format(time.DateOnly))
	fmt.Fprintf(w, "- Go: %s, %s/%s\n", m.goVersion, runtime.GOOS, runtime.GOARCH)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| Program | Calls | When | go build | -trimpath -s -w | Packages | gRPC linked |")
	fmt.Fprintln(w, "|---|---|---|--:|--:|--:|---|")
	for _, p := range binPrograms {
		s, ok := now[p.pkg]
		before, hasBefore := binBefore[p.pkg]
		for _, r := range []struct {
			when string
			s    binSize
			ok   bool
		}{
			{"before (" + binBeforeCommit + ")", before, true},
			{"now", s, ok},
		} {
			if r.when != "now" && !hasBefore {
				continue // a program added since
			}
			if !r.ok {
				fmt.Fprintf(w, "| %s | %s | %s | missing | missing | missing | — |\n", p.pkg, p.what, r.when)
				continue
			}
			fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %d | %s |\n", p.pkg, p.what, r.when,
				formatBytes(r.s.plain), formatBytes(r.s.stripped), r.s.packages, yesNo(r.s.grpc))
		}
	}
	fmt.Fprintln(w)
	for _, p := range binPrograms {
		before, hasBefore := binBefore[p.pkg]
		s := now[p.pkg]
		if s.stripped == 0 || !hasBefore {
			continue
		}
		fmt.Fprintf(w, "- %s: %s bytes stripped (%+.1f%%), %+d packages\n", p.pkg,
			formatDelta(s.stripped-before.stripped), 100*float64(s.stripped-before.stripped)/float64(before.stripped),
			s.packages-before.packages)
	}
	fmt.Fprintln(w)
	var notes []string
	if s, ok := now["hellospan"]; ok && !s.grpc {
		notes = append(notes, "hellospan, a program that traces without package core, "+
			"no longer links gRPC or the OTLP exporters: package tracing does not import them.")
	}
	if s, ok := now["hello"]; ok && s.grpc {
		notes = append(notes, "hello still links them, which package core must not: "+
			"Go links every init function of every imported package (gRPC registers "+
			"its balancers, resolvers and codecs in them), whether or not the program "+
			"calls into it.")
	} else if ok && !now["helloinit"].grpc && now["helloservice"].grpc {
		notes = append(notes, "hello and helloinit link neither gRPC nor an OTLP exporter: "+
			"package core leaves OTLP export and the gRPC bridge to core/service, which "+
			"helloservice imports; the difference between helloinit and helloservice is "+
			"what they cost.")
	}
	if len(notes) > 0 {
		writeWrapped(w, strings.Join(notes, " "))
	}
	fmt.Fprintln(w, binsizeEnd)
}

// formatDelta is formatBytes with a sign.
func formatDelta(n int64) string {
	if n < 0 {
		return "−" + formatBytes(-n)
	}
	return "+" + formatBytes(n)
}

// binsizeMain is benchreport -binsize: the binary-size section of outPath
// rewritten from the programs built now, the rest kept.
func binsizeMain(outPath string) {
	goCmd := os.Getenv("GO")
	if goCmd == "" {
		goCmd = "go"
	}
	now, err := measureBinaries(goCmd, ".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	var b strings.Builder
	writeBinsize(&b, now, machine{date: time.Now(), goVersion: runtime.Version(), numCPU: runtime.NumCPU()})
	if err := rewriteMarkedBlock(outPath, binsizeBegin, binsizeEnd, b.String()); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
	fmt.Print(b.String())
	fmt.Printf("\nwrote %s\n", outPath)
}
