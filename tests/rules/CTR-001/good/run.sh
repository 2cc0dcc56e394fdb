#!/bin/sh
# --privileged=false is the default, written out.
docker run --rm --privileged=false --cap-drop ALL registry.example.com/tools/lint:2.1.0
