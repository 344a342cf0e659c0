# csirt-survey: `make all` rebuilds every dataset and report, `make test` runs every check.
# Both work on a fresh machine with Go and Node.js: they fetch Go modules and the npm
# packages of the test readers themselves.

GO       ?= go
NPM      ?= npm
DUCKDB_DIR := pipeline/internal/duckdbtest/testdata/node
DUCKDB_STAMP := $(DUCKDB_DIR)/node_modules/.package-lock.json
FUZZTIME ?= 5s

.PHONY: all build test check-fmt vet unit fuzz bench deps clean-deps

all: build

## build: rebuild processed/ and reports/ from schemas/ and raw/
build:
	$(GO) run ./cmd/csirtsurvey build

## test: formatting, vet, the whole test suite (with the DuckDB reader) and a short fuzz run
test: deps check-fmt vet unit fuzz

deps: $(DUCKDB_STAMP)
	$(GO) mod download

# npm ci installs exactly what package-lock.json pins; it reruns only when the lockfile changes.
$(DUCKDB_STAMP): $(DUCKDB_DIR)/package-lock.json $(DUCKDB_DIR)/package.json
	$(NPM) ci --prefix $(DUCKDB_DIR) --ignore-scripts --no-audit --no-fund
	@touch $@

check-fmt:
	@out=$$(gofmt -l cmd pipeline); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

## fuzz: run every fuzz target of every package for FUZZTIME (the seed corpora also run in `unit`)
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=200x $$pkg | tail -1; \
	  done; \
	done

## bench: benchmarks; results are recorded in README.md
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=5 ./pipeline/...

clean-deps:
	rm -rf $(DUCKDB_DIR)/node_modules
