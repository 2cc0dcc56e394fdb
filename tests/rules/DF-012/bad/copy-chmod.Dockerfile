# syntax=docker/dockerfile:1
FROM registry.example.com/base/alpine:3.20
COPY --chmod=777 entrypoint.sh /usr/local/bin/entrypoint.sh
USER 10001
