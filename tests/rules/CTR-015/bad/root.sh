#!/bin/sh
# The host's root filesystem.
docker run --rm -v /:/host:ro registry.example.com/ops/scanner:0.5.0
