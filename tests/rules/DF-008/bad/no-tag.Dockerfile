# No tag means :latest.
FROM alpine
USER 10001
