# args: --config tests/rules/DF-010/trusted.vakt.yaml
# Build stages are judged too: their base runs in the build and feeds the image.
FROM golang:1.22.5-bookworm AS build
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
