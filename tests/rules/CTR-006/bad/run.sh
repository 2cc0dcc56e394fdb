#!/bin/sh
# severity: LOW
# On a docker run line vakt cannot see the image's USER, so it is LOW there.
docker run -d --name api registry.example.com/shop/api:2.3.1
