// Command helloinit is a service's smallest start with package core alone:
// core.Init, one line, core.Shutdown. `make binsize` builds it to measure
// what Init costs without OTLP export and the gRPC bridge; it is not
// shipped.
package main

import (
	"context"

	"github.com/dynlog/dynlog/core"
)

func main() {
	log := core.Init()
	defer core.Shutdown(context.Background())
	log.Info("hello")
}
