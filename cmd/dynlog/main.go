// Command dynlog is dynlog's command-line companion. Today it prints what
// the three layouts look like; the three-service traced demo, the JSONL
// viewer, the validator and the span waterfall come in later releases.
package main

import (
	"fmt"
	"io"
	"os"
)

const usage = `dynlog: logs that read, parse and correlate like NVIDIA Dynamo's and vLLM's.

Usage:
  dynlog demo        print sample lines in the Dynamo readable, Dynamo JSONL
                     and vLLM layouts (the traced three-service demo is not
                     yet available)
  dynlog validate    not yet available
  dynlog view        not yet available
  dynlog trace       not yet available
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
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the process: it returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	if cmd, ok := commands[args[0]]; ok {
		return cmd(args[1:], os.Stdin, stdout, stderr)
	}
	fmt.Fprintf(stderr, "dynlog: unknown command %q (try dynlog --help)\n", args[0])
	return 2
}
