# syntax=docker/dockerfile:1
# Build a static binary, then run it as a non-root user in a minimal image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/insidebot ./cmd/insidebot && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/insidebot /usr/local/bin/insidebot
# The embedded SQLite lives here when DATABASE_URL is empty; owned by the non-root user.
COPY --from=build --chown=65532:65532 /out/data /data
# Time zones for BOT_TIMEZONE are embedded in the binary (time/tzdata).
# /metrics has its own port: publish or route 9090 only to the monitoring, never to the proxy.
ENV HTTP_ADDR=0.0.0.0:8080 METRICS_ADDR=0.0.0.0:9090 DATA_DIR=/data LOG_FORMAT=json
VOLUME ["/data"]
EXPOSE 8080 9090
USER nonroot:nonroot
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/insidebot", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/insidebot"]
CMD ["serve"]
