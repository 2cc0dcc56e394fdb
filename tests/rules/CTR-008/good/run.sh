#!/bin/sh
docker run -d --security-opt no-new-privileges:true registry.example.com/shop/api:2.3.1
docker run -d --security-opt=no-new-privileges=true registry.example.com/shop/worker:2.3.1
docker run -d --security-opt="no-new-privileges" registry.example.com/shop/cron:2.3.1
