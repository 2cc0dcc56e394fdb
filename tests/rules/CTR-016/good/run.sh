#!/bin/sh
docker run -d -v /srv/app/data:/data registry.example.com/shop/api:2.3.1
