# Exec form runs sudo directly, without a shell.
FROM registry.example.com/base/ubuntu:24.04
USER dev
RUN ["sudo", "/usr/local/bin/install-tools"]
