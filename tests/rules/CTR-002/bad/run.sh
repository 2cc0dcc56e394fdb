#!/bin/sh
# --cap-add in its spellings; podman splits a comma-separated list.
docker run --rm --cap-add=SYS_PTRACE registry.example.com/ops/toolbox:1.4.0 strace -p 1
podman run --rm --cap-add net_admin,net_raw registry.example.com/net/tcpdump:4.99.4
