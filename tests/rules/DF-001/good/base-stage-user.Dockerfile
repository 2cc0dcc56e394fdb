# USER in the stage the image is built FROM carries through: the final stage runs as
# 10001 without repeating it.
FROM registry.example.com/base/alpine:3.20 AS base
RUN addgroup -S app && adduser -S -G app -u 10001 app
USER 10001:10001

FROM base
COPY --chown=10001:10001 app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
