# The two commands of the README: `make demo` runs the daemon on the demo
# config; `make test` runs every test (PostgreSQL ones when
# TICKLER_TEST_POSTGRES is set) and lists the tests it skipped.

GO ?= go

.PHONY: demo test build vet

build:
	CGO_ENABLED=0 $(GO) build -o bin/tickler ./cmd/tickler

demo: build
	./bin/tickler -config examples/demo.yaml serve

vet:
	gofmt -l . | (! grep .) || (echo "gofmt needed on the files above" && exit 1)
	$(GO) vet ./...

test: vet
	$(GO) build -o bin/testsummary ./internal/testsummary
	$(GO) test -count=1 -timeout 30m -json ./... | bin/testsummary
