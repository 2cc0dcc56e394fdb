# Download, verify, then run.
FROM registry.example.com/base/debian:12.6
RUN curl -fsSLo /tmp/install.sh https://get.example.com/install.sh \
 && echo "5d2c1a0b9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh && rm /tmp/install.sh
