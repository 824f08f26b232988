# dynlog's build. `make test` is what CI runs (.ci/run) and what README tells
# a new user to run.

GO          ?= go
BIN         := $(CURDIR)/.bin
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHCOUNT  ?= 5
FUZZTIME    ?= 30s

.PHONY: build test bench lint fuzz clean

build:
	$(GO) build ./...

# Vet, then every test under the race detector. Fuzz targets run their seed
# corpus here; `make fuzz` explores further.
test:
	$(GO) vet ./...
	$(GO) test -race ./...

# Our encoders and filter beside zap's own, in one run; the tables with the
# ratios against zap lands in BENCHMARKS.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCHCOUNT) ./encoder/ ./filter/ | tee bench.out
	$(GO) run ./internal/tools/benchreport -o BENCHMARKS.md < bench.out

lint:
	GOBIN=$(BIN) $(GO) install $(STATICCHECK)
	$(BIN)/staticcheck ./...

fuzz:
	for target in FuzzJSONL FuzzReadable FuzzVLLM; do \
		$(GO) test -run '^$$' -fuzz "^$$target$$" -fuzztime $(FUZZTIME) ./encoder/ || exit 1; \
	done

clean:
	rm -rf $(BIN) bench.out
