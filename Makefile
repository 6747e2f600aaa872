# onec-connect developer commands. `make test` is what CI runs (via .ci/run).

GO                  ?= go
STATICCHECK_VERSION := v0.7.0
TESTFLAGS           ?=
BIN                 := bin

.PHONY: test bench bench-sources lint build demo cross

## test: go vet, the cross-builds, then every test (needs PostgreSQL binaries; see
##       scripts/ensure-postgres.sh). The tests include a bounded run of the demo.
test: cross
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m $(TESTFLAGS) ./...

## cross: the worker binary for windows/amd64 and linux/arm64 (CGO off; linux/amd64 is the
##        native build the tests compile; scripts/cross-build.sh with no argument builds all three),
##        and go vet of the Windows service code
cross:
	GO=$(GO) scripts/cross-build.sh windows/amd64 linux/arm64

## bench: every benchmark, no tests
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(TESTFLAGS) ./...

## bench-sources: the 1C source connectors against the physical limit (queue register, table snapshot)
bench-sources:
	$(GO) test -run '^$$' -bench 'QueueSource$$|TableSnapshot' -benchtime 1x -timeout 60m ./bench/queuesource/ ./bench/tablesource/

## lint: gofmt (fails on unformatted files), go vet, staticcheck
lint:
	@unformatted="$$(gofmt -l .)"; \
	if [ -n "$$unformatted" ]; then \
		echo "gofmt: these files need formatting (run gofmt -w):"; \
		echo "$$unformatted"; \
		exit 1; \
	fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) ./...

## build: the worker binary into bin/
build:
	$(GO) build -o $(BIN)/worker ./cmd/worker

## demo: the quick start: build bin/worker, make sure PostgreSQL's server binaries are there
##       (installs Debian's postgresql as root or with sudo, else prints the command and exits 2),
##       then run it: worker dev, two 1C infobases, three connectors, a live summary.
##       Ctrl-C stops everything and removes the temporary data. DEMO_SECONDS=N runs N seconds
##       of changes, then checks that records reached every topic and the branch infobase.
demo: build
	@scripts/ensure-postgres.sh --local
	$(BIN)/worker demo --worker-bin $(BIN)/worker
