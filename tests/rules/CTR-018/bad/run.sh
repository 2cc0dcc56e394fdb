#!/bin/sh
docker run -d --name api registry.example.com/shop/api:2.3.1
