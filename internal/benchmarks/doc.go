// Package benchmarks holds the peer suite: dynlog's loggers beside
// zap, zap's sugared logger, zerolog, log/slog's JSON handler and logrus, in
// zap's benchmark scenarios (peers_bench_test.go), and the slog suite: the
// same slog calls through zap's zapslog handler and dynlog's
// core.NewSlogHandler, and a line through the context logger (tracing.Logger)
// beside one given tracing.Ctx (context_bench_test.go). It is a module of its own
// so that the peers stay out of dynlog's go.mod, as log/slog keeps its own
// benchmarks apart. Run it with `make bench-peers` (or `make bench`), which
// writes the tables into BENCHMARKS.md and fails when a target is not met.
package benchmarks
