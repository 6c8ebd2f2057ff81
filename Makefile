# insidebot: make run (the embedded default, no services or tokens), make test.
GO        ?= go
BIN       := bin/insidebot
PKGS      := ./...
STATICCHECK_VERSION := v0.8.2

.PHONY: run build test lint bench microbench services i18n clean

## run: start the bot with embedded SQLite and Redis and demo data, web chat on http://127.0.0.1:8080
run: build
	DATA_DIR=$${DATA_DIR:-./data} ./$(BIN) serve --demo

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/insidebot

## services: make sure PostgreSQL and Redis run (installing them from Debian's packages if absent)
services:
	./scripts/services.sh

## test: go vet and every test with the race detector, on PostgreSQL, Redis and SQLite
test: services | e2e/node_modules
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 -timeout 30m $(PKGS)

## e2e/node_modules: the Telegram Bot API emulator the end-to-end test runs against (Node 20)
e2e/node_modules:
	npm ci --prefix e2e --no-audit --no-fund

## lint: gofmt, go vet and staticcheck
lint:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (gofmt -l $$(git ls-files '*.go'); echo "run gofmt -w"; exit 1)
	$(GO) vet $(PKGS)
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION) $(PKGS)

## bench: the built binary measured from outside (bench/binbench): updates/s against a bare echo
## bot, p50/p99, on PostgreSQL + Redis and on the embedded SQLite, the staff's screens at 100,000
## people (plan view, /mine, /stats, /export, peak RSS), and broadcast pacing (~10 min)
bench: services
	$(GO) run ./bench/binbench $(BENCHFLAGS)

## microbench: the in-process Go benchmarks (one function or one package at a time; not the binary)
microbench: services
	$(GO) test -run '^$$' -bench . -benchtime 1x -count 1 ./...

## i18n: build/i18n/translate.<lang>.toml, the messages each language still lacks (goi18n merge)
i18n:
	./scripts/i18n.sh

clean:
	rm -rf bin data build
