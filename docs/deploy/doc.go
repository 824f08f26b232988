// Package deploy holds the deployment examples of docs/deploy (Grafana
// Alloy, the OpenTelemetry Collector, Grafana data sources, Kubernetes;
// VictoriaLogs and Jaeger as the stores, see at-scale.md) and
// the test that `make test` runs on them. The test checks what it can
// without the tools themselves: every YAML file parses, the Kubernetes env
// names are variables dynlog reads (as docs/migration.md lists them, which
// in turn must list every variable the code reads), the Grafana links point
// at data sources that exist, the Collector pipelines name components that
// are configured, and the Alloy file holds together where the deployment
// relies on it (alloy_test.go): its blocks and brackets close, its
// components are known and each reference names a block of the file, every
// source forwards to Loki, the JSON line's level, target and trace_id are
// kept as structured metadata, the files it reads are the ones the
// Kubernetes example writes, and it pushes to the Loki Grafana reads. That
// test reads the subset of Alloy's syntax the file is written in, not the
// whole grammar: `alloy fmt` remains the authority on syntax. The Alloy
// file for VictoriaLogs gets the same kind of check
// (alloy_victorialogs_test.go): wiring, the files the collector variant
// tails, VictoriaLogs' Loki push endpoint. `make e2e` validates the
// Collector file for Tempo with a real Collector, and runs the collector
// and Jaeger files for VictoriaLogs and Jaeger against the real stores.
package deploy
