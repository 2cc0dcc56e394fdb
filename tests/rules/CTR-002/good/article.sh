#!/bin/sh
# Hardened: all capabilities dropped, NET_BIND_SERVICE added back.
docker run -d -p 8080:8080 --name web-app --cap-drop=ALL --cap-add=NET_BIND_SERVICE --read-only --tmpfs /tmp coolvds/secure-app:v1
