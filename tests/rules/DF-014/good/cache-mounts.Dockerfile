# syntax=docker/dockerfile:1
# Caches on cache mounts never reach a layer.
FROM registry.example.com/base/python:3.12-slim
RUN --mount=type=cache,target=/var/cache/apt,sharing=locked \
    --mount=type=cache,target=/var/lib/apt,sharing=locked \
    apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3
RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt
