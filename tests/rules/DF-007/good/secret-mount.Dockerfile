# syntax=docker/dockerfile:1
# The token is mounted for the one RUN that needs it and never stored.
FROM registry.example.com/base/node:20.15-alpine3.20
RUN --mount=type=secret,id=npm_token \
    NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
USER node
