# -t names a release, not a package; the package after it is not pinned.
FROM registry.example.com/base/debian:12.6
RUN apt-get update \
 && apt-get install -y -t bookworm-backports --no-install-recommends golang \
 && rm -rf /var/lib/apt/lists/*
