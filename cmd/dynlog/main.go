// Command dynlog is dynlog's command-line companion: a traced request across
// three services (demo), a checker of JSONL lines against the line schema
// (validate), a JSONL viewer in the readable and vLLM layouts (view), a
// span waterfall drawn from the log files alone (trace), and both in a
// browser (serve).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `dynlog: logs that read, parse and correlate like NVIDIA Dynamo's and vLLM's.

Usage:
  dynlog demo        start a frontend, a prefill and a decode worker on
                     loopback, send them traced requests, print their logs
                     and the waterfall of one request
  dynlog validate    check JSONL lines against the line schema; prints
                     FILE:LINE: what is wrong (dynlog validate --help)
  dynlog view        show JSONL in the readable or vLLM layout, filtered
                     (dynlog view --help)
  dynlog trace       join the JSONL logs of several services and draw each
                     request's spans as a waterfall
  dynlog serve       the lines of log files and their requests' waterfalls
                     in a browser, on 127.0.0.1 (dynlog serve --help)
  dynlog help CMD    the help of one command (as dynlog CMD --help)
  dynlog --help      this text
`

// commands are the subcommands, each in the file named after it. They get
// their arguments and streams and return the exit code: 0 done, 1 failed,
// 2 a usage error.
var commands = map[string]func(args []string, stdin io.Reader, stdout, stderr io.Writer) int{
	"demo":     demo,
	"validate": validate,
	"view":     view,
	"trace":    trace,
	"serve":    serveCmd,
}

func main() {
	// Asking for SIGPIPE turns a write to a closed pipe (dynlog view | head)
	// into an EPIPE error, which the commands end on quietly, rather than
	// a death by signal.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "help":
		if len(args) == 1 {
			fmt.Fprint(stdout, usage)
			return 0
		}
		if _, ok := commands[args[1]]; !ok {
			fmt.Fprintf(stderr, "dynlog help: unknown command %q (try dynlog --help)\n", args[1])
			return 2
		}
		args = []string{args[1], "--help"}
	}
	if cmd, ok := commands[args[0]]; ok {
		return cmd(args[1:], os.Stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "dynlog: unknown command %q (try dynlog --help)\n", args[0])
	return 2
}

// parseFlags parses a command's flags. On --help it prints the usage to
// stdout; on a mistake, one line to stderr. ok is false when the command
// should return code at once.
func parseFlags(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, usage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0, false
	}
	if err != nil {
		fmt.Fprintf(stderr, "dynlog %s: %v (try dynlog %s --help)\n", fs.Name(), err, fs.Name())
		return 2, false
	}
	return 0, true
}
