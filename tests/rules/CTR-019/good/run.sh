#!/bin/sh
# An application port on all interfaces is fine; admin ports on loopback.
docker run -d -p 8080:8080 registry.example.com/shop/api:2.3.1
docker run -d -p 127.0.0.1:6379:6379 registry.example.com/data/redis:7.2.5
