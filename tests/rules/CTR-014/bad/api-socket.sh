#!/bin/sh
# --use-api-socket mounts the Docker socket for the container.
docker run --rm --use-api-socket registry.example.com/ci/docker:27.1 docker ps
