#!/bin/sh
# --network=host
docker run -d --network=host registry.example.com/ops/node-exporter:1.8.2
