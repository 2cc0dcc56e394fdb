# syntax=docker/dockerfile:1
# Inside a heredoc script given to the shell.
FROM registry.example.com/base/debian:12.6
RUN <<EOF
set -eu
apt-get update
curl -sSL https://install.python-poetry.org | python3 -
rm -rf /var/lib/apt/lists/*
EOF
