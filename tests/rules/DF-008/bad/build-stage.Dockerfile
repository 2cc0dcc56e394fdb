# Every stage's base is judged: the build stage floats on :latest.
FROM golang:latest AS build
RUN go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
