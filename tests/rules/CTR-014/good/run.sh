#!/bin/sh
# Project data, read-only.
docker run -d -v /srv/app/config:/etc/app:ro registry.example.com/shop/api:2.3.1
