# Options and their values (-o, -t) are not packages; a local .deb is pinned by its file.
FROM registry.example.com/base/debian:12.6
RUN apt-get update \
 && apt-get -o Dpkg::Options::=--force-confold install -y --no-install-recommends \
      ca-certificates=20230311 curl=7.88.1-10+deb12u8 ./vendor/tool_1.4.2_amd64.deb \
 && rm -rf /var/lib/apt/lists/*
