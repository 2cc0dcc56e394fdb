# The root step runs before USER; no sudo needed.
FROM registry.example.com/base/alpine:3.20
RUN apk add --no-cache curl=8.9.1-r0
USER 10001
