# The install script runs as it arrives: unreviewed, unpinned, as root.
FROM registry.example.com/base/debian:12.6
RUN curl -fsSL https://get.example.com/install.sh | sh
