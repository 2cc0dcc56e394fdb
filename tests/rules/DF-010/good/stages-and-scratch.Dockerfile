# args: --config tests/rules/DF-010/trusted.vakt.yaml
# FROM a stage and FROM scratch pull nothing.
FROM registry.example.com/base/golang:1.22.5 AS build
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM scratch
COPY --from=build /out/app /app
