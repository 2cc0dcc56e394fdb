# Without trusted registries in the configuration the rule does not run.
FROM alpine:3.20
USER 10001
