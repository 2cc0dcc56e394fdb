#!/bin/sh
docker run -d --pids-limit -1 registry.example.com/shop/api:2.3.1
