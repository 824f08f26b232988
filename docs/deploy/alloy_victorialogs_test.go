package deploy

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// checkAlloyVictoriaLogs returns what is wrong with victorialogs.alloy:
// its components and wiring (checkAlloyWiring), with one file source and
// one receiver in each forward_to, the files it reads (those the collector
// variant tails, otelcol/victorialogs-jaeger.yaml) and the endpoint it
// pushes to (VictoriaLogs' Loki push API, with the message as _msg).
func checkAlloyVictoriaLogs(t *testing.T, src string) []string {
	file, err := readAlloy(src)
	if err != nil {
		return []string{err.Error()}
	}
	errs := checkAlloyWiring(file)
	bad := func(b *alloyBlock, format string, args ...any) {
		errs = append(errs, alloyBad(b, format, args...))
	}
	if sources := file.find("loki.source.file"); len(sources) != 1 {
		errs = append(errs, fmt.Sprintf("%d loki.source.file blocks, want 1", len(sources)))
	}
	for _, b := range file.Blocks {
		if fwd, ok := b.Attrs["forward_to"]; ok && len(alloyRefs(fwd)) != 1 {
			bad(b, "forward_to = %s, want one receiver", fwd)
		}
	}

	// The files: the ones the collector variant tails by default.
	include, _ := dig(yamlDocs(t, "otelcol/victorialogs-jaeger.yaml")[0], "receivers", "file_log/dynlog", "include", 0).(string)
	m := regexp.MustCompile(`^\$\{env:\w+:-(.*)\}$`).FindStringSubmatch(include)
	if m == nil {
		errs = append(errs, fmt.Sprintf("otelcol/victorialogs-jaeger.yaml: include %q is not ${env:VAR:-GLOB}", include))
	}
	for _, b := range file.find("local.file_match") {
		if m != nil && !strings.Contains(b.Attrs["path_targets"], `"__path__" = "`+m[1]+`"`) {
			bad(b, "path_targets = %s, want __path__ %q as the collector variant tails", b.Attrs["path_targets"], m[1])
		}
	}

	// The endpoint: VictoriaLogs' Loki push API, the message as _msg.
	endpoints := file.find("endpoint")
	if len(endpoints) != 1 {
		errs = append(errs, fmt.Sprintf("%d endpoint blocks, want 1", len(endpoints)))
	}
	for _, b := range endpoints {
		u, err := url.Parse(strings.Trim(b.Attrs["url"], `"`))
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Path != "/insert/loki/api/v1/push" || u.Query().Get("_msg_field") != "message" {
			bad(b, "url %s is not VictoriaLogs' Loki push API with _msg_field=message", b.Attrs["url"])
		}
	}
	return errs
}

func TestAlloyVictoriaLogs(t *testing.T) {
	testAlloyFile(t, "alloy/victorialogs.alloy", checkAlloyVictoriaLogs)
}

// TestAlloyVictoriaLogsBroken: each copy of victorialogs.alloy broken in
// one way that matters is refused.
func TestAlloyVictoriaLogsBroken(t *testing.T) {
	testBrokenCopies(t, "alloy/victorialogs.alloy", checkAlloyVictoriaLogs, []brokenCopy{
		{"not the Loki push API of VictoriaLogs", "/insert/loki/api/v1/push", "/loki/api/v1/push", "not VictoriaLogs' Loki push API"},
		{"no _msg_field", "?_msg_field=message", "", "not VictoriaLogs' Loki push API"},
		{"a source going nowhere", "forward_to = [loki.write.victorialogs.receiver]", "forward_to = []", "does not lead to a loki.write"},
		{"a reference to no block", "loki.process.dynlog.receiver", "loki.process.other.receiver", "no export of a component"},
		{"the time Alloy read the line", `source = "time"`, `source = "ts"`, `want the line's "time"`},
		{"files the collector variant does not tail", "/var/log/dynamo/*.jsonl", "/var/log/dynamo/*.log", "as the collector variant tails"},
	})
}
