#!/bin/sh
docker run -d -v /srv/app/config:/etc/app:ro -v "$PWD/data:/data" registry.example.com/shop/api:2.3.1
