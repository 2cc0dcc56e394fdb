#!/bin/sh
# docker container run, --cap-drop with a space.
docker container run --rm --cap-drop ALL registry.example.com/tools/lint:2.1.0
