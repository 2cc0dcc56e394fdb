#!/bin/sh
docker run --rm --ipc private --shm-size 2g registry.example.com/ml/trainer:0.9.3
