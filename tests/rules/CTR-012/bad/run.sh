#!/bin/sh
docker run --rm --pid=host registry.example.com/ops/toolbox:1.4.0 ps aux
