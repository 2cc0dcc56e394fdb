#!/bin/sh
# --user 0 inside a command substitution.
CID=$(docker run -d --user 0 registry.example.com/shop/api:2.3.1)
echo "$CID"
