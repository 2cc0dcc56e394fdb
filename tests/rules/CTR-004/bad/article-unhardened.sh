#!/bin/sh
# The article's line without its hardening flags.
docker run -d -p 8080:8080 --name web-app coolvds/secure-app:v1
