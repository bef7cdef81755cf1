# The newcomer's five minutes: make demo, make test.
GO ?= go
PG ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.PHONY: demo run test test-pg lint bench build ci

demo:            ## a synthetic region on SQLite, served on 127.0.0.1:8080
	$(GO) run ./cmd/grondslag demo

build:
	CGO_ENABLED=0 $(GO) build -o bin/grondslag ./cmd/grondslag

run: build       ## serve grondslag.db (run `bin/grondslag migrate` first)
	./bin/grondslag serve

test:            ## the test command of the README (SQLite; PostgreSQL too when GRONDSLAG_TEST_POSTGRES is set)
	$(GO) test ./...

test-pg:         ## the same tests, also against PostgreSQL on $(PG)
	GRONDSLAG_TEST_POSTGRES='$(PG)' $(GO) test ./...

lint:
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	$(GO) vet ./...

ci:
	bash .ci/run

bench:           ## the quick benchmarks; the big ones (OPA, 10M absence, wrk, audit 1M) are in docs/performance.md
	$(GO) test -run '^$$' -bench . -benchmem ./internal/policy/ ./internal/absence/
