#!/bin/sh
# A non-root user; 1000:0 is root's group, not root (this rule is about the user).
docker run --rm --user 10001:10001 registry.example.com/shop/api:2.3.1
docker run --rm --user 1000:0 registry.example.com/shop/worker:2.3.1
