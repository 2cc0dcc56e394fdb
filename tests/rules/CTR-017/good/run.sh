#!/bin/sh
docker run -d --pids-limit=256 registry.example.com/shop/api:2.3.1
