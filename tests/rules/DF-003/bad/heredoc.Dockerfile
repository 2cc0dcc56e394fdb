# syntax=docker/dockerfile:1
# A heredoc given to the shell is part of the RUN script: sudo inside it counts.
FROM registry.example.com/base/ubuntu:24.04
USER dev
RUN <<EOF
set -e
sudo mkdir -p /opt/tools
sudo chown dev /opt/tools
EOF
