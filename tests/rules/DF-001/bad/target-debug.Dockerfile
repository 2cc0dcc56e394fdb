# args: --target debug
# With --target debug the image is the debug stage, which runs as root; the release
# stage after it does not count.
FROM registry.example.com/base/alpine:3.20 AS base
RUN adduser -S -u 10001 app
USER 10001

FROM base AS debug
USER root
RUN apk add --no-cache strace=6.9-r0

FROM base AS release
COPY app /usr/local/bin/app
