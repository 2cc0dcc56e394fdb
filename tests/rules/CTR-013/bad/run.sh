#!/bin/sh
docker run --rm --ipc host registry.example.com/ml/trainer:0.9.3
