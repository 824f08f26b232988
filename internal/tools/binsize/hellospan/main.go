// Command hellospan is the smallest program that traces with dynlog
// without package core: a zap logger, one span from tracing.Start, one
// line with tracing.Ctx. `make binsize` builds it to measure what importing
// tracing costs in binary size; it is not shipped.
package main

import (
	"context"

	"github.com/dynlog/dynlog/tracing"
	"go.uber.org/zap"
)

func main() {
	log, err := zap.NewProduction()
	if err != nil {
		panic(err)
	}
	defer log.Sync()
	ctx, span := tracing.Start(context.Background(), "hello")
	log.Info("hello", tracing.Ctx(ctx))
	span.End()
}
