# args: --config tests/rules/DF-010/trusted.vakt.yaml
# An image without a registry comes from Docker Hub (docker.io), which is not trusted here.
FROM alpine:3.20
USER 10001
