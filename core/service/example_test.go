package service_test

import (
	"context"
	"net/http"

	"github.com/dynlog/dynlog/core/service"
	"github.com/dynlog/dynlog/tracing"
)

// A service's main: the logger, its bridges, OTLP export as the OTEL_*
// variables say, and reloads on SIGHUP; Shutdown sends what is queued.
func ExampleInit() {
	log := service.Init()
	defer service.Shutdown(context.Background())
	http.Handle("/v1/chat/completions", tracing.Middleware(http.NotFoundHandler()))
	log.Info("serving")
}
