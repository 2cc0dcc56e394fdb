#!/bin/sh
# podman's keep-id maps the user into a user namespace; it does not turn remapping off.
podman run -d --userns=keep-id registry.example.com/ops/agent:3.2.0
