// Package dynlogtest builds loggers for tests, in the manner of zap's
// zaptest and zaptest/observer: fixed clock, no environment, one call.
//
// [NewLogger] writes a test's lines to t.Log in any of dynlog's layouts, as
// a service configured with DYN_LOG=trace would print them, at a fixed
// time ([Time]):
//
//	log := dynlogtest.NewLogger(t)                              // readable
//	log := dynlogtest.NewLogger(t, dynlogtest.WithLayout(dynlogtest.JSONL))
//	slg := dynlogtest.NewSlog(t, dynlogtest.WithDynLog("info,app=debug"))
//
// [NewRecorder] keeps the lines as Dynamo JSONL records instead, to assert
// on:
//
//	rec := dynlogtest.NewRecorder(t)
//	serve(rec.Logger())
//	got := rec.All().FilterTarget("app::router").FilterLevel("WARN")
//	if got.Len() != 1 || got[0].Fields["model"] != "llama" { … }
//
// Nothing is read from the process: the variables are those the options
// give ([WithDynLog], [WithEnv]), no TOML file is read, times are in UTC.
package dynlogtest
