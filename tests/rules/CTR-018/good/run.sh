#!/bin/sh
docker run -d --memory 512m registry.example.com/shop/api:2.3.1
docker run -d -m 1g registry.example.com/shop/worker:2.3.1
