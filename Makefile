# csirt-survey: `make all` rebuilds every dataset and report, `make test` runs every check.
# Both work on a fresh machine with Go and Node.js: they fetch Go modules and the npm
# packages of the test readers themselves.

GO       ?= go
NPM      ?= npm
DUCKDB_DIR := pipeline/internal/duckdbtest/testdata/node
DUCKDB_STAMP := $(DUCKDB_DIR)/node_modules/.package-lock.json
# puppeteer-core drives Debian's Chromium in pipeline/assess's browser test (it downloads no browser)
ASSESS_DIR   := pipeline/assess/testdata/node
ASSESS_STAMP := $(ASSESS_DIR)/node_modules/.package-lock.json
FUZZTIME ?= 5s

.PHONY: all build test check-fmt vet unit fuzz bench deps clean-deps

all: build

## build: rebuild processed/ and reports/ from schemas/ and raw/ (the charts need python3: installed when missing)
build: deps-build
	$(GO) run ./cmd/csirtsurvey build

# deps-build: what the build itself runs besides Go: python3 (standard library only) draws the charts
# (pipeline/report/charts.py); apt-get runs only when it is missing.
.PHONY: deps-build
deps-build:
	@command -v python3 >/dev/null 2>&1 || { echo "apt-get install python3"; apt-get update && apt-get install -y --no-install-recommends python3; }

## test: formatting, vet, the whole test suite (with the DuckDB reader) and a short fuzz run
test: deps check-fmt vet unit years fuzz

deps: deps-build deps-debian $(DUCKDB_STAMP) $(ASSESS_STAMP)
	$(GO) mod download

# deps-debian: the Debian packages the report tests run (Jupyter's nbformat and nbconvert, openpyxl to read
# the workbooks back as Excel users' tools do, headless Chromium,
# and a Japanese font for its screenshots); apt-get runs only when one is missing.
DEBIAN_PKGS := python3-nbformat python3-pandas jupyter-nbconvert python3-openpyxl chromium fonts-noto-cjk
.PHONY: deps-debian
deps-debian:
	@missing=""; for p in $(DEBIAN_PKGS); do \
	  dpkg -s $$p 2>/dev/null | grep -q '^Status: install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install$$missing"; \
	  apt-get update && apt-get install -y --no-install-recommends $$missing; \
	fi

# npm ci installs exactly what package-lock.json pins; it reruns only when the lockfile changes.
$(DUCKDB_STAMP): $(DUCKDB_DIR)/package-lock.json $(DUCKDB_DIR)/package.json
	$(NPM) ci --prefix $(DUCKDB_DIR) --ignore-scripts --no-audit --no-fund
	@touch $@

$(ASSESS_STAMP): $(ASSESS_DIR)/package-lock.json $(ASSESS_DIR)/package.json
	$(NPM) ci --prefix $(ASSESS_DIR) --ignore-scripts --no-audit --no-fund
	@touch $@

check-fmt:
	@out=$$(gofmt -l cmd pipeline); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...
	# the build's sinks and ingest's workers run concurrently: check them with the race detector
	$(GO) test -race -count=1 -run 'TestFictionalYear|TestBadResponsesLeaveOutputsIntact' ./pipeline/build
	$(GO) test -race -count=1 ./pipeline/ingest ./pipeline/columnar

## years: a copy of the repository with two more years added the README's way (scaffold, edit, make all)
## passes the whole test suite: adding a year must never break make test
.PHONY: years
years:
	CSIRT_SURVEY_YEARS_TEST=1 $(GO) test -count=1 -timeout=45m -run '^TestRepositoryWithExtraYears$$' ./cmd/csirtsurvey

## fuzz: run every fuzz target of every package for FUZZTIME (the seed corpora also run in `unit`)
fuzz:
	@set -e; for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
	    echo "fuzz $$pkg $$target ($(FUZZTIME))"; \
	    out=$$($(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) -fuzzminimizetime=200x $$pkg 2>&1) \
	      || { echo "$$out"; exit 1; }; echo "$$out" | tail -1; \
	  done; \
	done

# make bench: the Go micro-benchmarks, then our pipeline against DuckDB on 100k and 1M synthetic
# respondents (generated once, cached outside the repository). BENCH_MD=BENCHMARKS.md records the
# comparison in that file; the other variables change sizes, seed, runs and cache directory.
BENCH_SIZES ?= 100000,1000000
BENCH_SEED  ?= 1
BENCH_RUNS  ?= 3
BENCH_CACHE ?= $${XDG_CACHE_HOME:-$$HOME/.cache}/csirt-survey-bench
BENCH_MD    ?=

## bench: Go micro-benchmarks, then ours vs DuckDB (wall time, peak RSS, `ratio <ours/duckdb>` for the largest size)
bench: $(DUCKDB_STAMP)
	$(GO) test -run='^$$' -bench=. -benchmem -count=1 ./pipeline/...
	$(GO) run ./pipeline/internal/bench -sizes $(BENCH_SIZES) -seed $(BENCH_SEED) -runs $(BENCH_RUNS) \
	  -cache "$(BENCH_CACHE)" $(if $(BENCH_MD),-md $(BENCH_MD))

clean-deps:
	rm -rf $(DUCKDB_DIR)/node_modules $(ASSESS_DIR)/node_modules
