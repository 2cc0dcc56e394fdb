#!/bin/sh
docker run -d alpine
docker run -d registry.example.com/ops/agent:latest
