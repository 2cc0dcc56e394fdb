# args: --target release
# The last stage is a root debug image, but the build targets release, which runs as
# 10001.
FROM registry.example.com/base/alpine:3.20 AS release
RUN adduser -S -u 10001 app
COPY app /usr/local/bin/app
USER 10001

FROM release AS debug
USER root
RUN apk add --no-cache strace=6.9-r0
