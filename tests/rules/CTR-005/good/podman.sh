#!/bin/sh
# podman run --read-only mounts a tmpfs on /tmp by itself (--read-only-tmpfs defaults to
# true).
podman run -d --read-only registry.example.com/shop/api:2.3.1
