# onec-connect developer commands. `make test` is what CI runs (via .ci/run).

GO                  ?= go
STATICCHECK_VERSION := v0.7.0
TESTFLAGS           ?=
BIN                 := bin

.PHONY: test bench lint build demo

## test: go vet, then every test (needs PostgreSQL binaries; see scripts/ensure-postgres.sh)
test:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m $(TESTFLAGS) ./...

## bench: every benchmark, no tests
bench:
	$(GO) test -run '^$$' -bench . -benchmem $(TESTFLAGS) ./...

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

## demo: the quick start (not yet available)
demo:
	@echo "make demo: not available yet. It will be provided by issue #9" >&2
	@echo "'Quick start on an embedded default' (worker dev: embedded broker," >&2
	@echo "a 1C-shaped PostgreSQL database and a running pipeline)." >&2
	@exit 1
