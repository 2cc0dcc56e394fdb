# Download in RUN and verify the checksum before using the file.
FROM registry.example.com/base/alpine:3.20
RUN wget -qO /tmp/tool.tgz https://downloads.example.com/tool/1.4.2/tool-linux-amd64.tar.gz \
 && echo "9f2a0e1c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f  /tmp/tool.tgz" | sha256sum -c - \
 && tar -xzf /tmp/tool.tgz -C /opt && rm /tmp/tool.tgz
