// Package link is how package core reaches what it does not link itself:
// the OTLP export and the gRPC bridge of package core/service, which
// registers them when a program imports it. core asks Linked, and when
// nothing is registered and the configuration asks for export, says so
// instead of exporting.
package link

import (
	"sync/atomic"

	"go.uber.org/zap"
)

// Service is what package core/service registers.
type Service struct {
	// RedirectGRPC makes a logger gRPC's (core/bridge.RedirectGRPC).
	RedirectGRPC func(*zap.Logger) (restore func())
}

// linked is what the program linked: set by core/service's init, before
// main runs, and never changed after. It is process-wide because linking is.
var linked atomic.Pointer[Service]

// Register records s as what the program linked.
func Register(s *Service) { linked.Store(s) }

// Linked is what Register recorded; nil when the program does not import
// core/service.
func Linked() *Service { return linked.Load() }
