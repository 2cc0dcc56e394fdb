#!/bin/sh
# :5000 is the registry's port, not a tag.
docker run -d localhost:5000/shop/api
