# syntax=docker/dockerfile:1
# A cache mount keeps only its own directory out of the layer: npm's cache here, not apt's
# lists.
FROM registry.example.com/base/node:20.15-bookworm
RUN --mount=type=cache,target=/root/.npm \
    apt-get update && apt-get install -y --no-install-recommends python3=3.11.2-1+b1 \
 && npm ci
