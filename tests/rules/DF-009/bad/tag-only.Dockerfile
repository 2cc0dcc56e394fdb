# A tag can be moved to another image.
FROM registry.example.com/base/alpine:3.20
USER 10001
