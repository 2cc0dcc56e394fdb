# FROM a stage name and FROM scratch are not images from a registry.
FROM registry.example.com/base/golang:1.22.5 AS build
RUN CGO_ENABLED=0 go build -o /out/app ./cmd/app

FROM build AS test
RUN go test ./...

FROM scratch
COPY --from=build /out/app /app
