# ADD downloads with no integrity check.
FROM registry.example.com/base/alpine:3.20
ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini-static /usr/local/bin/tini
USER 10001
