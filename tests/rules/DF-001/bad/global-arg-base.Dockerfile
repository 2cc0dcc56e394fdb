# FROM ${BASE} with a global ARG: the base resolves to its default, and the stage sets
# no USER of its own.
ARG BASE=registry.example.com/base/alpine:3.20
FROM ${BASE}
COPY app /usr/local/bin/app
ENTRYPOINT ["/usr/local/bin/app"]
