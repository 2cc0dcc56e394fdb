#!/bin/sh
docker run -d --device=/dev/sda:/dev/xvdc registry.example.com/storage/fio:3.37
