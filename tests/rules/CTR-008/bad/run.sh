#!/bin/sh
# severity: LOW
# On a docker run line this is LOW.
docker run -d --cap-drop ALL registry.example.com/shop/api:2.3.1
