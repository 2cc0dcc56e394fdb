#!/bin/sh
# --user=root:root through sudo.
sudo docker run --rm --user=root:root registry.example.com/ops/toolbox:1.4.0 id
