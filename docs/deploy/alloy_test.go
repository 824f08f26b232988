package deploy

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// An alloyBlock is a block of an Alloy file, NAME ["LABEL"] { … }, or the
// file itself (no name).
type alloyBlock struct {
	Name, Label string
	Line        int
	Attrs       map[string]string // attribute → its value as written, on one line
	Blocks      []*alloyBlock
}

var (
	alloyBlockOpen = regexp.MustCompile(`^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(?:\s+"(\w*)")?\s*\{$`)
	alloyAttr      = regexp.MustCompile(`^([A-Za-z_]\w*)\s*=\s*(\S.*)$`)
)

// readAlloy reads the blocks of an Alloy file as config.alloy writes them:
// one statement a line, a block's "{" at the end of its first line and its
// "}" on a line of its own, an attribute's value going on over lines while
// a bracket of it is open, // comments. That is a subset of Alloy's syntax
// (`alloy fmt` has the last word): what is outside it is an error, as are a
// string or a block left open, brackets that do not pair up, and an
// attribute given twice.
func readAlloy(src string) (*alloyBlock, error) {
	file := &alloyBlock{Attrs: map[string]string{}}
	stack := []*alloyBlock{file}
	var value []string // the lines so far of an attribute's value left open
	var open []byte    // its brackets still open
	var name string
	for i, line := range strings.Split(src, "\n") {
		n := i + 1
		t, err := alloyCode(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		top := stack[len(stack)-1]
		if value == nil {
			attr, block := alloyAttr.FindStringSubmatch(t), alloyBlockOpen.FindStringSubmatch(t)
			switch {
			case t == "":
				continue
			case t == "}" && top == file:
				return nil, fmt.Errorf("line %d: \"}\" closes no block", n)
			case t == "}":
				stack = stack[:len(stack)-1]
				continue
			case block != nil:
				b := &alloyBlock{Name: block[1], Label: block[2], Line: n, Attrs: map[string]string{}}
				top.Blocks = append(top.Blocks, b)
				stack = append(stack, b)
				continue
			case attr == nil:
				return nil, fmt.Errorf("line %d: %q is not an attribute, a block's first line or a block's closing brace", n, t)
			case top.Attrs[attr[1]] != "":
				return nil, fmt.Errorf("line %d: attribute %s given twice", n, attr[1])
			}
			name, t = attr[1], attr[2]
		}
		value = append(value, t)
		if open, err = alloyBrackets(open, t); err != nil {
			return nil, fmt.Errorf("line %d: %v", n, err)
		}
		if len(open) == 0 {
			top.Attrs[name] = strings.Join(value, " ")
			value = nil
		}
	}
	if value != nil {
		return nil, fmt.Errorf("the value of %s is not closed before the end of the file", name)
	}
	if b := stack[len(stack)-1]; b != file {
		return nil, fmt.Errorf("line %d: block %s is not closed", b.Line, b.Name)
	}
	return file, nil
}

// alloyCode returns line without its comment and the space around, once
// sure that each string on it ends there.
func alloyCode(line string) (string, error) {
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '"':
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' {
					i++
				}
			}
			if i >= len(line) {
				return "", fmt.Errorf("string not closed")
			}
		case strings.HasPrefix(line[i:], "//"):
			line = line[:i]
		}
	}
	return strings.TrimSpace(line), nil
}

// alloyBrackets returns the brackets still open after t, part of a value,
// given those open before it. A closing bracket must match the last one
// open, and an "=" outside brackets starts a second statement. Strings in t
// are skipped.
func alloyBrackets(open []byte, t string) ([]byte, error) {
	pair := map[byte]byte{')': '(', ']': '[', '}': '{'}
	for i := 0; i < len(t); i++ {
		switch c := t[i]; c {
		case '"':
			for i++; i < len(t) && t[i] != '"'; i++ {
				if t[i] == '\\' {
					i++
				}
			}
		case '=':
			if len(open) == 0 && (i+1 == len(t) || t[i+1] != '=') && (i == 0 || !strings.ContainsRune("=!<>", rune(t[i-1]))) {
				return nil, fmt.Errorf("one statement a line: a second one starts before %q", t[i:])
			}
		case '(', '[', '{':
			open = append(open, c)
		case ')', ']', '}':
			if len(open) == 0 || open[len(open)-1] != pair[c] {
				return nil, fmt.Errorf("%q closes no bracket of its own", c)
			}
			open = open[:len(open)-1]
		}
	}
	return open, nil
}

// find returns the blocks named name in b, at any depth.
func (b *alloyBlock) find(name string) []*alloyBlock {
	var found []*alloyBlock
	for _, c := range b.Blocks {
		if c.Name == name {
			found = append(found, c)
		}
		found = append(found, c.find(name)...)
	}
	return found
}

// alloyExports are the components the example may use, each with the
// export another component may refer to ("" for none).
var alloyExports = map[string]string{
	"discovery.kubernetes":   "targets",
	"discovery.relabel":      "output",
	"local.file_match":       "targets",
	"loki.source.kubernetes": "",
	"loki.source.file":       "",
	"loki.process":           "receiver",
	"loki.write":             "receiver",
}

// alloyRef is a reference COMPONENT.LABEL.EXPORT, looked for in a value
// whose strings are emptied (alloyStrings).
var alloyRef = regexp.MustCompile(`\b(?:discovery|local|loki)(?:\.\w+)+`)

var alloyStrings = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// alloyRefs returns the references in value, its strings left out.
func alloyRefs(value string) []string {
	return alloyRef.FindAllString(alloyStrings.ReplaceAllString(value, `""`), -1)
}

// alloyBad formats what is wrong with block b.
func alloyBad(b *alloyBlock, format string, args ...any) string {
	return fmt.Sprintf("line %d: %s: ", b.Line, b.Name) + fmt.Sprintf(format, args...)
}

// checkAlloyWiring returns what is wrong with the components of an Alloy
// file and their wiring, as every example here has them: only labelled
// components of alloyExports at the top, none twice, each reference naming
// a block of the file and its export, forward_to leading every source to
// loki.write, and stage.timestamp taking the line's own time.
func checkAlloyWiring(file *alloyBlock) []string {
	var errs []string
	for name := range file.Attrs {
		errs = append(errs, "top-level attribute "+name+": only component blocks belong there")
	}
	components := map[string]*alloyBlock{}
	for _, b := range file.Blocks {
		if _, ok := alloyExports[b.Name]; !ok || b.Label == "" {
			errs = append(errs, alloyBad(b, "not a known component with a label"))
		}
		if components[b.Name+"."+b.Label] != nil {
			errs = append(errs, alloyBad(b, "%s %q given twice", b.Name, b.Label))
		}
		components[b.Name+"."+b.Label] = b
	}
	var check func(b, in *alloyBlock)
	check = func(b, in *alloyBlock) {
		for _, v := range b.Attrs {
			for _, ref := range alloyRefs(v) {
				i := strings.LastIndex(ref, ".")
				target := components[ref[:i]]
				if target == nil || alloyExports[target.Name] != ref[i+1:] {
					errs = append(errs, alloyBad(in, "%s is no export of a component of the file", ref))
				}
			}
		}
		for _, c := range b.Blocks {
			check(c, in)
		}
	}
	for _, b := range file.Blocks {
		check(b, b)
	}
	var reachesLoki func(b *alloyBlock, depth int) bool
	reachesLoki = func(b *alloyBlock, depth int) bool {
		if b.Name == "loki.write" {
			return true
		}
		for _, ref := range alloyRefs(b.Attrs["forward_to"]) {
			if to := components[ref[:strings.LastIndex(ref, ".")]]; to != nil && depth < len(components) && reachesLoki(to, depth+1) {
				return true
			}
		}
		return false
	}
	sources := 0
	for _, b := range file.Blocks {
		if strings.HasPrefix(b.Name, "loki.source.") {
			sources++
			if !reachesLoki(b, 0) {
				errs = append(errs, alloyBad(b, "forward_to does not lead to a loki.write"))
			}
		}
	}
	if sources == 0 {
		errs = append(errs, "no loki.source component")
	}
	for _, b := range file.find("stage.timestamp") {
		if b.Attrs["source"] != `"time"` {
			errs = append(errs, alloyBad(b, "source = %s, want the line's \"time\"", b.Attrs["source"]))
		}
	}
	return errs
}

// checkAlloy returns what is wrong with config.alloy, the file that the
// deployment's other files rely on: its components and wiring
// (checkAlloyWiring), the keys of the JSON line it maps, the files it reads
// (the deployment's DYN_LOGGING_FILE) and the Loki it writes to (Grafana's).
func checkAlloy(t *testing.T, src string) []string {
	file, err := readAlloy(src)
	if err != nil {
		return []string{err.Error()}
	}
	errs := checkAlloyWiring(file)
	bad := func(b *alloyBlock, format string, args ...any) {
		errs = append(errs, alloyBad(b, format, args...))
	}

	// The mapping the example exists for: level, target and trace_id taken
	// from the JSON line and kept as structured metadata.
	for _, stage := range []struct{ block, attr string }{
		{"stage.json", "expressions"},
		{"stage.structured_metadata", "values"},
	} {
		blocks := file.find(stage.block)
		if len(blocks) != 1 {
			errs = append(errs, fmt.Sprintf("%d %s blocks, want 1", len(blocks), stage.block))
			continue
		}
		for _, key := range []string{"level", "target", "trace_id"} {
			if !regexp.MustCompile(`[{,]\s*` + key + `\s*=\s*"` + key + `"\s*[,}]`).MatchString(blocks[0].Attrs[stage.attr]) {
				bad(blocks[0], "%s does not map %s = %q", stage.attr, key, key)
			}
		}
	}

	// The ends: the files the deployment writes, the Loki Grafana reads.
	var logFiles []string
	for _, doc := range yamlDocs(t, "kubernetes/deployment.yaml") {
		containers, _ := dig(doc, "spec", "template", "spec", "containers").([]any)
		for i := range containers {
			env, _ := dig(containers, i, "env").([]any)
			for j := range env {
				if dig(env, j, "name") == "DYN_LOGGING_FILE" {
					logFiles = append(logFiles, fmt.Sprint(dig(env, j, "value")))
				}
			}
		}
	}
	if len(logFiles) == 0 {
		errs = append(errs, "kubernetes/deployment.yaml sets no DYN_LOGGING_FILE to check __path__ against")
	}
	globs := regexp.MustCompile(`"__path__"\s*=\s*"([^"]*)"`)
	for _, b := range file.find("local.file_match") {
		matches := globs.FindAllStringSubmatch(b.Attrs["path_targets"], -1)
		if len(matches) == 0 {
			bad(b, "path_targets sets no __path__")
		}
		for _, m := range matches {
			for _, f := range logFiles {
				if ok, _ := filepath.Match(m[1], f); !ok {
					bad(b, "__path__ %s does not match the deployment's DYN_LOGGING_FILE %s", m[1], f)
				}
			}
		}
	}
	var lokiURL string
	datasources, _ := yamlDocs(t, "grafana/datasources.yaml")[0]["datasources"].([]any)
	for i := range datasources {
		if dig(datasources, i, "type") == "loki" {
			lokiURL, _ = dig(datasources, i, "url").(string)
		}
	}
	grafana, _ := url.Parse(lokiURL)
	endpoints := file.find("endpoint")
	if len(endpoints) == 0 {
		errs = append(errs, "no loki.write endpoint")
	}
	for _, b := range endpoints {
		u, err := url.Parse(strings.Trim(b.Attrs["url"], `"`))
		if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Path != "/loki/api/v1/push" || grafana == nil || u.Host != grafana.Host {
			bad(b, "url %s is not the push API of Grafana's Loki (%s)", b.Attrs["url"], lokiURL)
		}
	}
	return errs
}

func TestAlloyConfig(t *testing.T) {
	testAlloyFile(t, "alloy/config.alloy", checkAlloy)
}

// TestAlloyConfigBroken: each copy of config.alloy broken in one way that
// matters is refused, with the reason.
func TestAlloyConfigBroken(t *testing.T) {
	testBrokenCopies(t, "alloy/config.alloy", checkAlloy, []brokenCopy{
		{"a block left open", "    url = \"http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push\"\n  }\n", "    url = \"http://loki-gateway.monitoring.svc.cluster.local/loki/api/v1/push\"\n", "block loki.write is not closed"},
		{"a brace too many", "  role = \"pod\"\n}\n", "  role = \"pod\"\n}\n}\n", `line 23: "}" closes no block`},
		{"a string left open", `regex         = "dynlog"`, `regex         = "dynlog`, "line 30: string not closed"},
		{"an object left open", "      x_request_id = \"x_request_id\",\n    }\n  }\n\n  // The line's own", "      x_request_id = \"x_request_id\",\n  }\n\n  // The line's own", "block loki.process is not closed"},
		{"brackets that do not pair", "forward_to = [loki.write.default.receiver]", "forward_to = [loki.write.default.receiver}", `'}' closes no bracket`},
		{"two statements on a line", "  role = \"pod\"\n", "  role = \"pod\" namespaces = []\n", "line 21: one statement a line"},
		{"an attribute twice", "  role = \"pod\"\n", "  role = \"pod\"\n  role = \"node\"\n", "attribute role given twice"},
		{"a component twice", `loki.source.file "files"`, `loki.source.kubernetes "pods"`, `loki.source.kubernetes "pods" given twice`},
		{"a misspelt component", `loki.source.file "files"`, `loki.source.files "files"`, "loki.source.files: not a known component"},
		{"a label missing", `loki.write "default"`, `loki.write`, "loki.write: not a known component with a label"},
		{"a reference to no block", "forward_to = [loki.write.default.receiver]", "forward_to = [loki.write.loki.receiver]", "loki.write.loki.receiver is no export"},
		{"a wrong export", "targets    = discovery.relabel.dynlog_pods.output", "targets    = discovery.relabel.dynlog_pods.targets", "discovery.relabel.dynlog_pods.targets is no export"},
		{"a source going nowhere", "  targets    = local.file_match.dynlog_files.targets\n  forward_to = [loki.process.dynlog.receiver]\n", "  targets    = local.file_match.dynlog_files.targets\n  forward_to = []\n", "loki.source.file: forward_to does not lead to a loki.write"},
		{"trace_id not kept", "      trace_id     = \"trace_id\",\n      span_id      = \"span_id\",\n      x_request_id = \"x_request_id\",\n    }\n  }\n\n  // level", "      span_id      = \"span_id\",\n      x_request_id = \"x_request_id\",\n    }\n  }\n\n  // level", `stage.structured_metadata: values does not map trace_id = "trace_id"`},
		{"level read from another key", `      level        = "level",
      target       = "target",
      message`, `      level        = "lvl",
      target       = "target",
      message`, `stage.json: expressions does not map level = "level"`},
		{"the time Alloy read the line", `source = "time"`, `source = "ts"`, `source = "ts", want the line's "time"`},
		{"files the deployment does not write", "/var/log/dynamo/*.log", "/var/log/dynlog/*.log", "does not match the deployment's DYN_LOGGING_FILE /var/log/dynamo/router.log"},
		{"not the push API", "/loki/api/v1/push", "/loki/api/v1/query", "is not the push API of Grafana's Loki"},
		{"another Loki", "http://loki-gateway.monitoring.svc", "http://loki.default.svc", "is not the push API of Grafana's Loki"},
	})
}

// testAlloyFile reports each thing check finds wrong with the Alloy file
// at path.
func testAlloyFile(t *testing.T, path string, check func(*testing.T, string) []string) {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range check(t, string(src)) {
		t.Errorf("%s: %s", path, e)
	}
}

// brokenCopy is the Alloy file with old replaced by new, once, which the
// check must refuse with an error that says want.
type brokenCopy struct{ name, old, new, want string }

// testBrokenCopies checks that check refuses each broken copy of the Alloy
// file at path, saying why.
func testBrokenCopies(t *testing.T, path string, check func(*testing.T, string) []string, copies []brokenCopy) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	src := string(data)
	for _, tc := range copies {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Count(src, tc.old) != 1 {
				t.Fatalf("%s holds %q %d times, want once", path, tc.old, strings.Count(src, tc.old))
			}
			errs := check(t, strings.Replace(src, tc.old, tc.new, 1))
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tc.want) }) {
				t.Errorf("errors %q, want one saying %q", errs, tc.want)
			}
		})
	}
}
