# syntax=docker/dockerfile:1
#
# tickler's image: `docker build -t tickler .`, or `docker compose up` with the
# docker-compose.yml beside this file. README.md, "Deploy", tells the rest.

# Build on the builder's own platform and cross-compile: the binary is pure Go
# (the embedded SQLite is modernc.org/sqlite), so CGO_ENABLED=0 gives a static
# binary for any TARGETARCH without an emulator.
FROM --platform=$BUILDPLATFORM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG TARGETOS=linux
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w" -o /out/tickler ./cmd/tickler

# The runtime is Alpine rather than distroless: the HEALTHCHECK needs an HTTP
# client inside the image, and Alpine's busybox wget is one without changing
# tickler's command line (a contract) or copying a second static binary into
# a shell-less image. It also brings the CA bundle for SMTP over TLS and a
# shell for `docker compose exec tickler sh` when something needs a look.
FROM alpine:3.22
RUN addgroup -S -g 10001 tickler \
 && adduser -S -D -H -u 10001 -G tickler -h /var/lib/tickler -s /sbin/nologin tickler \
 && mkdir -p /etc/tickler /var/lib/tickler \
 && chown tickler:tickler /var/lib/tickler \
 && chmod 0750 /var/lib/tickler
COPY --from=build /out/tickler /usr/local/bin/tickler
# The default configuration: SQLite and .eml files in the data volume, HTTP on
# every interface. docker-compose.yml mounts examples/compose.yaml over it.
COPY packaging/docker.yaml /etc/tickler/tickler.yaml

# Subcommands find the configuration too: docker compose exec tickler tickler status
ENV TICKLER_CONFIG=/etc/tickler/tickler.yaml
WORKDIR /var/lib/tickler
# The SQLite file and the outbox (the default config) live here. The config is
# not a VOLUME: it is one file, mounted read-only over the default.
VOLUME ["/var/lib/tickler"]
# Numeric, so that Kubernetes' runAsNonRoot can check it.
USER 10001:10001
EXPOSE 8080
# /healthz answers 200 as soon as the HTTP server is up, which is after
# migrations and the sample import: the start period leaves time for them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/tickler"]
CMD ["-config", "/etc/tickler/tickler.yaml", "serve"]
