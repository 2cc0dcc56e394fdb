#!/bin/sh
# --mount type=bind of Podman's socket.
podman run -d --mount type=bind,src=/run/podman/podman.sock,dst=/var/run/docker.sock registry.example.com/ops/agent:3.2.0
