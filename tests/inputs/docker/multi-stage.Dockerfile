# A build stage may run as root; the image it feeds must not. BASE comes from a global ARG.
ARG BASE=golang:1.23-bookworm
FROM ${BASE} AS build
USER root
RUN --mount=type=cache,target=/root/.cache/go-build go build -o /out/app ./cmd/app

FROM gcr.io/distroless/static-debian12:nonroot@sha256:6ec5aa99dc335666e79dc64e4a6c8b89c33a543a1967f20d360922a80dd21f02 AS runtime
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
