#!/bin/sh
# docker run --privileged, reached through sudo.
set -eu
sudo docker run -d --name dind --privileged docker:27.1-dind
