#!/bin/sh
# --net host, the old spelling, on docker create.
docker create --name probe --net host registry.example.com/ops/blackbox:0.25.0
