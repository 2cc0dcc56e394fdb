#!/bin/sh
# max-severity: LOW
# The article's hardened line: capabilities dropped, read-only root with a tmpfs on /tmp.
# Nothing on it is MEDIUM or above; what is left (no user, no-new-privileges, limits) is
# LOW on a run line.
docker run -d -p 8080:8080 --name web-app --cap-drop=ALL --cap-add=NET_BIND_SERVICE --read-only --tmpfs /tmp coolvds/secure-app:v1
