#!/bin/sh
docker run --rm --pid container:api registry.example.com/ops/toolbox:1.4.0 ps aux
