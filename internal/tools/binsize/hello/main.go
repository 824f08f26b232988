// Command hello is the smallest program a user of dynlog writes: one
// logger from core.New, one line. `make binsize` builds it to measure what
// importing core costs in binary size; it is not shipped.
package main

import (
	"github.com/dynlog/dynlog/core"
)

func main() {
	log, err := core.New()
	if err != nil {
		panic(err)
	}
	defer log.Sync()
	log.Info("hello")
}
