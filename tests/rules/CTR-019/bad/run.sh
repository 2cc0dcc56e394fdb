#!/bin/sh
# The Docker API, and SSH on another host port: the service is what counts.
docker run -d -p 0.0.0.0:2375:2375 registry.example.com/ops/dind:27.1
docker run -d -p 2222:22 registry.example.com/ops/sshd:9.7
