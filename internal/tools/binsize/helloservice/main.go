// Command helloservice is helloinit with OTLP export and the gRPC bridge:
// service.Init, one line, service.Shutdown. `make binsize` builds it to
// measure what they cost; it is not shipped.
package main

import (
	"context"

	"github.com/dynlog/dynlog/core/service"
)

func main() {
	log := service.Init()
	defer service.Shutdown(context.Background())
	log.Info("hello")
}
