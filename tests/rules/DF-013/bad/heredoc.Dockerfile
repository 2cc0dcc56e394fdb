# syntax=docker/dockerfile:1
FROM registry.example.com/base/alpine:3.20
RUN <<EOF
set -e
apk add --no-cache jq
EOF
