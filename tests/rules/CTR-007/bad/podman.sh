#!/bin/sh
# -u0: the short option with its value attached.
podman run --rm -u0 registry.example.com/ops/toolbox:1.4.0 id
