#!/bin/sh
# --tmpfs with options, --tmpfs=/tmp/, and --mount type=tmpfs.
docker run -d --read-only --tmpfs /tmp:rw,noexec,nosuid,size=64m registry.example.com/shop/api:2.3.1
docker run -d --read-only --tmpfs=/tmp/ registry.example.com/shop/worker:2.3.1
docker run -d --read-only --mount type=tmpfs,destination=/tmp registry.example.com/shop/cron:2.3.1
