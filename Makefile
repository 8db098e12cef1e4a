# The two commands of the README: `make demo` runs the daemon on the demo
# config; `make test` runs every test (PostgreSQL ones when
# TICKLER_TEST_POSTGRES is set) and lists the tests it skipped.

GO ?= go

# packaging/ is a module of its own, so that what its tests use (the Compose
# loader, Docker's pattern matcher) stays out of the product's go.mod; ./... at
# the root does not reach it, so vet and test name it too. bash for pipefail:
# `make test` fails when either go test fails, even without a line for
# testsummary to see (a go.mod that needs updating, say).
SHELL := /bin/bash

.PHONY: demo test build vet

build:
	CGO_ENABLED=0 $(GO) build -o bin/tickler ./cmd/tickler

demo: build
	./bin/tickler -config examples/demo.yaml serve

vet:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && exit 1)
	$(GO) vet ./...
	cd packaging && $(GO) vet ./...

test: vet
	$(GO) build -o bin/testsummary ./internal/testsummary
	set -o pipefail; \
	( $(GO) test -count=1 -timeout 30m -json ./...; root=$$?; \
	  cd packaging && $(GO) test -count=1 -timeout 30m -json ./... && exit $$root ) | bin/testsummary
