# args: --config tests/rules/DF-010/trusted.vakt.yaml
FROM registry.example.com/base/golang:1.22.5 AS build
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
