# dynlog's build. `make test` is what CI runs (.ci/run) and what README tells
# a new user to run.

GO          ?= go
BIN         := $(CURDIR)/.bin
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHCOUNT  ?= 5
FUZZTIME    ?= 30s
OCB         := go.opentelemetry.io/collector/cmd/builder@v0.165.0
COLLECTOR   := $(BIN)/otelcol-dynlog-e2e/otelcol-dynlog-e2e
VICTORIALOGS := $(BIN)/victoria-logs
JAEGER      := $(BIN)/jaeger

.PHONY: build test bench bench-peers binsize lint cover fuzz e2e clean

build:
	$(GO) build ./...

# Vet, then every test under the race detector, the peer suite's module's
# too (its tests check that every peer does the same work). Fuzz targets run
# their seed corpus here; `make fuzz` explores further. Then, without the
# race detector, what it would slow or hide at full size: the memory bounds
# of the once-only cache, and two loggers sharing one rotated file with
# 8 x 100,000 lines (8 x 50,000 under -race).
test:
	$(GO) vet ./...
	$(GO) test -race ./...
	$(GO) test -count 1 -run '^TestMemoryBound' ./dedup/
	$(GO) test -count 1 -run '^TestNewSharesAFile$$' ./core/
	cd internal/benchmarks && $(GO) vet . && $(GO) test -race .

# Our encoders, filter and tracing beside zap's and OpenTelemetry's own, and
# the peer suite (below), in one run; the tables with the ratios land in
# BENCHMARKS.md. The run is BENCHCOUNT rounds of every benchmark once (not
# -count, which runs each benchmark BENCHCOUNT times in a row), so that a
# benchmark and its baseline are measured side by side in every round and a
# shared machine's drift over minutes weighs on both alike. Every target is
# a ratio of this run (the median of the ratios within each round), never a
# bound in ns (a machine's speed changes from day to day); benchreport
# fails, after writing the file, when one is not met.
BENCHPKGS := ./encoder/ ./filter/ ./tracing/ ./tracing/calltrace/ ./dedup/ ./core/ ./core/output/
bench:
	@rm -f bench.out
	@for i in $$(seq $(BENCHCOUNT)); do \
		echo "make bench: round $$i of $(BENCHCOUNT)"; \
		$(GO) test -run '^$$' -bench . -benchmem -count 1 $(BENCHPKGS) > bench.round || { cat bench.round; rm -f bench.round; exit 1; }; \
		(cd internal/benchmarks && $(GO) test -run '^$$' -bench . -benchmem -count 1 .) >> bench.round || { cat bench.round; rm -f bench.round; exit 1; }; \
		tee -a bench.out < bench.round; \
	done; rm -f bench.round
	$(GO) run ./internal/tools/benchreport -o BENCHMARKS.md < bench.out

# dynlog beside zap, zap's sugar, zerolog, slog and logrus, from
# internal/benchmarks, a module of its own so the peers stay out of go.mod,
# in BENCHCOUNT rounds as make bench runs them; the table lands in
# BENCHMARKS.md's peers section, the rest stays as is. It fails, after
# writing the file, when one of the peers' targets is not met: in every
# scenario that prints, dynlog-jsonl at most 1.0x zap with the caller, one
# goroutine and RunParallel; Static at most 0.6x zap; TenFields at most
# 1.3x zerolog; the disabled calls at most 1.1x zap's Logger over a no-op
# core.
bench-peers:
	@rm -f bench-peers.out
	@for i in $$(seq $(BENCHCOUNT)); do \
		echo "make bench-peers: round $$i of $(BENCHCOUNT)"; \
		(cd internal/benchmarks && $(GO) test -run '^$$' -bench . -benchmem -count 1 .) > bench-peers.round || { cat bench-peers.round; rm -f bench-peers.round; exit 1; }; \
		tee -a bench-peers.out < bench-peers.round; \
	done; rm -f bench-peers.round
	$(GO) run ./internal/tools/benchreport -peers -o BENCHMARKS.md < bench-peers.out

# The size of four hello-world programs (internal/tools/binsize): one that
# calls only core.New, one core.Init, one core/service's Init (OTLP export
# and the gRPC bridge), one that traces with package tracing alone; each
# built with plain go build and with -trimpath -ldflags='-s -w', beside the
# fixed figures of commit e8e46c9, before tracing's split. The
# table lands in BENCHMARKS.md's binary-size section, the rest stays as is.
binsize:
	GO=$(GO) $(GO) run ./internal/tools/benchreport -binsize -o BENCHMARKS.md

# staticcheck (pinned; its checks in staticcheck.conf), then what a
# maintained module keeps true: gofmt has nothing to change (outside .bin/,
# where the collector builder writes the sources it generates), go mod tidy
# would change neither go.mod nor go.sum (of this module and of the peers'
# benchmark module), and no file sends the reader to a document the
# repository does not have, nor an issue of the tracker. The modules of `make e2e`'s stores
# (internal/e2e/tools) are checked by `make e2e` itself (lint-e2e): their
# tidy check downloads the stores' whole module graphs, minutes on a fresh
# machine, which CI's `make lint` should not pay for code it does not build.
lint:
	GOBIN=$(BIN) $(GO) install $(STATICCHECK)
	$(BIN)/staticcheck ./...
	@unformatted="$$(find . -path ./.bin -prune -o -name '*.go' -print | xargs gofmt -l)"; if [ -n "$$unformatted" ]; then \
		echo "gofmt would change these files (run gofmt -w):"; echo "$$unformatted"; exit 1; fi
	$(GO) mod tidy -diff
	cd internal/benchmarks && $(GO) mod tidy -diff
	@if git grep -n -I -e 'DESIG[N]' -e '\.\./shar[e]d' -- . ':!CHANGELOG.md'; then \
		echo "the lines above cite a document outside the repository; say it in the repository's own docs"; exit 1; fi
	@if git grep -n -I -i -e 'issue [0-9]' -e 'issue #[0-9]' -- . ':!Makefile'; then \
		echo "the lines above name an issue of the tracker, which a reader of the repository cannot see; say what is meant"; exit 1; fi

# Statement coverage of every package, one line each, and the total.
cover:
	$(GO) test -count 1 -coverprofile=cover.out ./...
	$(GO) tool cover -func=cover.out | tail -1

fuzz:
	for target in FuzzJSONL FuzzReadable FuzzVLLM; do \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./encoder/ || exit 1; \
	done
	for target in FuzzReader FuzzDecode; do \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./cmd/dynlog/internal/logfile/ || exit 1; \
	done
	for target in FuzzValidateLine FuzzViewSafe FuzzServeLine; do \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./cmd/dynlog/ || exit 1; \
	done
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./filter/
	$(GO) test -run '^$$' -fuzz '^FuzzHandlerPUT$$' -fuzztime $(FUZZTIME) ./filter/
	$(GO) test -run '^$$' -fuzz '^FuzzPropagation$$' -fuzztime $(FUZZTIME) ./tracing/
	$(GO) test -run '^$$' -fuzz '^FuzzWaterfall$$' -fuzztime $(FUZZTIME) ./cmd/dynlog/internal/waterfall/
	$(GO) test -run '^$$' -fuzz '^FuzzCut$$' -fuzztime $(FUZZTIME) ./internal/outside/
	$(GO) test -run '^$$' -fuzz '^FuzzNewTOML$$' -fuzztime $(FUZZTIME) ./core/
	$(GO) test -run '^$$' -fuzz '^FuzzNewEnv$$' -fuzztime $(FUZZTIME) ./core/
	$(GO) test -run '^$$' -fuzz '^FuzzNewVLLMEnv$$' -fuzztime $(FUZZTIME) ./core/

# The end-to-end tests, not part of `make test` (internal/e2e/run.sh):
# three traced services export over OTLP (gRPC, then HTTP) to a real
# OpenTelemetry Collector, whose spans must carry the IDs the services
# logged; then three service processes write JSONL files, which a second
# collector (docs/deploy/otelcol/victorialogs-jaeger.yaml) tails into
# VictoriaLogs while their spans go to Jaeger (docs/deploy/jaeger/config.yaml),
# and a request's lines, spans and `dynlog trace` waterfall must agree
# across the stores. Needs the Go module proxy; the first run builds the
# three programs into .bin/ (about 15 minutes on two cores, see README),
# later runs reuse them.
e2e: lint-e2e e2e-browser $(COLLECTOR) $(VICTORIALOGS) $(JAEGER)
	GO=$(GO) bash internal/e2e/run.sh $(COLLECTOR) $(VICTORIALOGS) $(JAEGER)

# dynlog serve's page in Debian's chromium, headless, driven over the
# DevTools protocol (cmd/dynlog/serve_browser_test.go): load two services'
# lines, filter with a directive, open a waterfall and check its rows are
# dynlog trace --json's, check that log text made of markup and script runs
# nothing. chromium is installed with apt-get when missing (CHROMIUM names
# another binary); the screenshots land under .bin/e2e-browser/.
.PHONY: e2e-browser
e2e-browser:
	@command -v $${CHROMIUM:-chromium} >/dev/null || { \
		echo "make e2e-browser: installing Debian's chromium"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y --no-install-recommends chromium; }
	mkdir -p $(BIN)/e2e-browser
	$(GO) test -tags browser -count 1 -run '^TestServeInBrowser' -artifacts -outputdir $(BIN)/e2e-browser -v ./cmd/dynlog/

# go mod tidy would change neither go.mod nor go.sum of the stores' modules.
.PHONY: lint-e2e
lint-e2e:
	cd internal/e2e/tools/victorialogs && GOWORK=off $(GO) mod tidy -diff
	cd internal/e2e/tools/jaeger && GOWORK=off $(GO) mod tidy -diff

# ocb, pinned, builds the collector as a module of its own under .bin/ (see
# internal/e2e/collector/builder.yaml), never touching this module. GOFLAGS=-e:
# the builder runs `go mod tidy`, which also loads the tests of the file
# exporter, and the module proxy may not serve every module only those
# tests import; -e lets tidy go on without them.
# -buildvcs=false: .bin/ is inside this repository, whose revision says
# nothing about the collector. GOWORK=off: no go.work of the user's applies.
$(COLLECTOR): internal/e2e/collector/builder.yaml
	GOBIN=$(BIN) $(GO) install $(OCB)
	GOWORK=off GOFLAGS="-e -buildvcs=false" $(BIN)/builder --config internal/e2e/collector/builder.yaml

# VictoriaLogs and Jaeger v2, each pinned as a tool of a module of its own
# (internal/e2e/tools/*/go.mod, `go get -tool`), so that neither their
# dependencies nor each other's reach this module's go.mod.
$(VICTORIALOGS): internal/e2e/tools/victorialogs/go.mod internal/e2e/tools/victorialogs/go.sum
	cd internal/e2e/tools/victorialogs && GOWORK=off $(GO) build -buildvcs=false -o $@ github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs

$(JAEGER): internal/e2e/tools/jaeger/go.mod internal/e2e/tools/jaeger/go.sum
	cd internal/e2e/tools/jaeger && GOWORK=off $(GO) build -buildvcs=false -o $@ github.com/jaegertracing/jaeger/cmd/jaeger

clean:
	rm -rf $(BIN) bench.out bench.round bench-peers.out bench-peers.round bench-cli.out cover.out

# dynlog validate against jq empty on one generated 1,000,000-line file
# (goal: at least 2x faster); not part of make test.
.PHONY: validate-speed
validate-speed:
	$(GO) test -tags speed ./cmd/dynlog -run '^TestValidateSpeed$$' -count 1 -v

# dynlog validate, view and trace beside jq on one generated 1 GB JSONL
# file (DYNLOG_CLI_MB to change it; view beside jq -r on the first
# DYNLOG_CLI_JQ_MB, 100 MB), with their peak memory; the figures
# land in BENCHMARKS.md's command-line section, the rest stays as is. Not
# part of make test: it takes several minutes and needs jq and
# /usr/bin/time (apt-get install jq time).
.PHONY: bench-cli
bench-cli:
	$(GO) test -tags speed ./cmd/dynlog -run '^TestCLISpeed$$' -count 1 -v -timeout 60m | tee bench-cli.out
	$(GO) run ./internal/tools/benchreport -cli -o BENCHMARKS.md < bench-cli.out

# dynlog serve on one generated 1 GB JSONL file (DYNLOG_CLI_MB to change
# it): the time to its first page of lines, to a filtered page, a trace's
# page and waterfall, and its resident memory. Not part of make test.
.PHONY: serve-speed
serve-speed:
	$(GO) test -tags speed ./cmd/dynlog -run '^TestServeSpeed$$' -count 1 -v -timeout 30m

# 50 MB of random bytes, and records with random strings, through dynlog
# view in both layouts: no terminal control from the input in the output
#(make test sends 2 MB and runs FuzzViewSafe's seeds).
.PHONY: view-safety
view-safety:
	$(GO) test -tags speed ./cmd/dynlog -run '^TestViewSafety50MB$$' -count 1 -v
