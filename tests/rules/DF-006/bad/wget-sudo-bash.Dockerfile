# Through sudo, with options between: still a download run by a shell.
FROM registry.example.com/base/ubuntu:24.04
USER dev
RUN wget -qO- https://deb.nodesource.com/setup_20.x | sudo -E bash -
