#!/bin/sh
# A pinned image, and one named by a variable vakt cannot resolve.
docker run -d registry.example.com/shop/api:2.3.1
docker run -d "$IMAGE"
