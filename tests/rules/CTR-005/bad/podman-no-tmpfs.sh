#!/bin/sh
# podman's own tmpfs turned off with --read-only-tmpfs=false: nothing writable on /tmp.
podman run -d --read-only --read-only-tmpfs=false registry.example.com/shop/api:2.3.1
