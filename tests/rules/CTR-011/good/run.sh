#!/bin/sh
# Publishing a port, or joining another container's network, is not the host's network.
docker run -d -p 127.0.0.1:8080:8080 registry.example.com/shop/api:2.3.1
docker run -d --network container:api registry.example.com/ops/sidecar:1.2.0
