#!/bin/sh
docker run -d --user 10001:10001 registry.example.com/shop/api:2.3.1
docker run -d -u app registry.example.com/shop/worker:2.3.1
