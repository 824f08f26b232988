// Package deploy holds the deployment examples of docs/deploy (Grafana
// Alloy, the OpenTelemetry Collector, Grafana data sources, Kubernetes) and
// the test that `make test` runs on them. The test checks what it can
// without the tools themselves: every YAML file parses, the Kubernetes env
// names are variables dynlog reads (as docs/migration.md lists them, which
// in turn must list every variable the code reads), the Grafana links point
// at data sources that exist, the Collector pipelines name components that
// are configured, and the Alloy file parses (with a parser written from
// Alloy's documented grammar, in alloy_syntax_test.go), uses known
// components, and every reference to another component resolves. Alloy's
// own parser is not used (`alloy fmt` remains the authority); `make e2e`
// validates the Collector file with a real Collector.
package deploy
