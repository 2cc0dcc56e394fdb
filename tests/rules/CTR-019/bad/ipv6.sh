#!/bin/sh
# [::] is every IPv6 interface.
docker run -d -p "[::]:27017:27017" registry.example.com/data/mongo:7.0.12
