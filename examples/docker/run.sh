#!/bin/sh
# How the 2021 guide starts its container, and the same line with its hardening flags
# forgotten.
set -eu

# hardened: every flag the guide asks for
docker run -d -p 8080:8080 \
  --name web-app \
  --cap-drop=ALL \
  --cap-add=NET_BIND_SERVICE \
  --read-only \
  --tmpfs /tmp \
  coolvds/secure-app:v1

# the same container, flags forgotten
docker run -d -p 8080:8080 --name web-app coolvds/secure-app:v1

# a debugging habit that should never reach production
sudo docker run --rm -it --privileged --pid=host -v /:/host alpine:3.20 chroot /host
